#!/usr/bin/env bash
# progress.sh -- the progress lines of `zonegate verify` on stderr: at a terminal (script(1)
# gives it one) a line while the zone loads (records parsed, rate) and lines while signatures
# are verified (records loaded, signatures of the total, rate, ETA); none when stderr is not a
# terminal. ZONEGATE_PROGRESS_AFTER=0 shows them at once instead of after 2 s.
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
TIME=1798761600
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
command -v script >/dev/null || { ok "script(1) is installed (bsdutils)" false; done_testing; exit 1; }

# an unsigned 400k-delegation zone: a load of a few tenths of a second on one thread
awk 'BEGIN { print "$ORIGIN big.\n$TTL 3600\n@ SOA ns.big. h.big. 1 7200 3600 1209600 3600\n@ NS ns.big."
	for (i = 1; i <= 400000; i++) print "d" i " NS ns.example.net." }' >"$TMP/big.zone"
tty_run() { # tty_run OUT ARGS...: zonegate at a terminal, its output (stdout and stderr) in OUT
	local out=$1
	shift
	ZONEGATE_PROGRESS_AFTER=0 script -qec "$(printf '%q ' "$ZG" "$@") >/dev/null" /dev/null |
		tr '\r' '\n' >"$out"
}
tty_run "$TMP/load.out" verify -j 1 --time "$TIME" "$TMP/big.zone"
ok "at a terminal: a line while the zone loads" \
	grep -qE "^zonegate: loading .*big\.zone: [0-9]+ records parsed, [0-9]+/s, [0-9.]+ s" "$TMP/load.out"
ok "... whose count grows to the records of the zone at most" awk -v max=400002 '
	/records parsed/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "records") n = $i
		if (n + 0 < last || n + 0 > max) bad = 1; last = n + 0; seen = 1 }
	END { exit !(seen && !bad) }' "$TMP/load.out"

tty_run "$TMP/sig.out" verify -j 2 --time "$TIME" "$FX/good/alg13-bind-nsec.zone"
ok "at a terminal: lines while signatures are verified (records, signatures, rate, ETA)" \
	grep -qE "^zonegate: [0-9]+ records loaded in [0-9.]+ s; [0-9]+/[0-9]+ signatures verified, [0-9]+/s, ETA [0-9]+ s" "$TMP/sig.out"
ok "... the last one at the total" bash -c "grep 'signatures verified' '$TMP/sig.out' | tail -n 1 |
	grep -qE ' ([0-9]+)/\\1 signatures verified'"

ZONEGATE_PROGRESS_AFTER=0 "$ZG" verify -j 1 --time "$TIME" "$TMP/big.zone" >/dev/null 2>"$TMP/plain.err"
ZONEGATE_PROGRESS_AFTER=0 "$ZG" verify -j 2 --time "$TIME" "$FX/good/alg13-bind-nsec.zone" \
	>/dev/null 2>>"$TMP/plain.err"
ok "stderr not a terminal: no progress line at all" \
	bash -c "! grep -qE 'records parsed|signatures verified' '$TMP/plain.err'"
done_testing
