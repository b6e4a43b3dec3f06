#!/usr/bin/env bash
# xfr-gate.sh -- zonegate gate between real knotd servers on 127.0.0.1, TSIG on every hop:
#   "signer" (knotd serving prepared ldns-signed versions as is) -> NOTIFY + AXFR -> zonegate gate
#   -> distribution file + knotc zone-reload -> knotd distribution primary -> NOTIFY + XFR ->
#   knotd secondary.
# A good serial reaches the secondary, a broken one is blocked while the secondary keeps the last
# good serial, the next good one passes, and NOTIFYs with a wrong key or from a wrong address are
# refused and logged; so are transfer requests to the gate, transfers whose answers fail their
# TSIG check and a key with another secret (issue 7 test 6, section k). Status, state, expiry
# guard, staleness, control and alerts follow. Daemons are stopped by PID; one temp dir.
set -u
. "${SOURCE_ROOT:?}/tests/lib.sh"
. "$SOURCE_ROOT/gates/xfr/tests/lib-chain.sh"
. "$SOURCE_ROOT/alerting/tests/alert-lib.sh"
ZG=${ZONEGATE:?}
# deploy/install-deps installs all of them: a missing one is a failure, not a skip
for t in knotd knotc kdig keymgr ldns-keygen ldns-signzone python3 jq; do
	if ! command -v "$t" >/dev/null; then
		ok "$t is installed" false
		done_testing
		exit 1
	fi
done
TMP=$(mktemp -d)
PIDS=()
cleanup() {
	stop_receiver
	stop_pids
	rm -rf "$TMP"
}
trap cleanup EXIT
T_LOG=$TMP/tap.log
# the loopback HTTP receiver of the alerting tests: the gate's webhook route posts there
mkdir -p "$TMP/rcv"
start_receiver "$TMP/rcv" || { echo "Bail out! receiver"; exit 1; }

# four free ports (TCP and UDP), chosen by the kernel
read -r P_SIGNER P_GATE P_DIST P_SEC < <(free_ports 4)


# --- TSIG: the real key and one with the same name and another secret
mkdir -p "$TMP"/{tsig,wrong,keys,signer/zones,signer/db,dist/zones,dist/db,sec/zones,sec/db,state}
keymgr -t xfr-key hmac-sha256 >"$TMP/tsig/tsig.conf"
sed -n '1s/^# //p' "$TMP/tsig/tsig.conf" >"$TMP/tsig/kdig"
keymgr -t xfr-key hmac-sha256 >"$TMP/wrong/tsig.conf"
sed -n '1s/^# //p' "$TMP/wrong/tsig.conf" >"$TMP/wrong/kdig"

# --- zone versions, signed with ldns (NSEC, valid from now for 4 weeks)
(cd "$TMP/keys" && ldns-keygen -a ECDSAP256SHA256 -k test. >ksk && ldns-keygen -a ECDSAP256SHA256 test. >zsk) >/dev/null 2>&1
version() { # version SERIAL EXTRA-RECORD -> $TMP/vSERIAL.zone
	local u=$TMP/v$1.unsigned
	cat >"$u" <<ZONE
\$ORIGIN test.
\$TTL 300
@       SOA  ns1 hostmaster $1 60 30 3600 300
@       NS   ns1
ns1     A    127.0.0.1
www     A    192.0.2.1
mail    A    192.0.2.2
@       MX   10 mail
$2
ZONE
	ldns-signzone -f "$TMP/v$1.zone" "$u" "$TMP/keys/$(cat "$TMP/keys/zsk")" \
		"$TMP/keys/$(cat "$TMP/keys/ksk")" >/dev/null
}
version 2026010101 'txt TXT "one"'
version 2026010102 'txt TXT "two"'
version 2026010103 'txt TXT "three"'
version 2026010104 'txt TXT "four"'
version 2026010105 'txt TXT "five"'
version 2026010106 'txt TXT "six"'
# serial 3 is broken after signing: the data of www A no longer matches its RRSIG
for s in 2026010103 2026010105; do
	sed -i -E 's/^(www\.test\.[[:space:]].*[[:space:]]A[[:space:]]+)192\.0\.2\.1$/\1192.0.2.99/' "$TMP/v$s.zone"
done
ok "the broken version differs from its signed data" grep -q '192.0.2.99' "$TMP/v2026010103.zone"

# signer: serves the prepared versions as they are, NOTIFYs the gate
cp "$TMP/v2026010101.zone" "$TMP/signer/zones/test.zone"
{
	knot_head "$TMP/signer" "$P_SIGNER"
	signer_tail "zonefile-load: difference" "journal-content: changes" "semantic-checks: off"
} >"$TMP/signer/knot.conf"
dist_conf "$TMP/dist" "$P_DIST" "$P_SEC" >"$TMP/dist/knot.conf"
secondary_conf "$TMP/sec" "$P_SEC" "$P_DIST" >"$TMP/sec/knot.conf"
printf 'hook-secret-%s\n' "$$" >"$TMP/tsig/hook.secret"
chmod 0600 "$TMP/tsig/hook.secret"
cat >"$TMP/gate.yaml" <<CONF
alerting:
  spool: $TMP/spool
  deliver: background
  sender-window: 5s
  backoff-initial: 100ms
  backoff-max: 1s
  routes:
    - name: hook
      kind: webhook
      url: http://127.0.0.1:$RPORT/hook
      secret-file: $TMP/tsig/hook.secret
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

# --- config errors name file:line
printf 'gate:\n  zones:\n    - origin: test.\n      colour: blue\n' >"$TMP/bad.yaml"
"$ZG" gate --config "$TMP/bad.yaml" 2>"$TMP/bad.err"
ok "unknown key in gate: exits 2" eq "$?" 2
ok "unknown key is named with file:line" grep -q "bad.yaml:4: .*colour" "$TMP/bad.err"

# an error in the alerting: section of the gate's file names that file and line; exit 2
sed 's/^  sender-window: 5s$/  sender-window: soon/' "$TMP/gate.yaml" >"$TMP/badalert.yaml"
"$ZG" gate conf-check "$TMP/badalert.yaml" 2>"$TMP/badalert.err"
ok "a bad alerting: value in the gate's config: conf-check exits 2" eq "$?" 2
ok "... naming the gate's file and the line" grep -q "badalert.yaml:4: " "$TMP/badalert.err"

# --- the shipped example parses (its key path pointed at this test's key)
sed "s#/etc/zonegate/xfr.key#$TMP/tsig/tsig.conf#" "$SOURCE_ROOT/deploy/examples/gate.yaml" >"$TMP/example.yaml"
ok "deploy/examples/gate.yaml passes gate conf-check" "$ZG" gate conf-check "$TMP/example.yaml"
# the README's Knot example: signer and distribution primary configs are valid for this knotd
mkdir -p "$TMP/example-lib"
for c in knot-signer knot-dist; do
	sed -e "s#/etc/zonegate/xfr.key#$TMP/tsig/tsig.conf#" -e "s#/run/knot-[a-z]*#$TMP/example-run#" \
		-e "s#/var/lib/[a-z/-]*#$TMP/example-lib#" "$SOURCE_ROOT/deploy/examples/$c.conf" >"$TMP/$c.conf"
	ok "deploy/examples/$c.conf passes knotc conf-check" knotc -c "$TMP/$c.conf" conf-check
done
ok "... and the top-level zonegate conf-check" "$ZG" conf-check "$TMP/example.yaml"
"$ZG" conf-check "$TMP/bad.yaml" 2>"$TMP/bad3.err"
ok "zonegate conf-check rejects the bad config with exit 2" eq "$?" 2
ok "... in one line naming file:line" \
	bash -c "[ \$(wc -l <'$TMP/bad3.err') = 1 ] && grep -q '^zonegate: conf-check: .*bad.yaml:4: .*colour' '$TMP/bad3.err'"
"$ZG" gate conf-check "$TMP/bad.yaml" 2>"$TMP/bad2.err"
ok "gate conf-check rejects the bad config with exit 2" eq "$?" 2

# --- (a) a good serial reaches the secondary
start_knotd "$TMP/signer"
ok "signer serves serial 1" wait_for 15 serial_is "$P_SIGNER" 2026010101
# the distribution primary and the secondary start empty: nothing is served before the gate
start_knotd "$TMP/dist"
start_knotd "$TMP/sec"
ok "distribution primary is up" wait_for 15 knotc -c "$TMP/dist/knot.conf" status
setsid "$ZG" gate --config "$TMP/gate.yaml" >"$TMP/gate.out" 2>"$TMP/gate.log" </dev/null &
GATE=$!
PIDS+=($GATE)
ok "gate installs serial 1 and reloads the distribution primary" \
	wait_for 20 grep -q "serial 2026010101 passed, installed and reloaded" "$TMP/gate.log"
ok "distribution primary serves serial 1" wait_for 15 serial_is "$P_DIST" 2026010101
ok "secondary has serial 1" wait_for 15 serial_is "$P_SEC" 2026010101

install_version() { # install_version SERIAL: the signer publishes it and NOTIFYs the gate
	cp "$TMP/v$1.zone" "$TMP/signer/zones/test.zone.new"
	mv "$TMP/signer/zones/test.zone.new" "$TMP/signer/zones/test.zone"
	knotc -c "$TMP/signer/knot.conf" zone-reload test. >/dev/null
	wait_for 10 serial_is "$P_SIGNER" "$1"
}
ok "signer publishes serial 2" install_version 2026010102
ok "(a) serial 2 reaches the secondary through the gate" wait_for 20 serial_is "$P_SEC" 2026010102
ok "(a) serial 2 came by IXFR, applied to serial 1" grep -q "IXFR 2026010101 -> 2026010102 applied" "$TMP/gate.log"
# these versions are re-signed whole (new RRSIGs everywhere): nothing to reuse, all verified
ok "(a) ... verified against serial 1 in memory, every new signature verified" \
	grep -qE "verified incrementally: [1-9][0-9]* signatures verified, 0 reused from serial 2026010101" "$TMP/gate.log"
axfr_count() { kdig @127.0.0.1 -p "$P_SIGNER" test. AXFR -k "$TMP/tsig/kdig" +noall +answer | grep -c .; }
ok "the IXFR result has as many records as an AXFR of the signer" \
	eq "$(($(axfr_count) - 1))" "$(grep -c . "$TMP/dist/zones/test.zone")"
# downstream: the secondary's first transfer from the distribution primary is an AXFR, the next
# one an IXFR (the primary keeps the differences of the files the gate installs)
ok "(a) the secondary got serial 1 by AXFR from the distribution primary" \
	grep -qE "\[test\.\] AXFR, incoming, remote 127\.0\.0\.1@$P_DIST.*finished" "$TMP/sec/knotd.log"
ok "(a) ... and serial 2 by IXFR" \
	grep -qE "\[test\.\] IXFR, incoming, remote 127\.0\.0\.1@$P_DIST.*finished" "$TMP/sec/knotd.log"
ok "the gate was notified (no polling needed)" grep -q "NOTIFY from 127.0.0.1 accepted" "$TMP/gate.log"

# --- (b) a broken serial is blocked; the secondary keeps serial 2
ok "signer publishes the broken serial 3" install_version 2026010103
ok "(b) the gate blocks serial 3 with rrsig.bogus, one line" \
	wait_for 20 grep -qE "\[test\.\] serial 2026010103 blocked, keeping serial 2026010102: rrsig\.bogus" "$TMP/gate.log"
ok "(b) the distribution file still holds serial 2" grep -qE 'SOA.* 2026010102 ' "$TMP/dist/zones/test.zone"
ok "(b) the secondary keeps serial 2" serial_is "$P_SEC" 2026010102
ok "(b) the report of serial 3 is in the state dir" \
	jqe '.verdict == "blocked"' "$TMP/state/test.2026010103.zone.report.json"
hooks() { reqs '^/hook$' | jq -c ".body | fromjson | $1" | tr -d '\n'; } # hooks JQ-FILTER
hooks_are() { [ "$(hooks "$1")" = "$2" ]; }
ok "(b) alert: the blocked serial 3 opens the zone's incident (webhook open)" \
	wait_until 15 hooks_are '[.event, .zone, .serial, .verdict, .class, .severity]' \
	'["open","test.",2026010103,"blocked","signatures","critical"]'
ok "(b) ... its summary says how long the served serial 2 lasts (the expiry guard's text)" \
	hooks_are 'select(.serial == 2026010103) | .summary | test("blocked: .*; the served serial 2026010102.s earliest RRSIG expires in [0-9]+d [0-9]+h")' true
ok "(b) ... HMAC-signed (X-Zonegate-Signature)" \
	eq "$(reqs '^/hook$' | head -n 1 | jq -r '.headers["x-zonegate-signature"] | startswith("sha256=")')" true
ok "(b) the gate logs the alert in one line" grep -qE "\[test\.\] alert: 1 opened, 0 updated, 0 resolved; 1 messages spooled" "$TMP/gate.log"

# --- (c) the next good serial passes again
ok "signer publishes serial 4" install_version 2026010104
ok "(c) serial 4 reaches the secondary" wait_for 20 serial_is "$P_SEC" 2026010104
ok "(c) serial 4 came by IXFR from serial 2 (two deltas)" grep -q "IXFR 2026010102 -> 2026010104 applied" "$TMP/gate.log"
ok "(c) alert: the installed serial 4 resolves the incident (webhook resolve)" \
	wait_until 15 hooks_are '[.event, .serial]' '["open",2026010103]["resolve",2026010104]'
ok "(c) ... open and resolve carry the same dedup key" \
	eq "$(reqs '^/hook$' | jq -r '.body | fromjson | .dedup_key' | sort -u | wc -l)" 1
ok "(c) the passing serials 1 and 2 sent nothing" eq "$(nreqs '^/hook$')" 2

# --- (d) NOTIFY with a wrong key, or from an address that is not the signer, is refused + logged
kdig @127.0.0.1 -p "$P_GATE" test. NOTIFY -k "$TMP/wrong/kdig" +time=2 +retry=0 >"$TMP/d1" 2>&1
ok "(d) NOTIFY signed with the wrong key is answered NOTAUTH" grep -q 'NOTAUTH' "$TMP/d1"
ok "(d) ... and logged" grep -qE "\[test\.\] NOTIFY from 127.0.0.1 refused: TSIG key 'xfr-key\.?'" "$TMP/gate.log"
kdig @127.0.0.1 -p "$P_GATE" test. NOTIFY +time=2 +retry=0 >"$TMP/d2" 2>&1
ok "(d) unsigned NOTIFY is refused and logged" grep -q "refused: not TSIG-signed" "$TMP/gate.log"
kdig @127.0.0.1 -p "$P_GATE" -b 127.0.0.2 test. NOTIFY -k "$TMP/tsig/kdig" +time=2 +retry=0 >"$TMP/d3" 2>&1
ok "(d) NOTIFY from 127.0.0.2 is REFUSED" grep -q 'REFUSED' "$TMP/d3"
ok "(d) ... and logged" grep -q "NOTIFY from 127.0.0.2 refused: not the signer" "$TMP/gate.log"
kdig @127.0.0.1 -p "$P_GATE" test. NOTIFY -k "$TMP/tsig/kdig" +tcp +time=2 +retry=0 >"$TMP/d4" 2>&1
ok "a good NOTIFY over TCP is answered NOERROR (TSIG-signed)" grep -q 'NOERROR' "$TMP/d4"
# test 6: the gate serves no zone transfers: AXFR/IXFR to its listener are refused and logged
kdig @127.0.0.1 -p "$P_GATE" test. AXFR +time=2 +retry=0 >"$TMP/d5" 2>&1
ok "(d) an AXFR request to the gate's listener is REFUSED" grep -q 'REFUSED' "$TMP/d5"
ok "(d) ... and logged in one line" \
	grep -q "warning: \[test\.\] AXFR of test\. from 127.0.0.1 refused: the gate serves no transfers" "$TMP/gate.log"
kdig @127.0.0.1 -p "$P_GATE" test. IXFR=2026010101 -k "$TMP/tsig/kdig" +time=2 +retry=0 >"$TMP/d6" 2>&1
ok "(d) a TSIG-signed IXFR request to it is refused and logged too" \
	bash -c "grep -q 'REFUSED' '$TMP/d6' && grep -q 'IXFR of test\. from 127.0.0.1 refused' '$TMP/gate.log'"
ok "the secret never appears in the log" bash -c "! grep -qF '$(cut -d: -f3 "$TMP/tsig/kdig")' '$TMP/gate.log'"

# --- (e) state: gate status while the gate runs (SQLite in the state dir, WAL)
"$ZG" gate status --config "$TMP/gate.yaml" >"$TMP/st1" 2>&1
ok "(e) gate status exits 0" eq "$?" 0
ok "(e) status: served serial 4" grep -qx "  served serial: 2026010104" "$TMP/st1"
ok "(e) status: last candidate 4 passed" grep -qx "  last candidate: 2026010104 pass" "$TMP/st1"
ok "(e) status: earliest RRSIG expiration of the served version, about 4 weeks ahead" \
	grep -qE "^  earliest RRSIG expiration: 20.* \(in 2[78]d " "$TMP/st1"
ok "(e) status: no open incident" grep -qx "  open incident: none" "$TMP/st1"
ok "signer publishes the broken serial 5" install_version 2026010105
ok "(e) serial 5 is blocked" wait_for 20 grep -q "serial 2026010105 blocked, keeping serial 2026010104" "$TMP/gate.log"
# --- (f) expiry guard, real clock: a warning with the time left (28 days > the 48 h margin)
ok "(f) expiry guard warns with the time left of serial 4" wait_for 10 \
	grep -qE "^zonegate gate: warning: \[test\.\] expiry guard: serial 2026010105 blocked; the served serial 2026010104's earliest RRSIG expires in 2[78]d " "$TMP/gate.log"
"$ZG" gate status --config "$TMP/gate.yaml" >"$TMP/st2" 2>&1
ok "(e) status: the open incident is serial 5" grep -qE "^  open incident: serial 2026010105 blocked since .*: rrsig\.bogus" "$TMP/st2"
ok "(e) status: last candidate 5 blocked" grep -qE "^  last candidate: 2026010105 blocked: rrsig\.bogus" "$TMP/st2"
"$ZG" gate status --config "$TMP/gate.yaml" --format json >"$TMP/st2.json" 2>&1
ok "(e) status --format json: served 4, candidate 5 blocked, the same open incident, no hold" \
	jqe '.schema == "zonegate-gate-status/1" and (.zones | length) == 1 and (.zones[0] |
		.zone == "test." and .served_serial == 2026010104 and .last_candidate.serial == 2026010105
		and .last_candidate.verdict == "blocked" and .open_incident.serial == 2026010105
		and (.open_incident.finding | test("rrsig\\.bogus")) and .hold == false
		and .expires_in_seconds > 26 * 86400 and (.earliest_expiration | test("Z$")))' "$TMP/st2.json"
ok "(e) ... with the key history: every key published, the signing ones marked" \
	jqe '.zones[0].keys | length > 0 and all(.first_published != null and (.sha256 | length) == 64)
		and any(.signing)' "$TMP/st2.json"
dbq() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$TMP/state/gate.db" "$1"; }
ok "(e) the database is in WAL mode" eq "$(dbq 'PRAGMA journal_mode')" wal
ok "(e) audit log: serial 5 blocked, by the gate, with the finding" \
	eq "$(dbq "SELECT count(*) FROM audit WHERE serial = 2026010105 AND action = 'blocked' AND user = 'gate' AND findings LIKE 'rrsig.bogus%'")" 1
ok "(e) versions: 5 seen, report path recorded" \
	eq "$(dbq "SELECT report FROM versions WHERE serial = 2026010105")" "$TMP/state/test.2026010105.zone.report.json"

# --- SIGTERM: clean exit (under ASan this also checks for leaks)
kill -TERM "$GATE"
wait "$GATE"
ok "gate exits 0 on SIGTERM" eq "$?" 0
ok "gate log lines all carry the prefix" bash -c "! grep -v '^zonegate gate: ' '$TMP/gate.log'"

run_gate() { # run_gate LOG CLOCK: the gate (config $GATE_CONF) in the background, clock injected
	ZONEGATE_GATE_NOW=$2 setsid "$ZG" gate --config "${GATE_CONF:-$TMP/gate.yaml}" >/dev/null 2>"$1" </dev/null &
	GATE=$!
	PIDS+=($GATE)
}
stop_gate() { kill -TERM "$GATE"; wait "$GATE"; }
# --- (g) restart 27 days later (clock injected): serial 5 is not transferred again, the guard is
# critical (about 1 day left < 48 h) and the signer is stale (no new serial for 27 days > 1d)
run_gate "$TMP/gate2.log" "+$((27 * 86400))"
ok "(g) after a restart the blocked serial 5 is the open incident" \
	wait_for 10 grep -q "\[test\.\] open incident: serial 2026010105 blocked (rrsig.bogus" "$TMP/gate2.log"
ok "(g) expiry guard is critical below the 48 h margin" \
	wait_for 10 grep -qE "^zonegate gate: critical: \[test\.\] expiry guard: serial 2026010105 blocked; the served serial 2026010104's earliest RRSIG expires in [0-9]+[hd] .*below the margin of 2d 0h" "$TMP/gate2.log"
expiry_alerts() { hooks 'select(.error.id == "gate.expiry-guard") | [.event, .severity, (.summary | test("below the margin"))]'; }
expiry_open() { [ "$(expiry_alerts)" = '["open","critical",true]' ]; }
# the zone's `unverified` condition, raised to critical by the verdict's severity floor
ok "(g) alert: the critical expiry guard raises a critical alert (webhook open, gate.expiry-guard)" \
	wait_until 15 expiry_open
ok "(g) staleness: no new serial for 27 days" \
	grep -qE "warning: \[test\.\] stale: the signer has produced no new serial for 27d " "$TMP/gate2.log"
stale_alerts() { hooks 'select(.error.id == "gate.stale") | [.event, .class, .severity, (.summary | test("no new serial for 27d"))]'; }
stale_open() { [ "$(stale_alerts)" = '["open","signer","error",true]' ]; }
ok "(g) alert: staleness opens the zone's signer incident (webhook open, gate.stale, error)" \
	wait_until 15 stale_open
ok "(g) serial 5 was not transferred again" bash -c "! grep -qE 'IXFR|AXFR|blocked, keeping' '$TMP/gate2.log'"
stop_gate
ok "(g) gate exits 0" eq "$?" 0
# --- (h) the signer is down, 3 days after the last answer: unreachable is stale too
knotc -c "$TMP/signer/knot.conf" stop >/dev/null
run_gate "$TMP/gate3.log" "+$((30 * 86400))"
ok "(h) staleness: the signer has not answered for 3 days" \
	wait_for 10 grep -qE "warning: \[test\.\] stale: the signer has not answered for 3d " "$TMP/gate3.log"
# the guard's line follows the stale one in the same check: wait for it, not just the first
ok "(h) the expiry guard runs while the signer is unreachable" \
	wait_for 10 grep -q 'critical: \[test\.\] expiry guard' "$TMP/gate3.log"
ok "(h) the guard and the staleness check run at every retry, but alert at most once each" \
	bash -c "[ \$(grep -c 'alert: ' '$TMP/gate3.log') -le 2 ]"
stop_gate
# --- (j) control: approve the blocked serial 5, hold/resume, a non-operator is refused
start_knotd "$TMP/signer"
ok "signer is back with serial 5" wait_for 15 serial_is "$P_SIGNER" 2026010105
run_gate "$TMP/gate4.log" "+0"
ok "(j) the control socket is there, mode 0600 (no control-group)" \
	wait_for 10 bash -c "[ \"\$(stat -c %a '$TMP/state/control.sock')\" = 600 ]"
"$ZG" gate approve test. 2026010104 --reason "not blocked" --config "$TMP/gate.yaml" >/dev/null 2>"$TMP/j0"
ok "(j) approving a serial that was not blocked is refused (exit 2)" eq "$?" 2
ok "(j) ... with one line saying why" grep -q "serial 2026010104 is not blocked" "$TMP/j0"
"$ZG" gate approve test. 2026010105 --reason "INC-42 www moved, signer fixed later" --config "$TMP/gate.yaml" >"$TMP/j1" 2>&1
ok "(j) gate approve 5 exits 0" eq "$?" 0
ok "(j) ... one reply line" grep -qx "ok: \[test\.\] serial 2026010105 approved by root, installed and reloaded" "$TMP/j1"
ok "(j) the approved serial 5 reaches the secondary" wait_for 20 serial_is "$P_SEC" 2026010105
ok "(j) audit: approve by root with the reason and the finding overridden" \
	eq "$(dbq "SELECT count(*) FROM audit WHERE serial = 2026010105 AND action = 'approve' AND user = 'root' AND reason LIKE 'INC-42%' AND findings LIKE 'rrsig.bogus%(1 in all)%'")" 1
"$ZG" gate approve test. 2026010105 --reason again --config "$TMP/gate.yaml" >/dev/null 2>&1
ok "(j) approving it twice is refused" eq "$?" 2
"$ZG" gate hold test. --reason "change freeze" --config "$TMP/gate.yaml" >"$TMP/j2" 2>&1
ok "(j) gate hold exits 0" eq "$?" 0
"$ZG" gate status --config "$TMP/gate.yaml" >"$TMP/st3" 2>&1
ok "(j) status: hold: yes" grep -qx "  hold: yes" "$TMP/st3"
ok "signer publishes the good serial 6" install_version 2026010106
ok "(j) on hold serial 6 is verified, passes and is not handed over" \
	wait_for 20 grep -q "\[test\.\] serial 2026010106 passed; on hold: not handed over" "$TMP/gate4.log"
ok "(j) ... the secondary keeps serial 5" serial_is "$P_SEC" 2026010105
"$ZG" gate resume test. --config "$TMP/gate.yaml" >"$TMP/j3" 2>&1
ok "(j) gate resume hands serial 6 over" grep -q "resumed by root; the held serial was handed over" "$TMP/j3"
ok "(j) serial 6 reaches the secondary after resume" wait_for 20 serial_is "$P_SEC" 2026010106
ok "(j) alert: serial 6, handed over at resume, resolves the open incidents" \
	wait_until 15 bash -c "jq -e 'select(.path == \"/hook\") | .body | fromjson | select(.event == \"resolve\" and .serial == 2026010106)' '$RLOG' >/dev/null"
ok "(j) ... the approval of the blocked serial 5 resolved nothing" \
	eq "$(hooks 'select(.event == "resolve" and .serial == 2026010105) | .event')" ""
ok "(j) ... serial 6 resolves the signer's staleness incident too" \
	eq "$(hooks 'select(.event == "resolve" and .class == "signer") | .serial')" 2026010106
"$ZG" gate status --config "$TMP/gate.yaml" >"$TMP/st4" 2>&1
ok "(j) status: hold: no, served 6" bash -c "grep -qx '  hold: no' '$TMP/st4' && grep -qx '  served serial: 2026010106' '$TMP/st4'"
ok "(j) audit: hold and resume by root" \
	eq "$(dbq "SELECT count(*) FROM audit WHERE user = 'root' AND action IN ('hold', 'resume')")" 2
"$ZG" gate reject test. 2026010106 --reason x --config "$TMP/gate.yaml" >/dev/null 2>&1
ok "(j) the served serial cannot be rejected" eq "$?" 2
# nobody may read the config and reach the state dir, but not open the 0600 socket
chmod 0711 "$TMP" "$TMP/state"
install -m 0644 "$TMP/gate.yaml" "$TMP/pub.yaml"
setpriv --reuid=65534 --regid=65534 --clear-groups "$ZG" gate hold test. --reason nope --config "$TMP/pub.yaml" >/dev/null 2>"$TMP/j4"
ok "(j) a non-operator (nobody) is refused with exit 2" eq "$?" 2
ok "(j) ... one clear line: cannot open the control socket" \
	bash -c "[ \$(wc -l <'$TMP/j4') = 1 ] && grep -q 'cannot open the control socket .*control.sock: Permission denied' '$TMP/j4'"
ok "(j) ... and nothing changed" eq "$(dbq "SELECT value FROM meta WHERE key = 'hold'")" 0
chmod 0700 "$TMP" "$TMP/state"
stop_gate
ok "(j) gate exits 0, the socket is removed" bash -c "[ $? = 0 ] && [ ! -e '$TMP/state/control.sock' ]"
# --- (k) test 6, transfers: a signer whose transfers fail their TSIG check (a relay flips a MAC
# byte of every XFR answer; SOA answers pass), then a gate whose key has the signer's name but
# another secret: refused, one line each, nothing installed; the real signer then gets through
version 2026010107 'txt TXT "seven"'
python3 "$SOURCE_ROOT/gates/xfr/tests/xfr-relay.py" --tamper "$P_SIGNER" "$TMP/tamper.port" 2>>"$T_LOG" &
PIDS+=($!)
ok "(k) the tampering relay listens" wait_for 10 test -s "$TMP/tamper.port"
P_TAMPER=$(cat "$TMP/tamper.port")
sed "s/^      signer: 127.0.0.1@$P_SIGNER\$/      signer: 127.0.0.1@$P_TAMPER/" "$TMP/gate.yaml" >"$TMP/gate-tamper.yaml"
GATE_CONF=$TMP/gate-tamper.yaml run_gate "$TMP/gate5.log" "+0"
ok "(k) gate with the relay as its signer is up" wait_for 10 grep -q "started, 1 zone" "$TMP/gate5.log"
ok "signer publishes the good serial 7" install_version 2026010107
ok "(k) the transfer of serial 7 fails its TSIG check: refused in one line" \
	wait_for 20 grep -qE "^zonegate gate: error: \[test\.\] transfer of serial 2026010107 failed: TSIG of the response from 127\.0\.0\.1@$P_TAMPER: " "$TMP/gate5.log"
ok "(k) ... not retried as AXFR, nothing verified or installed" \
	bash -c "! grep -qE 'not used|AXFR of serial|serial 2026010107 (passed|blocked)' '$TMP/gate5.log'"
ok "(k) ... the distribution file keeps serial 6" grep -qE 'SOA.* 2026010106 ' "$TMP/dist/zones/test.zone"
ok "(k) ... the secondary keeps serial 6" serial_is "$P_SEC" 2026010106
stop_gate
sed "s#^      tsig-key: .*#      tsig-key: $TMP/wrong/tsig.conf#" "$TMP/gate.yaml" >"$TMP/gate-wrongkey.yaml"
GATE_CONF=$TMP/gate-wrongkey.yaml run_gate "$TMP/gate6.log" "+0"
ok "(k) key with the signer's name and another secret: the SOA answer fails TSIG, one line" \
	wait_for 10 grep -qE "^zonegate gate: warning: \[test\.\] SOA check: TSIG of the response from 127\.0\.0\.1@$P_SIGNER: " "$TMP/gate6.log"
ok "(k) ... nothing transferred or installed" \
	bash -c "! grep -qE 'transfer of|IXFR|AXFR|passed' '$TMP/gate6.log' && grep -qE 'SOA.* 2026010106 ' '$TMP/dist/zones/test.zone'"
stop_gate
ok "(k) the wrong-key gate exits 0" eq "$?" 0
run_gate "$TMP/gate7.log" "+0"
ok "(k) with the right key serial 7 passes and reaches the secondary" wait_for 20 serial_is "$P_SEC" 2026010107
stop_gate
# --- (i) a corrupt or missing state database stops the gate: no silent fresh start
cp "$TMP/state/gate.db" "$TMP/gate.db.good"
printf 'this is not a database at all, it was overwritten' |
	dd of="$TMP/state/gate.db" bs=1 conv=notrunc status=none
"$ZG" gate --config "$TMP/gate.yaml" 2>"$TMP/i1"
ok "(i) corrupt state database: exit 2" eq "$?" 2
ok "(i) ... one clear error line" bash -c "[ \$(grep -c 'error:' '$TMP/i1') = 1 ] && grep -q 'error: \[test\.\] state database .*gate.db is corrupt or unreadable' '$TMP/i1'"
"$ZG" gate status --config "$TMP/gate.yaml" >/dev/null 2>"$TMP/i2"
ok "(i) gate status on it: exit 2" eq "$?" 2
rm -f "$TMP/state/gate.db" "$TMP/state/gate.db-wal" "$TMP/state/gate.db-shm"
"$ZG" gate --config "$TMP/gate.yaml" 2>"$TMP/i3"
ok "(i) missing state database with a served version: exit 2" eq "$?" 2
ok "(i) ... says why" grep -q "state database .*gate.db is missing while a version is served" "$TMP/i3"
if [ "$T_FAIL" -ne 0 ]; then
	for f in gate.log gate2.log gate3.log gate4.log gate5.log gate6.log gate7.log i1 i3 st1 st2 j0 j1 j2 j3 j4 rcv/requests.jsonl badalert.err; do
		sed "s/^/# $f: /" "$TMP/$f" 2>/dev/null
	done
	cat "$T_LOG" | sed 's/^/# /'
fi
done_testing
