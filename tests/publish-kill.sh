#!/usr/bin/env bash
# publish-kill.sh -- kill -9 `zonegate publish` at random instants, again and again: the
# distribution file is always either the old or the new complete zone, never anything else.
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?}
ROUNDS=${KILL_ROUNDS:-30}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
mk() { # mk SERIAL -> t.SERIAL.zone (unsigned), 10k delegations
	awk -v n=10000 -v s="$1" 'BEGIN {
		print "$ORIGIN t.\n$TTL 3600\n@ SOA ns.t. h.t. " s " 7200 3600 1209600 3600\n@ NS ns.t.\nns A 192.0.2.1"
		for (i = 1; i <= n; i++) print "d" i " NS ns.example.net."
	}' >"t.$1.zone"
}
mk 1
mk 2
dnssec-keygen -q -K . -a ECDSAP256SHA256 -f KSK t >/dev/null
dnssec-keygen -q -K . -a ECDSAP256SHA256 t >/dev/null
for s in 1 2; do
	dnssec-signzone -q -S -K . -o t -s now-3600 -e +864000 -f "v$s.zone" "t.$s.zone" >/dev/null
done
ok "two signed versions made" test -s v1.zone -a -s v2.zone
"$ZG" publish --zone v1.zone --to dist.zone >/dev/null 2>&1
ok "v1 published" cmp -s dist.zone v1.zone
start=$(date +%s%N)
"$ZG" publish --zone v2.zone --to probe.zone --prev v1.zone >/dev/null 2>&1
span=$((($(date +%s%N) - start) / 1000000 + 20)) # ms, whole run incl. the install
bad=0 old=0 new=0
for ((i = 0; i < ROUNDS; i++)); do
	cp v1.zone dist.zone
	"$ZG" publish --zone v2.zone --to dist.zone >/dev/null 2>&1 &
	pid=$!
	# odd rounds anywhere in the run, even rounds in its last fifth, where the install happens
	sleep "$(awk -v s="$span" -v r="$RANDOM" -v i="$i" 'BEGIN {
		f = r / 32768; if (i % 2 == 0) f = 0.8 + 0.25 * f
		printf "%.3f", s * f / 1000 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if cmp -s dist.zone v1.zone; then
		old=$((old + 1))
	elif cmp -s dist.zone v2.zone; then
		new=$((new + 1))
	else
		bad=$((bad + 1))
	fi
done
echo "# $ROUNDS kills over ${span} ms: $old left the old zone, $new the new one"
ok "after every kill -9 the distribution file is the old or the new zone" eq "$bad" 0
ok "the loop ran $ROUNDS rounds" eq "$((old + new + bad))" "$ROUNDS"
done_testing
