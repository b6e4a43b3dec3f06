#!/usr/bin/env bash
# gate-garbage.sh -- garbage zone transfers from a signer the gate trusts: fake-signer.py holds the
# zone's real TSIG key and signs every answer, so each broken transfer gets past the TSIG check
# to the gate's parser. Each one must be one log line naming what was wrong, nothing installed,
# the gate still running; a transfer of another zone, and an unsigned zone, reach verification
# and are refused there. A transfer past max-transfer or transfer-deadline is given up the same way. Daemons on 127.0.0.1, stopped by PID; one temp dir.
set -u
. "$(dirname "$0")/../../../tests/lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
. "$SOURCE_ROOT/gates/xfr/tests/lib-chain.sh"
for t in keymgr python3; do
	command -v "$t" >/dev/null || { ok "$t is installed" false; done_testing; exit 1; }
done
TMP=$(mktemp -d)
[ -z "${KEEP:-}" ] || echo "# kept: $TMP"
PIDS=()
cleanup() {
	stop_pids
	if [ "$T_FAIL" -ne 0 ]; then
		tail -n 40 "$TMP/gate.log" 2>/dev/null | sed 's/^/# gate.log: /'
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
T_LOG=$TMP/tap.log
mkdir -p "$TMP"/{tsig,dist,state}
keymgr -t xfr-key hmac-sha256 >"$TMP/tsig/tsig.conf"
sed -n '1s/^# //p' "$TMP/tsig/tsig.conf" >"$TMP/tsig/kdig"
read -r P_GATE < <(free_ports 1)
SERIAL=2027010200 # newer than the served fixture's
echo overrun >"$TMP/mode"
python3 "$SOURCE_ROOT/gates/xfr/tests/fake-signer.py" test. "$SERIAL" "$(cat "$TMP/tsig/kdig")" \
	"$TMP/mode" "$TMP/fake.port" 2>>"$T_LOG" &
PIDS+=($!)
ok "the fake signer listens" wait_for 10 test -s "$TMP/fake.port"
cp "$FX/good/alg13-bind-nsec.zone" "$TMP/dist/test.zone"
cat >"$TMP/gate.yaml" <<CONF
gate:
  zones:
    - origin: test.
      signer: 127.0.0.1@$(cat "$TMP/fake.port")
      tsig-key: $TMP/tsig/tsig.conf
      listen: 127.0.0.1@$P_GATE
      state-dir: $TMP/state
      refresh: 1s
      retry: 1s
      timeout: 2s
      max-transfer: 16k
      transfer-deadline: 3s
      distribution:
        file: $TMP/dist/test.zone
        reload: "touch $TMP/reloaded"
CONF
sed 's/^      max-transfer: 16k$/      max-transfer: 16q/' "$TMP/gate.yaml" >"$TMP/badsize.yaml"
"$ZG" gate conf-check "$TMP/badsize.yaml" 2>"$TMP/badsize.err"
ok "max-transfer: 16q: conf-check exits 2" eq "$?" 2
ok "... one line naming the file, the line and the key" \
	bash -c "[ \$(wc -l <'$TMP/badsize.err') = 1 ] && grep -qE 'badsize.yaml:[0-9]+: .*max-transfer' '$TMP/badsize.err'"
setsid "$ZG" gate --config "$TMP/gate.yaml" --init >/dev/null 2>"$TMP/gate.log" </dev/null &
GATE=$!
PIDS+=($GATE)
ok "the gate starts (adopting the fixture as served, reloading it once)" \
	wait_for 20 grep -q "notice: started, 1 zone" "$TMP/gate.log"
rm -f "$TMP/reloaded"
failures() { grep -c "transfer of serial $SERIAL failed: " "$TMP/gate.log"; }
# each mode until the gate has logged its failure once more, naming what went wrong
expect() { # expect MODE REGEX
	local before
	before=$(failures)
	echo "$1" >"$TMP/mode"
	wait_for 20 bash -c "[ \$(grep -c 'transfer of serial $SERIAL failed: ' '$TMP/gate.log') -gt $before ]" &&
		sleep 0.3 && grep "transfer of serial $SERIAL failed: " "$TMP/gate.log" | tail -n 1 | grep -qE "$2"
}
ok "an RDLENGTH past the end of the message: one line, malformed" \
	expect overrun "failed: malformed or unrelated response from 127\.0\.0\.1@"
ok "an A record with 3 bytes of RDATA: malformed" expect bad-rdata "malformed or unrelated response"
ok "no closing SOA, then the connection closes: closed before the end" \
	expect no-close "connection to 127\.0\.0\.1@[0-9]+ closed before the end"
ok "a length prefix longer than what follows: closed before the end" \
	expect cut "closed before the end"
ok "a signed answer under another message ID: unrelated" expect wrong-id "malformed or unrelated response"
ok "SERVFAIL: the rcode is named" expect servfail "answered rcode 2"
ok "600 random bytes: malformed" expect garbage "malformed or unrelated response"
ok "a 60 kB transfer against max-transfer 16k: given up, the cap named" \
	expect big "passed max-transfer \(16384 bytes\): given up"
ok "a transfer trickled in a byte every 20 ms (each read inside the 2 s timeout): given up at the 3 s transfer-deadline" \
	expect slow "still not done after transfer-deadline \(3000 ms\): given up"
ok "none of these got the distribution file replaced or the reload run" \
	bash -c "cmp -s '$FX/good/alg13-bind-nsec.zone' '$TMP/dist/test.zone' && ! test -e '$TMP/reloaded'"
ok "the gate is still running" kill -0 "$GATE"
# transfers that complete: the parser took them, verification refuses them
echo foreign >"$TMP/mode"
ok "a complete transfer of another zone (other.): transferred" \
	wait_for 20 grep -q "AXFR of serial $SERIAL done" "$TMP/gate.log"
ok "... and blocked: no SOA at the origin (zone.origin)" \
	wait_for 20 grep -qE "serial $SERIAL blocked, keeping serial 2027010101: zone\.origin" "$TMP/gate.log"
echo "good $((SERIAL + 1))" >"$TMP/mode"
ok "a well-formed unsigned zone (so this fake's TSIG signing is right): transferred" \
	wait_for 20 grep -q "AXFR of serial $((SERIAL + 1)) done" "$TMP/gate.log"
ok "... and blocked by verification, in one line" \
	wait_for 20 grep -qE "serial $((SERIAL + 1)) blocked, keeping serial 2027010101: [a-z0-9]+\.[a-z-]+ at " "$TMP/gate.log"
ok "... its report says why: no DNSKEY, no signatures" \
	grep -q '"dnskey.missing"' "$TMP/state/test.$((SERIAL + 1)).zone.report.json"
ok "no transfer failed its TSIG check: every failure above was the parser's" \
	bash -c "! grep -q 'TSIG' '$TMP/gate.log'"
ok "the distribution file is still the served fixture, no reload ran" \
	bash -c "cmp -s '$FX/good/alg13-bind-nsec.zone' '$TMP/dist/test.zone' && ! test -e '$TMP/reloaded'"
ok "the gate is still running" kill -0 "$GATE"
kill -TERM "$GATE"
wait "$GATE"
ok "and exits 0 on SIGTERM" eq "$?" 0
ok "no sanitizer report" bash -c "! grep -qE 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:' '$TMP/gate.log'"
done_testing
