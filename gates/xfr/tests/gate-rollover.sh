#!/usr/bin/env bash
# gate-rollover.sh -- issue 7, test 4: key rollovers done too fast are stopped by the gate's key
# history, the same rollovers done with enough waiting pass.
#   knotd signer (manual key management, keys by keymgr) -> NOTIFY + XFR -> zonegate gate ->
#   distribution file + knotc zone-reload -> knotd distribution primary -> NOTIFY + XFR -> knotd
#   secondary; TSIG on every hop, 127.0.0.1, free ports, one temp dir, daemons stopped by PID.
# DNSKEY TTL and max TTL 300 s, propagation delay 60 s (the gate's policy): a key must be published
# 360 s before it signs alone and stay 360 s after it stopped signing. Waiting is a restart of the
# gate with its clock moved ahead (ZONEGATE_GATE_NOW=+SECONDS), which also shows that the history
# survives restarts.
#  (1) K1 (KSK) and Z1 (ZSK) sign; the first serial passes.
#  (2) ZSK Z2 published and active at once, Z1 retired: blocked, rollover.unpublished-signer.
#  (3) Z2 only published, Z1 signs again: passes (Z2 pre-published from now on).
#  (4) Z2 active, Z1 retired, seconds later: blocked, rollover.unpublished-signer.
#  (5) 400 s later (clock): the next serial with Z2 signing passes.
#  (6) Z1 deleted right after it stopped signing: blocked, rollover.removed-too-early.
#  (7) 400 s later: the next serial without Z1 passes.
#  (8) KSK K2 active at once and K1 removed while the parent's DS points at K1: blocked,
#      rollover.ds-orphaned.
#  (9) K1 back, both KSKs sign the DNSKEY set: passes; the parent's DS moves to K2, then K1 goes:
#      passes.
# (10) a gate.db without the key history table (from before it) is migrated in place; the history
#      starts with the served version.
# After every block the secondary keeps the previous serial.
set -u
. "${SOURCE_ROOT:?}/tests/lib.sh"
. "$SOURCE_ROOT/gates/xfr/tests/lib-chain.sh"
ZG=${ZONEGATE:?}
# deploy/install-deps installs all of them: a missing one is a failure, not a skip
for t in knotd knotc kdig keymgr python3 jq; do
	if ! command -v "$t" >/dev/null; then
		ok "$t is installed" false
		done_testing
		exit 1
	fi
done
TMP=$(mktemp -d)
PIDS=()
cleanup() {
	stop_pids
	if [ "$T_FAIL" -ne 0 ]; then
		for f in gate.log signer/knotd.log status.txt; do
			tail -n 60 "$TMP/$f" 2>/dev/null | sed "s|^|# $f: |"
		done
		tail -n 40 "$T_LOG" | sed 's/^/# test.log: /'
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
T_LOG=$TMP/tap.log

# four free ports (TCP and UDP), chosen by the kernel
read -r P_SIGNER P_GATE P_DIST P_SEC < <(free_ports 4)

mkdir -p "$TMP"/{tsig,signer/zones,signer/db,dist/zones,dist/db,sec/zones,sec/db,state}
keymgr -t xfr-key hmac-sha256 >"$TMP/tsig/tsig.conf"
sed -n '1s/^# //p' "$TMP/tsig/tsig.conf" >"$TMP/tsig/kdig"

# --- the signer: knotd signing with keys in its own KASP database, timers set by keymgr only
cat >"$TMP/signer/zones/test.zone" <<'ZONE'
$ORIGIN test.
$TTL 300
@       SOA  ns1 hostmaster 2026120101 60 30 3600 300
@       NS   ns1
ns1     A    127.0.0.1
www     A    192.0.2.1
mail    A    192.0.2.2
@       MX   10 mail
txt     TXT  "one"
ZONE
{
	knot_head "$TMP/signer" "$P_SIGNER"
	cat <<CONF
policy:
  - id: pol
    manual: on
    algorithm: ECDSAP256SHA256
    dnskey-ttl: 300
    zone-max-ttl: 300
    rrsig-lifetime: 14d
    rrsig-refresh: 7d
    cds-cdnskey-publish: none
CONF
	signer_tail "zonefile-load: difference-no-serial" "journal-content: all" "serial-policy: increment" "dnssec-signing: on" "dnssec-policy: pol"
} >"$TMP/signer/knot.conf"
dist_conf "$TMP/dist" "$P_DIST" "$P_SEC" >"$TMP/dist/knot.conf"
secondary_conf "$TMP/sec" "$P_SEC" "$P_DIST" >"$TMP/sec/knot.conf"
printf 'propagation-delay: 60s\n' >"$TMP/policy.yaml"
cat >"$TMP/gate.yaml" <<CONF
gate:
  zones:
    - origin: test.
      signer: 127.0.0.1@$P_SIGNER
      tsig-key: $TMP/tsig/tsig.conf
      listen: 127.0.0.1@$P_GATE
      state-dir: $TMP/state
      refresh: 30s
      retry: 1s
      distribution:
        file: $TMP/dist/zones/test.zone
        knot-conf: $TMP/dist/knot.conf
      verify:
        ds: $TMP/parent.ds
        policy: $TMP/policy.yaml
CONF
for c in signer dist sec; do
	ok "knot.conf of the $c is valid" knotc -c "$TMP/$c/knot.conf" conf-check
done

KM=(keymgr -c "$TMP/signer/knot.conf" test.)
keygen() { # keygen ARGS...: a new key of test., its ID on stdout
	"${KM[@]}" generate algorithm=ECDSAP256SHA256 "$@" 2>>"$T_LOG" | tail -n 1
}
tag_of() { "${KM[@]}" list 2>/dev/null | awk -v id="$1" '$1 == id { print $2; exit }'; } # ID TAG KSK ...
K1=$(keygen ksk=yes zsk=no publish=-1d ready=-1d active=-1d)
Z1=$(keygen ksk=no zsk=yes publish=-1d active=-1d)
ok "keymgr made K1 (KSK) and Z1 (ZSK), published and active for a day" test -n "$K1" -a -n "$Z1"
T_K1=$(tag_of "$K1")
T_Z1=$(tag_of "$Z1")
# the parent's DS points at K1
"${KM[@]}" ds "$K1" >"$TMP/parent.ds" 2>>"$T_LOG"
ok "the parent's DS for K1 ($T_K1)" grep -qE "^test\.? .*DS[[:space:]]+$T_K1 13 " "$TMP/parent.ds"

sign() { # sign: re-sign with the current key timers, wait for the new serial; sets S
	local before
	before=$(serial_at "$P_SIGNER")
	knotc -c "$TMP/signer/knot.conf" -b zone-sign test. >>"$T_LOG" 2>&1
	wait_for 20 serial_above "$P_SIGNER" "$before" && S=$(serial_at "$P_SIGNER")
}
change() { # change TEXT: a data change (TXT record), re-signed by knotd; sets S
	local before
	before=$(serial_at "$P_SIGNER")
	sed -i -E "s/^txt .*/txt     TXT  \"$1\"/" "$TMP/signer/zones/test.zone"
	knotc -c "$TMP/signer/knot.conf" -b zone-reload test. >>"$T_LOG" 2>&1
	wait_for 20 serial_above "$P_SIGNER" "$before" && S=$(serial_at "$P_SIGNER")
}
axfr_signer() { kdig @127.0.0.1 -p "$P_SIGNER" test. AXFR -k "$TMP/tsig/kdig" +noall +answer; }
# data (A at www) signed only by TAG: signs_only TAG
signs_only() {
	axfr_signer >"$TMP/axfr" 2>>"$T_LOG"
	[ "$(awk '$4 == "RRSIG" && $5 == "A" && $1 ~ /^www/ { print $11 }' "$TMP/axfr" | sort -u)" = "$1" ]
}
zsks_are() { # zsks_are N: the signer publishes N ZSKs (flags 256)
	[ "$(axfr_signer | awk '$4 == "DNSKEY" && $5 == 256' | wc -l)" = "$1" ]
}
OFF=0
run_gate() { # run_gate: the gate with its clock $OFF seconds ahead; its log appends to gate.log
	ZONEGATE_GATE_NOW=+$OFF setsid "$ZG" gate --config "$TMP/gate.yaml" >/dev/null \
		2>>"$TMP/gate.log" </dev/null &
	GATE=$!
	PIDS+=("$GATE")
	wait_for 10 test -S "$TMP/state/control.sock"
}
stop_gate() {
	kill -TERM "$GATE"
	wait "$GATE"
}
blocked() { # blocked SERIAL KEEP ID: the gate blocked SERIAL with ID, keeping KEEP
	wait_for 25 grep -qE "\[test\.\] serial $1 blocked, keeping serial $2: $3" "$TMP/gate.log"
}
passed() { wait_for 25 grep -q "serial $1 passed, installed and reloaded" "$TMP/gate.log"; }
# shellcheck disable=SC2016 # jq variables
report_has() { # report_has SERIAL ID REGEX: the report's ID finding says REGEX
	jqe --arg id "$2" --arg re "$3" \
		'[.findings[] | select(.id == $id) | .. | strings | select(test($re))] | length > 0' \
		"$TMP/state/test.$1.zone.report.json"
}

# --- (1) the first signed serial passes
start_knotd "$TMP/signer"
signed_soa() {
	kdig @127.0.0.1 -p "$P_SIGNER" test. SOA +tcp +dnssec +time=1 +retry=0 -k "$TMP/tsig/kdig" |
		grep -q 'RRSIG.*SOA'
}
ok "the signer serves a signed test." wait_for 20 signed_soa
start_knotd "$TMP/dist"
start_knotd "$TMP/sec"
ok "distribution primary is up" wait_for 15 knotc -c "$TMP/dist/knot.conf" status
ok "secondary is up" wait_for 15 knotc -c "$TMP/sec/knot.conf" status
S1=$(serial_at "$P_SIGNER")
run_gate
ok "(1) serial $S1 (K1, Z1) passes the gate" passed "$S1"
ok "(1) ... and reaches the secondary" wait_for 20 serial_is "$P_SEC" "$S1"
"$ZG" gate status --config "$TMP/gate.yaml" >"$TMP/status.txt" 2>&1
ok "(1) gate status lists K1 and Z1 in the key history, Z1 signing" \
	bash -c "grep -qE '^  key 13/$T_K1 [0-9a-f]{8}: published ' '$TMP/status.txt' &&
		grep -qE '^  key 13/$T_Z1 [0-9a-f]{8}: published .*, signing since ' '$TMP/status.txt'"

# --- (2) a ZSK without pre-publication: published and signing in the same serial
Z2=$(keygen ksk=no zsk=yes publish=+0 active=+0)
T_Z2=$(tag_of "$Z2")
"${KM[@]}" set "$Z1" retire=+0 >>"$T_LOG" 2>&1
ok "(2) keymgr: Z2 ($T_Z2) published and active now, Z1 retired; knotd re-signs" sign
S2=$S
ok "(2) the signer's data is signed by Z2 alone" signs_only "$T_Z2"
ok "(2) the gate blocks serial $S2 with rollover.unpublished-signer" \
	blocked "$S2" "$S1" "rollover\.unpublished-signer"
ok "(2) ... the report: no served version publishes Z2" \
	report_has "$S2" rollover.unpublished-signer "which no served version publishes"
ok "(2) the distribution primary keeps serial $S1" serial_is "$P_DIST" "$S1"
ok "(2) the secondary keeps serial $S1" serial_is "$P_SEC" "$S1"

# --- (3) pre-publication: Z2 published but not signing, Z1 signs again
"${KM[@]}" set "$Z2" active=0 >>"$T_LOG" 2>&1
"${KM[@]}" set "$Z1" retire=0 >>"$T_LOG" 2>&1
ok "(3) keymgr: Z2 only published, Z1 active again; knotd re-signs" sign
S3=$S
ok "(3) the signer's data is signed by Z1 alone" signs_only "$T_Z1"
ok "(3) ... and Z2 is published beside it" zsks_are 2
ok "(3) serial $S3 passes" passed "$S3"
ok "(3) ... and reaches the secondary" wait_for 20 serial_is "$P_SEC" "$S3"

# --- (4) Z2 signs alone seconds after its publication was served
"${KM[@]}" set "$Z2" active=+0 >>"$T_LOG" 2>&1
"${KM[@]}" set "$Z1" retire=+0 >>"$T_LOG" 2>&1
ok "(4) keymgr: Z2 active, Z1 retired (no waiting); knotd re-signs" sign
S4=$S
ok "(4) the gate blocks serial $S4 with rollover.unpublished-signer" \
	blocked "$S4" "$S3" "rollover\.unpublished-signer"
ok "(4) ... the report: Z2 was first published seconds ago" \
	report_has "$S4" rollover.unpublished-signer "first published [0-9]+ s ago"
ok "(4) the secondary keeps serial $S3" serial_is "$P_SEC" "$S3"

# --- (5) 400 s later (> DNSKEY TTL 300 + delay 60) the same keys pass
stop_gate
ok "the gate stops cleanly" eq "$?" 0
OFF=400
run_gate
ok "(5) the gate runs again, its clock 400 s ahead" test -S "$TMP/state/control.sock"
ok "(5) a data change, signed by Z2 alone" change "five"
S5=$S
ok "(5) serial $S5 passes: Z2 published long enough" passed "$S5"
ok "(5) ... and reaches the secondary" wait_for 20 serial_is "$P_SEC" "$S5"

# --- (6) Z1 deleted right after it stopped signing
"${KM[@]}" delete "$Z1" >>"$T_LOG" 2>&1
ok "(6) keymgr deletes Z1; knotd re-signs" sign
S6=$S
ok "(6) the signer publishes Z2 alone" zsks_are 1
ok "(6) the gate blocks serial $S6 with rollover.removed-too-early" \
	blocked "$S6" "$S5" "rollover\.removed-too-early"
ok "(6) ... the report: Z1 stopped signing seconds ago" \
	report_has "$S6" rollover.removed-too-early "key $T_Z1 .*stopped signing [0-9]+ s ago"
ok "(6) the secondary keeps serial $S5" serial_is "$P_SEC" "$S5"

# --- (7) 400 s later the removal passes
stop_gate
OFF=800
run_gate
ok "(7) a data change without Z1, the gate's clock 800 s ahead" change "seven"
S7=$S
ok "(7) serial $S7 passes: Z1's signatures are out of every cache" passed "$S7"
ok "(7) ... and reaches the secondary" wait_for 20 serial_is "$P_SEC" "$S7"

# --- (8) a KSK rollover without the parent: K2 signs, K1 is removed, the DS still names K1
K2=$(keygen ksk=yes zsk=no publish=+0 ready=+0 active=+0)
T_K2=$(tag_of "$K2")
"${KM[@]}" set "$K1" retire=+0 remove=+0 >>"$T_LOG" 2>&1
ok "(8) keymgr: K2 ($T_K2) active now, K1 removed; knotd re-signs" sign
S8=$S
ok "(8) the gate blocks serial $S8 with rollover.ds-orphaned" \
	blocked "$S8" "$S7" "rollover\.ds-orphaned"
ok "(8) the secondary keeps serial $S7" serial_is "$P_SEC" "$S7"

# --- (9) double-KSK: K1 back, both sign the DNSKEY set; then the parent's DS moves, K1 goes
"${KM[@]}" set "$K1" retire=0 remove=0 >>"$T_LOG" 2>&1
ok "(9) keymgr: K1 back beside K2; knotd re-signs" sign
S9=$S
ok "(9) serial $S9 passes (the DS names K1, which still signs the DNSKEY set)" passed "$S9"
ok "(9) ... and reaches the secondary" wait_for 20 serial_is "$P_SEC" "$S9"
"${KM[@]}" ds "$K2" >"$TMP/parent.ds" 2>>"$T_LOG"
"${KM[@]}" set "$K1" retire=+0 remove=+0 >>"$T_LOG" 2>&1
ok "(9) the parent's DS names K2; keymgr removes K1; knotd re-signs" sign
S10=$S
ok "(9) serial $S10 passes" passed "$S10"
ok "(9) ... and reaches the secondary" wait_for 20 serial_is "$P_SEC" "$S10"

"$ZG" gate status --config "$TMP/gate.yaml" >"$TMP/status.txt" 2>&1
ok "status: Z1 and K1 removed, Z2 signing" \
	bash -c "grep -qE '^  key 13/$T_Z1 .*, removed ' '$TMP/status.txt' &&
		grep -qE '^  key 13/$T_K1 .*, removed ' '$TMP/status.txt' &&
		grep -qE '^  key 13/$T_Z2 .*, signing since ' '$TMP/status.txt'"
dbq() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$TMP/state/gate.db" "$1"; }
ok "the key history holds the four keys of test." eq "$(dbq "SELECT count(*) FROM keys WHERE zone = 'test.'")" 4
ok "only served versions count: Z2 first published when serial $S3 was served, not $S2" \
	eq "$(dbq "SELECT abs(k.first_published - a.time) <= 1 FROM keys k, audit a WHERE k.keytag = $T_Z2 AND a.action = 'serve' AND a.serial = $S3")" 1

# --- (10) a gate.db from before the key history (no `keys` table) keeps working
stop_gate
ok "the gate exits 0 on SIGTERM" eq "$?" 0
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DROP TABLE keys"); c.commit()' \
	"$TMP/state/gate.db"
"$ZG" gate status --config "$TMP/gate.yaml" >"$TMP/status.txt" 2>&1
ok "(10) gate status on a gate.db without the table: keys: none recorded" \
	grep -qx "  keys: none recorded" "$TMP/status.txt"
OFF=1200
run_gate
ok "(10) the gate starts on it" test -S "$TMP/state/control.sock"
ok "(10) a data change" change "ten"
ok "(10) serial $S passes" passed "$S"
ok "(10) the key history starts with the served serial $S10, its keys taken as old enough" \
	grep -q "key history: starts with the served serial $S10 (2 keys, taken as published long enough)" "$TMP/gate.log"
ok "(10) ... and holds K2 and Z2" eq "$(dbq "SELECT count(*) FROM keys WHERE removed = 0 AND preexisting = 1")" 2
stop_gate
ok "the gate exits 0 on SIGTERM" eq "$?" 0
ok "no sanitizer report in the gate's log" bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' '$TMP/gate.log'"
done_testing
