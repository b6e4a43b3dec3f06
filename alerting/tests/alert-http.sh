#!/usr/bin/env bash
# alert-http.sh -- zonegate alerting against a local HTTP receiver (127.0.0.1, random port):
# payload shapes (webhook HMAC, Slack, PagerDuty v2, Opsgenie), one page per incident and its
# resolve, retry with backoff, Retry-After, timeouts, refused connections, permanent failure and
# fallback, kill -9 after spooling / during delivery, the background sender and heartbeat, exec,
# config errors, `alert test` on the example config, and no secret in any log, spool or report.
set -u
. "${SOURCE_ROOT:?}/tests/lib.sh"
. "$SOURCE_ROOT/alerting/tests/alert-lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
T_LOG=/dev/stderr
TIME=1798761600
BAD=$FX/bad/rrsig.bogus--33834.zone
GOOD=$FX/good/alg8-ldns-nsec3-zonemd.zone # the same zone (example.), passing
TMP=$(mktemp -d)
trap 'stop_receiver; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$TMP/out" "$TMP/etc"
start_receiver "$TMP" || { echo "Bail out! receiver"; exit 1; }
R=http://127.0.0.1:$RPORT

# secrets: files and one environment variable; the Slack URL path is a secret too
S_HMAC="hmac-s3cret-$$-$RANDOM"
S_PD="pdkey$$x$RANDOM"
S_OG="ogkey$$y$RANDOM"
S_SLACK="T0$$/B0$RANDOM/slacktok$$"
printf '%s\n' "$S_HMAC" >"$TMP/etc/hmac"
printf '%s' "$S_PD" >"$TMP/etc/pd"
printf '%s\n' "$R/slack/$S_SLACK" >"$TMP/etc/slack"
export ZG_TEST_OG_KEY=$S_OG
SECRETS=("$S_HMAC" "$S_PD" "$S_OG" "$S_SLACK")

# run NAME ARGS...: zonegate with stdout/stderr kept in $TMP/out/NAME.{out,err}; rc in RC
run() {
	local name=$1
	shift
	"$ZG" "$@" >"$TMP/out/$name.out" 2>"$TMP/out/$name.err"
	RC=$?
}
verify() { # verify NAME CONF ZONE
	run "$1" verify --time "$TIME" --alert-config "$2" "$3"
}
# head_conf SPOOL [top-level lines...]
head_conf() {
	printf 'alerting:\n  spool: %s\n  deliver: spool-only\n  backoff-initial: 100ms\n' "$1"
	printf '  backoff-max: 2s\n'
	shift
	for l in "$@"; do printf '  %s\n' "$l"; done
	printf '  routes:\n'
}
hook_route() { # hook_route NAME PATH [extra lines]
	printf '    - name: %s\n      kind: webhook\n      url: %s%s\n      secret-file: %s\n' \
		"$1" "$R" "$2" "$TMP/etc/hmac"
	shift 2
	for l in "$@"; do printf '      %s\n' "$l"; done
}
chat_route() { # chat_route NAME [fallback]
	printf '    - name: %s\n      kind: slack\n      url-file: %s\n      min-severity: warning\n' \
		"$1" "$TMP/etc/slack"
	[ "${2:-}" = fallback ] && printf '      fallback: true\n'
	return 0
}
pd_route() { # pd_route NAME PATH
	printf '    - name: %s\n      kind: pagerduty\n      url: %s%s\n      secret-file: %s\n' \
		"$1" "$R" "$2" "$TMP/etc/pd"
}
og_route() {
	printf '    - name: %s\n      kind: opsgenie\n      url: %s%s\n      secret-env: ZG_TEST_OG_KEY\n' \
		"$1" "$R" "$2"
}
last() { reqs "$1" | tail -n 1; }
first_body() { reqs "$1" | head -n 1 | jq -c '.body | fromjson'; }
save() { local f; f=$(mktemp "$TMP/save.XXXXXX"); "$@" >"$f"; echo "$f"; } # jqe needs a file
body() { last "$1" | jq -c '.body | fromjson'; }

# ---- 1. payload shapes, one page per incident, resolve on pass ---------------------------------
C1=$TMP/c1.yaml
{ head_conf "$TMP/s1" "metrics-file: $TMP/s1.prom"; hook_route hook /hook; pd_route oncall /pd
  og_route og /og; chat_route chat; } >"$C1"
verify v1 "$C1" "$BAD"
ok "blocked zone with alerting: exit 1" eq "$RC" 1
ok "verify says what it spooled in one line" grep -q '\[example.\] 4 opened, 0 updated, 0 resolved; 4 messages spooled' "$TMP/out/v1.err"
ok "spooled before any delivery (deliver: spool-only): nothing sent yet" eq "$(nreqs .)" 0
ok "metrics: bogus RRSIGs by key tag and algorithm" grep -q '^zonegate_rrsigs_bogus{zone="example.",key_tag="33834",algorithm="13"} 25$' "$TMP/s1.prom"
ok "metrics: findings by check id" grep -q '^zonegate_findings{zone="example.",id="rrsig.bogus",severity="error"} 25$' "$TMP/s1.prom"
run f1 alert flush --alert-config "$C1"
ok "flush delivers all four: exit 0" eq "$RC" 0
ok "flush reports each route's HTTP status" eq "$(grep -c 'open: delivered, HTTP 200' "$TMP/out/f1.out")" 4

last '^/hook$' >"$TMP/hook.json"
hmac_ok() { "$PY" -c '
import hashlib, hmac, json, sys
r = json.load(open(sys.argv[1]))
mac = hmac.new(sys.argv[2].encode(), r["body"].encode(), hashlib.sha256).hexdigest()
sys.exit(0 if r["headers"]["x-zonegate-signature"] == "sha256=" + mac else 1)' "$TMP/hook.json" "$1"; }
ok "webhook: X-Zonegate-Signature is the HMAC-SHA256 of the body" hmac_ok "$S_HMAC"
not() { ! "$@"; }
ok "webhook: a wrong secret does not verify" not hmac_ok wrong
body '^/hook$' >"$TMP/hook.body"
ok "webhook: idempotency key header = body key" \
	eq "$(jq -r '.headers["idempotency-key"]' "$TMP/hook.json")" "$(jq -r .idempotency_key "$TMP/hook.body")"
ok "webhook: zone, serial, verdict, event" jqe '.zone == "example." and .serial == 2027010101 and .verdict == "blocked" and .event == "open" and .severity == "critical" and .class == "signatures"' "$TMP/hook.body"
ok "webhook: counts by check id" jqe '.counts["rrsig.bogus"] == 25 and .counts["nsec3.unsigned"] == 11' "$TMP/hook.body"
ok "webhook: top findings" jqe '(.top_findings | length) == 5 and .top_findings[0].id == "rrsig.bogus"' "$TMP/hook.body"
ok "webhook: the key-tag diagnosis line" jqe '.diagnosis[0] | test("^key tag 33834 \\(alg 13\\): 1 key published, [0-9]+ signatures, 25 bogus; bogus ones were made by 2 other keys")' "$TMP/hook.body"
ok "webhook: report path holds the full JSON report" jqe '.verdict == "blocked" and .schema == "zonegate-report/1"' "$(jq -r .report "$TMP/hook.body")"
body '^/slack/' >"$TMP/slack.body"
ok "slack: text + blocks, text short enough for a phone" jqe '(.text | length) < 160 and (.blocks | length) >= 2 and .blocks[0].type == "section" and (.text | test("example. serial 2027010101 blocked"))' "$TMP/slack.body"
body '^/pd$' >"$TMP/pd.body"
ok "pagerduty: Events v2 trigger with routing_key and dedup_key" jqe --arg k "$S_PD" '.routing_key == $k and .event_action == "trigger" and (.dedup_key | startswith("zonegate:example.:signatures:"))' "$TMP/pd.body"
ok "pagerduty: payload summary, source, severity, custom_details" jqe '.payload.severity == "critical" and .payload.source == "example." and (.payload.summary | length) <= 1024 and .payload.custom_details.counts["rrsig.bogus"] == 25' "$TMP/pd.body"
last '^/og/' >"$TMP/og.json"
ok "opsgenie: POST /v2/alerts with GenieKey" jqe --arg k "GenieKey $S_OG" '.path == "/og/v2/alerts" and .headers.authorization == $k' "$TMP/og.json"
ok "opsgenie: alias = dedup key, message <= 130, P1" jqe --arg a "$(jq -r .dedup_key "$TMP/pd.body")" '.body | fromjson | .alias == $a and (.message | length) <= 130 and .priority == "P1"' "$TMP/og.json"

n_before=$(nreqs .)
verify v1b "$C1" "$BAD"
run f1b alert flush --alert-config "$C1"
ok "the same incident re-detected does not page again" eq "$(nreqs .)" "$n_before"
verify v1c "$C1" "$GOOD"
ok "passing zone with alerting: exit 0" eq "$RC" 0
run f1c alert flush --alert-config "$C1"
ok "pass resolves: four messages delivered" eq "$(grep -c 'resolve: delivered' "$TMP/out/f1c.out")" 4
ok "pagerduty: resolve with the same dedup_key" jqe --arg d "$(jq -r .dedup_key "$TMP/pd.body")" '.event_action == "resolve" and .dedup_key == $d' "$(save body '^/pd$')"
ok "opsgenie: close by alias" jqe '.path | test("^/og/v2/alerts/zonegate%3Aexample.%3Asignatures%3A[0-9]+/close\\?identifierType=alias$")' "$(save last '^/og/')"
ok "webhook: resolve event" jqe '.event == "resolve" and .verdict == "pass"' "$(save body '^/hook$')"
ok "metrics: last verdict pass, success time, names" bash -c "grep -q '^zonegate_last_verdict{zone=\"example.\",verdict=\"pass\"} 1$' $TMP/s1.prom && grep -q '^zonegate_last_success_timestamp_seconds{zone=\"example.\"} [0-9]' $TMP/s1.prom && grep -q '^zonegate_signature_earliest_expiration_timestamp_seconds{zone=\"example.\"} 1806537600$' $TMP/s1.prom"

# ---- 2. retry with exponential backoff, Retry-After --------------------------------------------
C2=$TMP/c2.yaml
{ head_conf "$TMP/s2"; hook_route r2 /r2; } >"$C2"
verify v2 "$C2" "$BAD"
script /r2 500 503 500 200
run f2 alert flush --alert-config "$C2" --wait 10s
ok "5xx are retried until delivered (4 attempts)" eq "$(nreqs '^/r2$')" 4
ok "flush --wait: exit 0 once delivered" eq "$RC" 0
gaps() { reqs '^/r2$' | jq -s -r '[.[].t] as $t | [range(1; $t | length) | $t[.] - $t[. - 1]] | @tsv'; }
read -r g1 g2 g3 < <(gaps)
ok "backoff 1: 50-100 ms (+ slack) after the first failure" awk -v g="$g1" 'BEGIN { exit !(g >= 0.045 && g < 1.5) }'
ok "backoff 2: at least 100 ms" awk -v g="$g2" 'BEGIN { exit !(g >= 0.095) }'
ok "backoff 3: at least 200 ms, growing" awk -v g="$g3" -v p="$g1" 'BEGIN { exit !(g >= 0.195 && g >= p) }'
ok "every attempt carries the same idempotency key" eq "$(reqs '^/r2$' | jq -r '.headers["idempotency-key"]' | sort -u | wc -l)" 1
verify v2b "$C2" "$GOOD"
script /r2 429:1 200
run f2b alert flush --alert-config "$C2" --wait 5s
read -r g1 < <(gaps | awk '{ print $NF }')
ok "429 with Retry-After: 1 waits a second" awk -v g="$g1" 'BEGIN { exit !(g >= 0.95) }'

# ---- 3. a receiver that hangs past the timeout --------------------------------------------------
C3=$TMP/c3.yaml
{ head_conf "$TMP/s3"; hook_route r3 /r3 "timeout: 300ms"; } >"$C3"
verify v3 "$C3" "$BAD"
script /r3 hang 200
t0=$(date +%s.%N)
run f3 alert flush --alert-config "$C3" --wait 5s
t1=$(date +%s.%N)
ok "hang: the attempt times out and is retried" grep -q 'will retry, no response: Timeout' "$TMP/out/f3.out"
ok "hang: delivered on the retry" eq "$(nreqs '^/r3$')" 2
ok "hang: bounded by the route timeout (< 3 s)" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 3) }'

# ---- 4. refused connections, max-age, fallback --------------------------------------------------
C4=$TMP/c4.yaml
CLOSED=$(free_port)
{ head_conf "$TMP/s4" "max-age: 400ms"
  printf '    - name: down\n      kind: webhook\n      url: http://127.0.0.1:%s/x\n      secret-file: %s\n' "$CLOSED" "$TMP/etc/hmac"
  printf '    - name: fb\n      kind: webhook\n      url: %s/fb4\n      secret-file: %s\n      fallback: true\n' "$R" "$TMP/etc/hmac"; } >"$C4"
verify v4 "$C4" "$BAD"
run f4 alert flush --alert-config "$C4"
ok "refused: will retry, exit 1 (entries remain)" bash -c "grep -q 'down (webhook) \[example.\] open: will retry, no response: Couldn.t connect' $TMP/out/f4.out && [ $RC -eq 1 ]"
ok "refused: the entry stays with its attempt count" jqe '.attempts == 1 and .last_error != ""' "$(ls "$TMP"/s4/out/*.json | head -n 1)"
sleep 0.5
run f4b alert flush --alert-config "$C4" --wait 3s
ok "max-age: gives up, escalates to the fallback" grep -q 'down (webhook) \[example.\] open: escalated' "$TMP/out/f4b.out"
ok "max-age: the message is kept in spool/dead" test "$(ls "$TMP/s4/dead" | wc -l)" -eq 1
ok "fallback route got the open and the failed route's copy" \
	jqe -s '[.[] | .body | fromjson | select(.fallback_for.route == "down")] | length == 1' "$(save reqs '^/fb4$')"

# ---- 5. permanent 4xx -> fallback ---------------------------------------------------------------
C5=$TMP/c5.yaml
{ head_conf "$TMP/s5"; pd_route oncall /pd5; chat_route chat fallback; } >"$C5"
script /pd5 400
verify v5 "$C5" "$BAD"
run f5 alert flush --alert-config "$C5" --wait 3s
ok "4xx is permanent: one attempt only" eq "$(nreqs '^/pd5$')" 1
ok "4xx: failed permanently, escalated" grep -q 'oncall (pagerduty) \[example.\] open: failed permanently, HTTP 400' "$TMP/out/f5.out"
ok "4xx: the fallback (slack) says which route failed" \
	jqe -s '[.[] | .body | fromjson | select(.text | test("route oncall \\(pagerduty\\) failed: HTTP 400"))] | length == 1' "$(save reqs '^/slack/')"
ok "4xx: the message is in spool/dead with the reason" jqe '.dead_reason == "HTTP 400"' "$(ls "$TMP"/s5/dead/*.json)"

# ---- 6. kill -9 after spooling / during delivery: a restart delivers with the same key ----------
C6=$TMP/c6.yaml
{ head_conf "$TMP/s6"; hook_route r6 /r6; pd_route oncall /pd6; } >"$C6"
ZONEGATE_TEST_CRASH_AT=spooled "$ZG" verify --time "$TIME" --alert-config "$C6" "$BAD" >/dev/null 2>&1
ok "killed right after spooling (SIGKILL)" eq "$?" 137
ok "the spool holds both messages" eq "$(ls "$TMP/s6/out" | wc -l)" 2
key6=$(jq -r 'select(.route == "r6") | .event.idempotency_key' "$TMP"/s6/out/*.json)
dedup6=$(jq -r 'select(.route == "oncall") | .event.dedup_key' "$TMP"/s6/out/*.json)
run f6 alert flush --alert-config "$C6"
ok "restart delivers with the same idempotency key" eq "$(last '^/r6$' | jq -r '.headers["idempotency-key"]')" "$key6"
ok "restart delivers with the same dedup_key" eq "$(body '^/pd6$' | jq -r .dedup_key)" "$dedup6"
ZONEGATE_TEST_CRASH_AT=state-written "$ZG" verify --time "$TIME" --alert-config "$C6" "$GOOD" >/dev/null 2>&1
ok "killed after writing state, before spooling" bash -c "[ $? -eq 137 ] && [ -z \"\$(ls $TMP/s6/out)\" ]"
run f6b alert flush --alert-config "$C6"
ok "the write-ahead state is recovered: resolve delivered, same dedup_key" \
	jqe --arg d "$dedup6" '.event_action == "resolve" and .dedup_key == $d' "$(save body '^/pd6$')"
verify v6c "$C6" "$BAD"
script /r6 hang
"$ZG" alert flush --alert-config "$C6" --wait 20s >/dev/null 2>&1 &
FPID=$!
hung_seen() { [ "$(reqs '^/r6$' | jq -r 'select(.action == "hang") | .action' | wc -l)" -ge 1 ]; }
wait_until 5 hung_seen
kill -9 "$FPID"
wait "$FPID" 2>/dev/null
hung=$(reqs '^/r6$' | jq -r 'select(.action == "hang") | .headers["idempotency-key"]')
run f6d alert flush --alert-config "$C6"
ok "killed during delivery: the restart delivers it" grep -q 'r6 (webhook) \[example.\] open: delivered' "$TMP/out/f6d.out"
ok "killed during delivery: same idempotency key as the lost attempt" eq "$(last '^/r6$' | jq -r '.headers["idempotency-key"]')" "$hung"

# ---- 7. background sender, heartbeat, fail closed ----------------------------------------------
C7=$TMP/c7.yaml
{ printf 'alerting:\n  spool: %s\n  heartbeat-url: %s/hb7\n  sender-window: 3s\n  routes:\n' "$TMP/s7" "$R"
  hook_route r7 /r7; } >"$C7"
verify v7 "$C7" "$BAD"
ok "background: verify exits 1 at once" eq "$RC" 1
ok "background: the detached sender delivers" wait_until 5 test "$(nreqs '^/r7$')" -ge 1
ok "heartbeat pinged after the verification" wait_until 5 test "$(nreqs '^/hb7$')" -ge 1
C7b=$TMP/c7b.yaml
{ printf 'alerting:\n  spool: %s\n  sender-window: 1s\n  routes:\n' "$TMP/s7b"
  printf '    - name: down\n      kind: webhook\n      url: http://127.0.0.1:%s/x\n      secret-file: %s\n      timeout: 5s\n' "$CLOSED" "$TMP/etc/hmac"; } >"$C7b"
t0=$(date +%s.%N)
verify v7b "$C7b" "$BAD"
rc_bad=$RC
t1=$(date +%s.%N)
verify v7c "$C7b" "$GOOD"
ok "fail closed: delivery failing, the blocked zone still exits 1" eq "$rc_bad" 1
ok "fail closed: and the block is not delayed (< 2 s)" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 2) }'
ok "fail closed: a good zone still passes" eq "$RC" 0
C7c=$TMP/c7c.yaml
printf 'alerting:\n  spool: /proc/zonegate-cannot-create\n' >"$C7c"
verify v7d "$C7c" "$BAD"
ok "spool unwritable: exit code unchanged, one line on stderr" bash -c "[ $RC -eq 1 ] && [ \$(wc -l <$TMP/out/v7d.err) -eq 1 ] && grep -q 'could not record the alert (the verdict stands)' $TMP/out/v7d.err"

# ---- 8. exec routes and could-not-verify ------------------------------------------------------
cat >"$TMP/etc/exec.sh" <<EOF
#!/bin/sh
cat >"$TMP/exec.json"
printf '%s' "\$ZONEGATE_IDEMPOTENCY_KEY" >"$TMP/exec.key"
EOF
chmod 755 "$TMP/etc/exec.sh"
C8=$TMP/c8.yaml
{ head_conf "$TMP/s8"; printf '    - name: prog\n      kind: exec\n      command: [%s]\n' "$TMP/etc/exec.sh"
  hook_route r8 /r8; } >"$C8"
verify v8 "$C8" "$FX/broken/$(ls "$FX/broken" | grep '\.zone$' | head -n 1)"
ok "could not verify: exit 2 and an incident of its own" bash -c "[ $RC -eq 2 ] && grep -q '2 opened' $TMP/out/v8.err"
run f8 alert flush --alert-config "$C8"
ok "exec: the program got the JSON summary on stdin" jqe '.event == "open" and .verdict == "unverified" and .class == "unverified" and (.error.id | test("zone"))' "$TMP/exec.json"
ok "exec: and the idempotency key in its environment" eq "$(cat "$TMP/exec.key")" "$(jq -r .idempotency_key "$TMP/exec.json")"
ok "could not verify: severity error, zone named by its file" jqe '.severity == "error" and (.zone | endswith(".zone"))' "$(save body '^/r8$')"

# ---- 9. config errors name file:line -----------------------------------------------------------
printf 'alerting:\n  spool: /tmp/x\n  colour: red\n' >"$TMP/e1.yaml"
run e1 alert check --alert-config "$TMP/e1.yaml"
ok "unknown key: exit 2, file:line" bash -c "[ $RC -eq 2 ] && grep -q '$TMP/e1.yaml:3: unknown key .colour.' $TMP/out/e1.err"
printf 'alerting:\n  spool: /tmp/x\n  routes:\n    - name: a\n      kind: webhook\n      url: http://x/\n      secret-file: %s\n      timeout: soon\n' "$TMP/etc/hmac" >"$TMP/e2.yaml"
run e2 alert check --alert-config "$TMP/e2.yaml"
ok "bad duration: file:line" grep -q "e2.yaml:8: timeout: bad duration 'soon'" "$TMP/out/e2.err"
printf 'alerting:\n  spool: /tmp/x\n  routes:\n    - name: p\n      kind: pagerduty\n' >"$TMP/e3.yaml"
run e3 alert check --alert-config "$TMP/e3.yaml"
ok "pagerduty without a key: file:line" grep -q "e3.yaml:4: route p: pagerduty needs secret-file or secret-env" "$TMP/out/e3.err"
# the shape of issue 5, as written (paths moved into the test dir)
cat >"$TMP/issue5.yaml" <<EOF
alerting:
  spool: $TMP/s9                        # durable outbox
  metrics-file: $TMP/s9.prom
  heartbeat-url: https://hc.example.net/ping/zonegate
  routes:
    - name: oncall
      kind: pagerduty
      url: https://events.pagerduty.com/v2/enqueue
      secret-file: $TMP/etc/pd     # routing key
    - name: am
      kind: alertmanager
      url: http://127.0.0.1:9093
    - name: ops-chat
      kind: slack
      url-file: $TMP/etc/slack
      min-severity: warning
      fallback: true
EOF
run e5 alert check --alert-config "$TMP/issue5.yaml"
ok "the config shape of issue 5 works as written" bash -c "[ $RC -eq 0 ] && grep -q 'ok, 3 routes' $TMP/out/e5.out"
verify e4 "$TMP/e1.yaml" "$BAD"
ok "bad alert config: the verdict stands (exit 1), one stderr line" bash -c "[ $RC -eq 1 ] && [ \$(wc -l <$TMP/out/e4.err) -eq 1 ]"

# ---- 10. `zonegate alert test` on the example config against the test receiver -----------------
EX=$SOURCE_ROOT/deploy/examples/zonegate-alert.yaml
printf '%s\n' "$S_PD" >"$TMP/etc/pagerduty.key"
printf '%s/ex/slack/%s\n' "$R" "$S_SLACK" >"$TMP/etc/slack-webhook.url"
printf '%s\n' "$S_HMAC" >"$TMP/etc/webhook.secret"
printf '%s/ex/hb\n' "$R" >"$TMP/etc/heartbeat.url"
printf '#!/bin/sh\ncat >/dev/null\n' >"$TMP/etc/sms.sh"
chmod 755 "$TMP/etc/sms.sh"
sed -e "s#https://events.pagerduty.com/v2/enqueue#$R/ex/pd#" -e "s#https://api.opsgenie.com#$R/ex/og#" \
	-e "s#http://127.0.0.1:9093#$R/ex/am#" -e "s#https://siem.example.net/hooks/zonegate#$R/ex/hook#" \
	-e "s#/usr/local/bin/zonegate-sms#$TMP/etc/sms.sh#" -e "s#/etc/zonegate/siem-ca.pem#/etc/ssl/certs/ca-certificates.crt#" \
	-e "s#/etc/zonegate/#$TMP/etc/#" -e "s#/var/spool/zonegate#$TMP/exspool#" \
	-e "s#/var/lib/prometheus/node-exporter/zonegate.prom#$TMP/ex.prom#" "$EX" >"$TMP/ex.yaml"
ZONEGATE_OPSGENIE_KEY=$S_OG run ex alert test --alert-config "$TMP/ex.yaml"
ok "alert test on the example config: exit 0" eq "$RC" 0
for r in oncall opsgenie am ops-chat siem sms; do
	ok "alert test reports route $r with its status" grep -qE "^$r \([a-z]+\) \[zonegate-test.\] open: delivered, (HTTP|exit) (200|0)" "$TMP/out/ex.out"
done
ok "alert test closes what it opened (pagerduty, opsgenie, alertmanager)" eq "$(grep -c 'resolve: delivered' "$TMP/out/ex.out")" 3
ok "alert test is clearly marked" jqe '.payload.summary | startswith("[TEST]")' "$(save first_body '^/ex/pd$')"

# ---- 11. no secret in any log, spool file, report or metrics -----------------------------------
leaks=0
for s in "${SECRETS[@]}"; do
	if grep -rqF -- "$s" "$TMP/out" "$TMP"/s[0-9]* "$TMP"/*.prom "$TMP/exspool" 2>/dev/null; then
		echo "# secret leaked: ${s:0:4}..." >&2
		leaks=$((leaks + 1))
	fi
done
ok "secrets appear in no log, spool, report or metrics file" eq "$leaks" 0
ok "the receiver did get them (the grep would have found them)" grep -qF -- "$S_PD" "$RLOG"
done_testing
