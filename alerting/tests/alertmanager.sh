#!/usr/bin/env bash
# alertmanager.sh -- a real prometheus-alertmanager (Debian 0.25) on 127.0.0.1, random port, temp
# config and storage, cluster listener off: a blocked zone's alert shows in GET /api/v2/alerts
# with the right labels, Alertmanager's webhook notification reaches a local receiver, and a
# later passing verification ends the alert. Stopped by PID.
set -u
. "${SOURCE_ROOT:?}/tests/lib.sh"
. "$SOURCE_ROOT/alerting/tests/alert-lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
T_LOG=/dev/stderr
TIME=1798761600
BAD=$FX/bad/rrsig.bogus--33834.zone
# a later passing serial of the same zone: example. at 2027010102 (the zone.serial fixture's
# previous version, a valid signed zone)
LATER=$FX/bad/zone.serial.prev
AM_BIN=$(command -v prometheus-alertmanager)
if [ -z "$AM_BIN" ]; then
	skip "Alertmanager end to end" "prometheus-alertmanager not installed (deploy/install-deps)"
	done_testing
	exit 0
fi
TMP=$(mktemp -d)
AMPID=
stop_am() { [ -n "$AMPID" ] && kill "$AMPID" 2>/dev/null && wait "$AMPID" 2>/dev/null; AMPID=; }
trap 'stop_am; stop_receiver; rm -rf "$TMP"' EXIT
start_receiver "$TMP" || { echo "Bail out! receiver"; exit 1; }

# Alertmanager: its own notifications go to the local receiver (group_wait 0s)
cat >"$TMP/am.yml" <<EOF
global:
  resolve_timeout: 5m
route:
  receiver: sink
  group_by: [alertname, zone]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: sink
    webhook_configs:
      - url: http://127.0.0.1:$RPORT/am-notify
        send_resolved: true
EOF
start_am() { # up to 3 tries: the free port may be taken between probe and bind
	for _ in 1 2 3; do
		AMPORT=$(free_port)
		mkdir -p "$TMP/data"
		"$AM_BIN" --config.file="$TMP/am.yml" --storage.path="$TMP/data" \
			--web.listen-address="127.0.0.1:$AMPORT" --cluster.listen-address= \
			--log.level=warn >"$TMP/am.log" 2>&1 &
		AMPID=$!
		wait_until 15 http GET "http://127.0.0.1:$AMPORT/-/ready" && return 0
		stop_am
	done
	return 1
}
ok "alertmanager starts on 127.0.0.1 (cluster listener off)" start_am || { cat "$TMP/am.log" >&2; done_testing; exit 1; }
AM=http://127.0.0.1:$AMPORT

cat >"$TMP/alert.yaml" <<EOF
alerting:
  spool: $TMP/spool
  deliver: spool-only
  backoff-initial: 100ms
  alertmanager-ttl: 1h
  routes:
    - name: am
      kind: alertmanager
      url: $AM
EOF
"$ZG" verify --time "$TIME" --alert-config "$TMP/alert.yaml" "$BAD" >/dev/null 2>"$TMP/v1.err"
ok "blocked zone: exit 1" eq "$?" 1
"$ZG" alert flush --alert-config "$TMP/alert.yaml" >"$TMP/f1.out" 2>&1
ok "flush posts to /api/v2/alerts: HTTP 200" grep -q 'am (alertmanager) \[example.\] open: delivered, HTTP 200' "$TMP/f1.out"

active() { http GET "$AM/api/v2/alerts?filter=zone%3D%22example.%22&active=true" >"$TMP/alerts.json"; }
# one alert, past Alertmanager's brief "unprocessed" state
one_alert() { active && [ "$(jq -r 'length, .[0].status.state' "$TMP/alerts.json" | tr '\n' ' ')" = "1 active " ]; }
ok "the alert is visible via GET /api/v2/alerts" wait_until 5 one_alert
ok "labels: alertname, zone, severity, check" jqe '.[0].labels == {"alertname": "ZonegateBlocked", "zone": "example.", "severity": "critical", "check": "signatures"}' "$TMP/alerts.json"
ok "state active, annotations carry the summary and diagnosis" jqe '.[0].status.state == "active" and (.[0].annotations.summary | test("example. serial 2027010101 blocked: 25 rrsig.bogus")) and (.[0].annotations.diagnosis | test("key tag 33834"))' "$TMP/alerts.json"
notified() { [ "$(reqs '^/am-notify$' | jq -r '.body | fromjson | .status' | grep -c "$1")" -ge 1 ]; }
ok "alertmanager notified its receiver (firing)" wait_until 5 notified firing

"$ZG" verify --time "$TIME" --alert-config "$TMP/alert.yaml" "$BAD" >/dev/null 2>&1
"$ZG" alert flush --alert-config "$TMP/alert.yaml" >/dev/null 2>&1
ok "re-detected: still one alert" one_alert

"$ZG" verify --time "$TIME" --alert-config "$TMP/alert.yaml" "$LATER" >/dev/null 2>&1
ok "later serial (2027010102) passes: exit 0" eq "$?" 0
"$ZG" alert flush --alert-config "$TMP/alert.yaml" >"$TMP/f2.out" 2>&1
ok "resolve posted (endsAt now): HTTP 200" grep -q 'am (alertmanager) \[example.\] resolve: delivered, HTTP 200' "$TMP/f2.out"
none_active() { active && [ "$(jq length "$TMP/alerts.json")" -eq 0 ]; }
ok "the later passing serial ends the alert" wait_until 5 none_active
ok "alertmanager notified its receiver (resolved)" wait_until 5 notified resolved

# Alertmanager forgets alerts on restart: flush re-posts open incidents
"$ZG" verify --time "$TIME" --alert-config "$TMP/alert.yaml" "$BAD" >/dev/null 2>&1
"$ZG" alert flush --alert-config "$TMP/alert.yaml" >/dev/null 2>&1
stop_am
start_am
gone() { http GET "http://127.0.0.1:$AMPORT/api/v2/alerts" >"$TMP/all.json" && jqe 'length == 0' "$TMP/all.json"; }
ok "after an Alertmanager restart the alert is gone" gone
AM=http://127.0.0.1:$AMPORT
sed -i "s#url: http://127.0.0.1:[0-9]*#url: $AM#" "$TMP/alert.yaml"
"$ZG" alert flush --alert-config "$TMP/alert.yaml" >/dev/null 2>&1
ok "the next flush re-posts the open incident" wait_until 5 one_alert
"$ZG" alert test --alert-config "$TMP/alert.yaml" >"$TMP/t.out" 2>&1
ok "alert test reports the alertmanager route's status" grep -q '^am (alertmanager) \[zonegate-test.\] open: delivered, HTTP 200' "$TMP/t.out"
done_testing
