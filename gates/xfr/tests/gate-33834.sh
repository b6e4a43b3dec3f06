#!/usr/bin/env bash
# gate-33834.sh -- issue 7, test 2: DENIC's 33834 fault made by a real signer and stopped by the gate.
#   knotd signer (PKCS#11 keystore on SoftHSM2) -> NOTIFY + XFR -> zonegate gate -> distribution
#   file + knotc zone-reload -> knotd distribution primary -> NOTIFY + XFR -> knotd secondary,
#   TSIG on every hop, all on 127.0.0.1 with free ports in one temp dir; alerts go to a real
#   prometheus-alertmanager (cluster listener off, temp storage). Daemons are stopped by PID.
# (1) good signed serials reach the secondary; (2) knotd starts signing with an unpublished key of
# the published ZSK's tag (pre_active=-1h publish=+10y active=+10y, the published one retired):
# the gate blocks it with rrsig.bogus, the secondary keeps the previous serial and the alert shows
# in Alertmanager's GET /api/v2/alerts for the zone; (3) keymgr fixes the signer (A signs again, B
# is deleted): the next serial passes the gate and reaches the secondary, and the alert resolves
# (endsAt = now: Alertmanager's GET /api/v2/alerts lists it no more).
set -u
. "${SOURCE_ROOT:?}/tests/lib.sh"
. "$SOURCE_ROOT/gates/xfr/tests/lib-chain.sh"
. "$SOURCE_ROOT/alerting/tests/alert-lib.sh"
. "$SOURCE_ROOT/hsm/tests/lib-hsm.sh" # T_DIR, T_LOG, hsm_token, p11, require, stop_pidfile
ZG=${ZONEGATE:?}
TMP=$T_DIR
cleanup() {
	local pf
	for pf in "${HSM_PIDFILES[@]}"; do
		stop_pidfile "$pf" &
	done
	wait
	if [ "$T_FAIL" -eq 0 ]; then
		rm -rf "$TMP"
	else
		for f in gate.out am.out signer.out dist.out sec.out; do
			tail -n 40 "$TMP/$f" 2>/dev/null | sed "s|^|# $f: |"
		done
		tail -n 40 "$T_LOG" | sed 's/^/# test.log: /'
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
# deploy/install-deps installs all of them: a missing one is a failure, not a skip
require knotd knotc kdig keymgr softhsm2-util prometheus-alertmanager curl jq python3 \
	"$SOFTHSM_MODULE" "$ZG" "${P11TOOL:?}"

# four free ports (TCP and UDP), chosen by the kernel
read -r P_SIGNER P_GATE P_DIST P_SEC < <(free_ports 4)
daemon() { # daemon NAME CMD...: in its own session, PID in TMP/NAME.pid (stopped by cleanup)
	local n=$1
	shift
	setsid "$@" >>"$TMP/$n.out" 2>&1 </dev/null &
	echo $! >"$TMP/$n.pid"
	HSM_PIDFILES+=("$TMP/$n.pid")
}

# --- TSIG key shared by all hops
mkdir -p "$TMP"/{tsig,signer/zones,signer/db,dist/zones,dist/db,sec/zones,sec/db,state,am}
keymgr -t xfr-key hmac-sha256 >"$TMP/tsig/tsig.conf"
sed -n '1s/^# //p' "$TMP/tsig/tsig.conf" >"$TMP/tsig/kdig"

# --- prometheus-alertmanager on loopback (up to 3 tries: the port may be taken after the probe)
cat >"$TMP/am/am.yml" <<CONF
route:
  receiver: none
  group_by: [alertname, zone]
receivers:
  - name: none
CONF
start_am() {
	local _
	for _ in 1 2 3; do
		AMPORT=$(free_port)
		daemon am prometheus-alertmanager --config.file="$TMP/am/am.yml" \
			--storage.path="$TMP/am/data" --web.listen-address="127.0.0.1:$AMPORT" \
			--cluster.listen-address= --log.level=warn
		wait_until 15 http GET "http://127.0.0.1:$AMPORT/-/ready" && return 0
		stop_pidfile "$TMP/am.pid"
	done
	return 1
}
ok "alertmanager is ready on 127.0.0.1 (cluster listener off)" start_am
AM=http://127.0.0.1:${AMPORT:-0}

# --- the signer's token: a KSK from keymgr, and three P-256 pairs with one key tag from
# zg-p11tool: A is the published ZSK from the start, B and C wait in the token
hsm_token "$TMP/hsm" signer
export SOFTHSM2_CONF=$TMP/hsm/softhsm2.conf # knotd and keymgr; the gate needs no token
cat >"$TMP/signer/zones/test.zone" <<'ZONE'
$ORIGIN test.
$TTL 300
@       SOA  ns1 hostmaster 2026112301 60 30 3600 300
@       NS   ns1
ns1     A    127.0.0.1
www     A    192.0.2.1
www     AAAA 2001:db8::1
mail    A    192.0.2.2
@       MX   10 mail
txt     TXT  "hello"
ZONE
# Knot 3.2 takes the PIN only as pin-value in its config: the file is 0600
(umask 077 && {
	knot_head "$TMP/signer" "$P_SIGNER"
	cat <<CONF
keystore:
  - id: hsm
    backend: pkcs11
    config: "pkcs11:token=signer;pin-value=$HSM_PIN $SOFTHSM_MODULE"
    key-label: on
policy:
  - id: pol
    keystore: hsm
    manual: on
    algorithm: ECDSAP256SHA256
    rrsig-lifetime: 14d
    rrsig-refresh: 7d
CONF
	signer_tail "zonefile-load: difference-no-serial" "journal-content: all" "serial-policy: increment" "dnssec-signing: on" "dnssec-policy: pol"
} >"$TMP/signer/knot.conf")
dist_conf "$TMP/dist" "$P_DIST" "$P_SEC" >"$TMP/dist/knot.conf"
secondary_conf "$TMP/sec" "$P_SEC" "$P_DIST" >"$TMP/sec/knot.conf"
cat >"$TMP/gate.yaml" <<CONF
alerting:
  spool: $TMP/spool
  deliver: background
  backoff-initial: 100ms
  backoff-max: 1s
  alertmanager-ttl: 1h
  routes:
    - name: am
      kind: alertmanager
      url: $AM
gate:
  zones:
    - origin: test.
      signer: 127.0.0.1@$P_SIGNER
      tsig-key: $TMP/tsig/tsig.conf
      listen: 127.0.0.1@$P_GATE
      state-dir: $TMP/state
      refresh: 30s
      retry: 1s
      stale-after: 1d
      distribution:
        file: $TMP/dist/zones/test.zone
        knot-conf: $TMP/dist/knot.conf
CONF
for c in signer dist sec; do
	ok "knot.conf of the $c is valid" knotc -c "$TMP/$c/knot.conf" conf-check
done
ok "gate conf-check passes" "$ZG" gate conf-check "$TMP/gate.yaml"

KM=(keymgr -c "$TMP/signer/knot.conf" test.)
ok "KSK generated in the token by keymgr" \
	"${KM[@]}" generate algorithm=ECDSAP256SHA256 ksk=yes zsk=no publish=-1h ready=-1h active=-1h
p11 "$TMP/hsm" signer collide 3 'test. ZSK' >"$TMP/keys" 2>>"$T_LOG"
mapfile -t K < <(awk '{print $1}' "$TMP/keys")
TAG=$(awk '{print $2; exit}' "$TMP/keys")
ok "three key pairs with one tag ($TAG) in the token" \
	test "${#K[@]}" -eq 3 -a "$(awk '{print $2}' "$TMP/keys" | sort -u | wc -l)" -eq 1
A_ID=${K[0]:-} B_ID=${K[1]:-} C_ID=${K[2]:-}
ok "A is imported as the published, signing ZSK" "${KM[@]}" import-pkcs11 "$A_ID" \
	algorithm=ECDSAP256SHA256 ksk=no zsk=yes publish=-2h active=-2h

# --- (1) good signed serials reach the secondary through the gate
daemon signer knotd -c "$TMP/signer/knot.conf"
daemon dist knotd -c "$TMP/dist/knot.conf"
daemon sec knotd -c "$TMP/sec/knot.conf"
signed_soa() {
	kdig @127.0.0.1 -p "$P_SIGNER" test. SOA +tcp +dnssec +time=1 +retry=0 -k "$TMP/tsig/kdig" |
		grep -q 'RRSIG.*SOA'
}
ok "signer serves a signed test." wait_until 20 signed_soa
ok "distribution primary is up" wait_until 15 knotc -c "$TMP/dist/knot.conf" status
ok "secondary is up" wait_until 15 knotc -c "$TMP/sec/knot.conf" status
GOOD1=$(serial_at "$P_SIGNER")
daemon gate "$ZG" gate --config "$TMP/gate.yaml"
ok "(1) the gate passes and installs the first signed serial $GOOD1" \
	wait_until 20 grep -q "serial $GOOD1 passed, installed and reloaded" "$TMP/gate.out"
ok "(1) serial $GOOD1 reaches the secondary" wait_until 20 serial_is "$P_SEC" "$GOOD1"
# a second good serial: data change, re-signed by knotd with A, by IXFR through the gate
printf 'txt2    TXT  "two"\n' >>"$TMP/signer/zones/test.zone"
knotc -c "$TMP/signer/knot.conf" -b zone-reload test. >>"$T_LOG" 2>&1
ok "signer publishes a new good serial" wait_until 20 serial_above "$P_SIGNER" "$GOOD1"
GOOD=$(serial_at "$P_SIGNER")
ok "(1) the good serial $GOOD reaches the secondary" wait_until 20 serial_is "$P_SEC" "$GOOD"
ok "(1) ... by IXFR from $GOOD1" grep -q "IXFR $GOOD1 -> $GOOD applied" "$TMP/gate.out"
# knotd re-signs only what changed: the gate re-verifies only those signatures
ok "(1) ... verified incrementally, most verdicts reused from $GOOD1" \
	grep -qE "verified incrementally: [0-9]+ signatures verified, [1-9][0-9]* reused from serial $GOOD1" "$TMP/gate.out"
ok "(1) no alert while every serial passes" \
	bash -c "[ \"\$(curl -sf '$AM/api/v2/alerts' | jq length)\" = 0 ]"

# --- (2) the 33834 fault: B (A's tag, never published) signs, A stays published but retired
ok "(2) keymgr makes B active+ (pre_active=-1h publish=+10y active=+10y), C dormant, A retired" \
	bash -c "$(declare -p KM) && \"\${KM[@]}\" import-pkcs11 '$B_ID' algorithm=ECDSAP256SHA256 \
		ksk=no zsk=yes pre_active=-1h publish=+10y active=+10y &&
	\"\${KM[@]}\" import-pkcs11 '$C_ID' algorithm=ECDSAP256SHA256 ksk=no zsk=yes publish=0 active=0 &&
	\"\${KM[@]}\" set id='$A_ID' retire=-1mi"
knotc -c "$TMP/signer/knot.conf" -b zone-keys-load test. >>"$T_LOG" 2>&1
knotc -c "$TMP/signer/knot.conf" -b zone-sign test. >>"$T_LOG" 2>&1
ok "(2) knotd re-signed test. with B" wait_until 20 serial_above "$P_SIGNER" "$GOOD"
kdig @127.0.0.1 -p "$P_SIGNER" test. AXFR -k "$TMP/tsig/kdig" +noall +answer >"$TMP/bad.zone" 2>>"$T_LOG"
BAD=$(awk '$4 == "SOA" { print $7; exit }' "$TMP/bad.zone")
ok "(2) the signer's RRSIGs carry tag $TAG, its DNSKEYs are unchanged (A, not B)" \
	bash -c "grep -qE 'RRSIG[[:space:]]+A[[:space:]]+13 2 300 [0-9]+ [0-9]+ $TAG ' '$TMP/bad.zone' &&
		[ \$(grep -cE 'DNSKEY[[:space:]]+256 ' '$TMP/bad.zone') = 1 ]"
ok "(2) the gate blocks serial $BAD with rrsig.bogus, keeping serial $GOOD" \
	wait_until 25 grep -qE "\[test\.\] serial $BAD blocked, keeping serial $GOOD: rrsig\.bogus" "$TMP/gate.out"
ok "(2) no serial after $GOOD passed the gate" \
	bash -c "! grep -E 'serial [0-9]+ passed' '$TMP/gate.out' | grep -vE 'serial ($GOOD1|$GOOD) passed'"
ok "(2) the report of serial $BAD in the state dir: blocked, rrsig.bogus" \
	jqe '.verdict == "blocked" and (tostring | test("rrsig\\.bogus"))' "$TMP/state/test.$BAD.zone.report.json"
"$ZG" gate status --config "$TMP/gate.yaml" >"$TMP/status" 2>&1
ok "(2) gate status: served $GOOD, last candidate $BAD blocked: rrsig.bogus" \
	bash -c "grep -qx '  served serial: $GOOD' '$TMP/status' &&
		grep -qE '^  last candidate: $BAD blocked: rrsig\.bogus' '$TMP/status'"
ok "(2) the distribution file still holds serial $GOOD" grep -qE "SOA.* $GOOD " "$TMP/dist/zones/test.zone"
ok "(2) the distribution primary serves serial $GOOD" serial_is "$P_DIST" "$GOOD"
ok "(2) the secondary keeps serial $GOOD" serial_is "$P_SEC" "$GOOD"
active() {
	curl -sf "$AM/api/v2/alerts?filter=zone%3D%22test.%22&active=true" >"$TMP/alerts.json" &&
		jqe 'length == 1 and .[0].status.state == "active"' "$TMP/alerts.json" # not "unprocessed"
}
ok "(2) the alert reaches Alertmanager: GET /api/v2/alerts shows one for test." wait_until 20 active
ok "(2) ... labels: zone test., critical, signatures" \
	jqe '.[0].labels.zone == "test." and .[0].labels.severity == "critical" and .[0].labels.check == "signatures"' "$TMP/alerts.json"
ok "(2) ... summary names serial $BAD and rrsig.bogus" \
	jqe --arg s "$BAD" '.[0].status.state == "active" and (.[0].annotations.summary | test($s) and test("rrsig\\.bogus"))' "$TMP/alerts.json"
ok "(2) the secondary still has serial $GOOD after the alert" serial_is "$P_SEC" "$GOOD"
ok "(2) ... firing: endsAt is in the future (now + alertmanager-ttl)" \
	jqe --arg now "$(date -u +%Y-%m-%dT%H:%M:%S)" '.[0].endsAt > $now' "$TMP/alerts.json"

# --- (3) the signer is fixed: A (published all along) signs again, B leaves KASP and token
ok "(3) keymgr: A active again (retire unset), B deleted" \
	bash -c "$(declare -p KM) && \"\${KM[@]}\" set id='$A_ID' retire=0 && \"\${KM[@]}\" delete id='$B_ID'"
knotc -c "$TMP/signer/knot.conf" -b zone-keys-load test. >>"$T_LOG" 2>&1
knotc -c "$TMP/signer/knot.conf" -b zone-sign test. >>"$T_LOG" 2>&1
ok "(3) knotd re-signed test. again" wait_until 20 serial_above "$P_SIGNER" "$BAD"
FIXED=$(serial_at "$P_SIGNER")
kdig @127.0.0.1 -p "$P_SIGNER" test. AXFR -k "$TMP/tsig/kdig" +noall +answer >"$TMP/fixed.zone" 2>>"$T_LOG"
ok "(3) its RRSIGs carry tag $TAG and verify (zonegate verify passes the signer's AXFR)" \
	bash -c "grep -qE 'RRSIG[[:space:]]+A[[:space:]]+13 2 300 [0-9]+ [0-9]+ $TAG ' '$TMP/fixed.zone' &&
		'$ZG' verify --origin test. '$TMP/fixed.zone' >/dev/null"
ok "(3) the gate passes serial $FIXED and hands it over" \
	wait_until 25 grep -q "\[test\.\] serial $FIXED passed, installed and reloaded" "$TMP/gate.out"
ok "(3) serial $FIXED reaches the secondary" wait_until 20 serial_is "$P_SEC" "$FIXED"
ok "(3) the installed pass resolves the zone's incident (one log line)" \
	wait_until 10 grep -qE "\[test\.\] alert: 0 opened, 0 updated, 1 resolved; 1 messages spooled" "$TMP/gate.out"
gone() { # the zone's alert is no longer listed by GET /api/v2/alerts, with or without active=true
	curl -sf "$AM/api/v2/alerts?filter=zone%3D%22test.%22&active=true" >"$TMP/alerts2.json" &&
		curl -sf "$AM/api/v2/alerts?filter=zone%3D%22test.%22" >"$TMP/alerts3.json" &&
		jqe 'length == 0' "$TMP/alerts2.json" && jqe 'length == 0' "$TMP/alerts3.json"
}
ok "(3) Alertmanager resolved the alert: GET /api/v2/alerts no longer lists it (endsAt passed)" \
	wait_until 20 gone
"$ZG" gate status --config "$TMP/gate.yaml" >"$TMP/status3" 2>&1
ok "(3) gate status: served $FIXED, no open incident" \
	bash -c "grep -qx '  served serial: $FIXED' '$TMP/status3' && grep -qx '  open incident: none' '$TMP/status3'"
ok "the PIN appears in no gate output" bash -c "! grep -qF -- '$HSM_PIN' '$TMP/gate.out'"

GATE=$(cat "$TMP/gate.pid")
kill -TERM "$GATE"
wait_until 10 bash -c "! kill -0 $GATE" || kill -KILL "$GATE"
wait "$GATE"
ok "gate exits 0 on SIGTERM (under ASan: no leak)" eq "$?" 0
rm -f "$TMP/gate.pid"
ok "no sanitizer report in the gate's output" bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer' '$TMP/gate.out'"
done_testing
