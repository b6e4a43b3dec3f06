#!/usr/bin/env bash
# incremental.sh -- `zonegate verify --prev OLD --incremental NEW` reports exactly what a full
# `verify --prev OLD NEW` reports (JSON byte for byte), reuses the base's verdicts, and refuses
# bad usage with one line.
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
TIME=1798761600
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

same() { # same OLD NEW: incremental JSON == full JSON, same exit code
	local old=$1 new=$2 a b
	"$ZG" verify -j 2 --time "$TIME" --format json --prev "$old" "$new" >"$TMP/full.json" 2>/dev/null
	a=$?
	"$ZG" verify -j 2 --time "$TIME" --format json --prev "$old" --incremental "$new" \
		>"$TMP/inc.json" 2>"$TMP/inc.err"
	b=$?
	[ "$a" = "$b" ] && [ "$a" != 2 ] && cmp -s "$TMP/full.json" "$TMP/inc.json"
}

for old in "$FX"/*/*.prev; do
	new=${old%.prev}.zone
	ok "$(basename "$new") after its .prev: incremental report = full report" same "$old" "$new"
done
ok "the stderr line names the diff" grep -qE "incremental: .* [0-9]+ RRs removed, [0-9]+ added" "$TMP/inc.err"

# every bad and warn fixture as the next version of a good fixture of the same origin
origin() { "$ZG" verify --time "$TIME" --format json "$1" 2>/dev/null | jq -r .zone; }
declare -A GOOD
for g in "$FX"/good/*.zone; do
	o=$(origin "$g")
	[ -n "$o" ] && [ -z "${GOOD[$o]:-}" ] && GOOD[$o]=$g
done
n=0
for z in "$FX"/bad/*.zone "$FX"/warn/*.zone; do
	o=$(origin "$z")
	g=${GOOD[$o]:-}
	[ -n "$g" ] || continue
	ok "$(basename "$g") -> $(basename "$z"): incremental report = full report" same "$g" "$z"
	n=$((n + 1))
done
ok "at least 10 cross-fixture pairs were compared ($n)" test "$n" -ge 10

# one changed address: only that RRset's signatures are verified again, and it is bogus now
base=$FX/good/alg13-bind-nsec.zone
sed -E '0,/\tA\t192\.0\.2\.10$/s//\tA\t192.0.2.77/' "$base" >"$TMP/changed.zone" # the apex A
ok "the changed copy differs in one line" test "$(diff "$base" "$TMP/changed.zone" | grep -c '^>')" = 1
ok "changed address: incremental report = full report" same "$base" "$TMP/changed.zone"
ok "... blocked with rrsig.bogus" jqe '.verdict == "blocked" and
	([.findings[].id] | index("rrsig.bogus") != null)' "$TMP/inc.json"
ok "... one or two signatures verified, the rest reused" \
	grep -qE "incremental: [12] signatures verified, [1-9][0-9]* reused" "$TMP/inc.err"
ok "... the NSEC checks' results replayed: an address change leaves what they read alone" \
	grep -q "NSEC/NSEC3 results reused" "$TMP/inc.err"

"$ZG" verify --time "$TIME" --incremental "$base" >"$TMP/u1" 2>&1
ok "--incremental without --prev: exit 2" eq "$?" 2
ok "... one line saying why" bash -c "[ \$(wc -l <'$TMP/u1') = 1 ] && grep -q 'needs --prev' '$TMP/u1'"
"$ZG" verify --time "$TIME" --prev "$base" --incremental "$base" "$base" >"$TMP/u2" 2>&1
ok "--incremental with a ZONEFILE too: exit 2" eq "$?" 2
done_testing
