#!/usr/bin/env bash
# report.sh -- the JSON schema of verifier/REPORT.md, the text report's order, and the 33834
# diagnosis with the right number of other keys.
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
TIME=1798761600
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
B33834=$FX/bad/rrsig.bogus--33834

schema() { jqe '
	(.schema == "zonegate-report/1") and (.zone | type == "string") and
	(.serial | type == "number") and (.evaluated_at | test("^[0-9-]+T[0-9:]+Z$")) and
	(.verdict | IN("pass", "blocked")) and (.counts | type == "object") and
	(.counts | [.names, .rrsets, .rrsigs, .rrsigs_verified, .rrsigs_valid, .rrsigs_bogus,
	            .errors, .warnings, .notices] | all(type == "number")) and
	(.findings | all(has("id") and has("severity") and has("owner") and has("type") and
	                 has("key_tag") and has("algorithm") and has("reason"))) and
	(.totals | all(.total >= .shown)) and
	(.keys | all(has("tag") and has("algorithm") and has("flags") and has("signatures") and
	             has("bogus") and has("earliest_expiration"))) and
	(.diagnosis | type == "array")' "$1"; }

for z in "$FX"/good/*.zone "$FX"/bad/*.zone; do
	"$ZG" verify --time "$TIME" --format json "$z" >"$TMP/r.json" 2>/dev/null
	ok "$(basename "$z"): JSON follows the schema" schema "$TMP/r.json"
done

"$ZG" verify --time "$TIME" --format json --candidate-keys "$B33834.keys" "$B33834.zone" >"$TMP/d.json"
ok "33834: blocked" jqe '.verdict == "blocked"' "$TMP/d.json"
ok "33834: one diagnosis group for the colliding tag" jqe '.diagnosis | length == 1' "$TMP/d.json"
ok "33834: 1 key published with that tag" jqe '.diagnosis[0].published == 1' "$TMP/d.json"
# the fixture's README: B and C share the published ZSK's tag -> K = 2 other keys
ok "33834: bogus ones made by 2 other keys" jqe '.diagnosis[0].other_keys == 2' "$TMP/d.json"
ok "33834: every bogus signature attributed" jqe '.diagnosis[0].unattributed == 0' "$TMP/d.json"
ok "33834: NSEC3 signatures among the bogus ones" jqe '.diagnosis[0].nsec3_among_bogus' "$TMP/d.json"
ok "33834: recovered keys are the candidate keys B and C" \
	jqe '[.diagnosis[0].makers[] | select(.source | test("candidate"))] | length == 2' "$TMP/d.json"
ok "33834: bogus count matches rrsig.bogus total" \
	jqe '.diagnosis[0].bogus == ([.totals[] | select(.id=="rrsig.bogus") | .total] | add)' "$TMP/d.json"

"$ZG" verify --time "$TIME" "$B33834.zone" >"$TMP/d.txt"
ok "33834 text: verdict on the first line" grep -q "^BLOCKED" <(head -n 1 "$TMP/d.txt")
ok "33834 text: the diagnosis sentence" \
	grep -qE "key tag [0-9]+ \(alg 13\): 1 key published, [0-9]+ signatures, [0-9]+ bogus; bogus ones were made by 2 other keys with the same tag" "$TMP/d.txt"

# the report is byte-identical for any thread count (batches merge in order)
same=0
for z in "$B33834.zone" "$FX"/good/*.zone "$FX"/bad/rrsig.*.zone; do
	"$ZG" verify -j 1 --time "$TIME" --format json "$z" >"$TMP/j1.json" 2>/dev/null
	"$ZG" verify -j 3 --time "$TIME" --format json "$z" >"$TMP/j3.json" 2>/dev/null
	cmp -s "$TMP/j1.json" "$TMP/j3.json" || { echo "# -j differs on $z"; same=$((same + 1)); }
done
ok "-j 1 and -j 3 reports are byte-identical on every fixture" eq "$same" 0

# caps: a policy keeping 1 example per id still counts every finding
printf 'max-examples: 1\n' >"$TMP/p.yaml"
"$ZG" verify --time "$TIME" --format json --policy "$TMP/p.yaml" "$B33834.zone" >"$TMP/c.json"
ok "examples capped per id, totals kept" \
	jqe '[.totals[] | select(.id=="rrsig.bogus")][0] | .shown == 1 and .total > 1' "$TMP/c.json"
# policy lowers an error: still printed and counted, no longer blocks
printf 'severity:\n  rrsig.bogus: warning\n' >"$TMP/w.yaml"
"$ZG" verify --time "$TIME" --format json --policy "$TMP/w.yaml" "$B33834.zone" >"$TMP/w.json"
ok "policy can lower rrsig.bogus; still reported" \
	jqe '[.totals[] | select(.id=="rrsig.bogus" and .severity=="warning")] | length == 1' "$TMP/w.json"

# --cross-check: libdnssec agrees with OpenSSL on every fixture
dis=0
for z in "$FX"/good/*.zone "$FX"/bad/*.zone "$FX"/warn/*.zone; do
	"$ZG" verify --time "$TIME" --format json --cross-check "$z" >"$TMP/x.json" 2>/dev/null
	jqe '[.totals[] | select(.id=="crypto.disagreement")] | length == 0' "$TMP/x.json" >/dev/null || {
		echo "# disagreement on $z"; dis=$((dis + 1)); }
done
ok "--cross-check agrees on every fixture" eq "$dis" 0
done_testing
