#!/usr/bin/env bash
# fixtures.sh -- every fixture through the real CLI; the expectation comes from the file name:
#   fixtures/good/*.zone   exit 0, no error finding and no warning
#   fixtures/bad/ID[--v].zone    exit 1, ID at error level and no other error id
#   fixtures/warn/ID[--v].zone   exit 0, ID at warning level
#   fixtures/broken/*.zone exit 2, one line on stderr naming the file
# Sidecars (same basename): .ds .prev .unsigned .keys -> options; .args -> extra arguments;
# .also -> further error ids that this fault causes by definition (one per line): the 33834 zone's
# bogus NSEC3 signatures leave those NSEC3 RRsets without a valid RRSIG (nsec3.unsigned).
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
TIME=1798761600 # 2027-01-01T00:00:00Z, see fixtures/README.md
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run() { # run ZONE -> $TMP/out.json, $TMP/err, $rc
	local z=$1 b=${1%.zone} args=(--time "$TIME" --format json)
	[ -f "$b.ds" ] && args+=(--ds "$b.ds")
	[ -f "$b.prev" ] && args+=(--prev "$b.prev")
	[ -f "$b.unsigned" ] && args+=(--unsigned "$b.unsigned")
	[ -f "$b.keys" ] && args+=(--candidate-keys "$b.keys")
	# shellcheck disable=SC2207
	[ -f "$b.args" ] && args+=($(cat "$b.args"))
	"$ZG" verify "${args[@]}" "${EXTRA[@]}" "$z" >"$TMP/out.json" 2>"$TMP/err"
	rc=$?
}
errors_are() { # the set of error-severity ids equals $1 (may be empty)
	local got
	[ -s "$TMP/out.json" ] || { echo "no report" >&2; return 1; }
	got=$(jq -r '[.totals[] | select(.severity=="error") | .id] | unique | join(",")' "$TMP/out.json")
	eq "$got" "$1"
}
has_id_at() { jqe --arg id "$1" --arg s "$2" \
	'[.totals[] | select(.id==$id and .severity==$s)] | length == 1' "$TMP/out.json"; }

EXTRA=("$@")
n=0
for z in "$FX"/good/*.zone; do
	[ -e "$z" ] || continue
	n=$((n + 1)); run "$z"; f=${z#"$FX"/}
	ok "$f exits 0" eq "$rc" 0
	ok "$f has no error finding" errors_are ""
	ok "$f has no warning" jqe '[.totals[] | select(.severity == "warning")] | length == 0' \
		"$TMP/out.json"
done
for z in "$FX"/bad/*.zone; do
	[ -e "$z" ] || continue
	n=$((n + 1)); run "$z"; f=${z#"$FX"/}
	id=$(basename "$z" .zone); id=${id%%--*}
	ok "$f exits 1" eq "$rc" 1
	want=$id
	[ -f "${z%.zone}.also" ] && want=$(printf '%s\n' "$id" $(cat "${z%.zone}.also") | sort -u | paste -sd,)
	ok "$f reports exactly $want at error level" errors_are "$want"
done
for z in "$FX"/warn/*.zone; do
	[ -e "$z" ] || continue
	n=$((n + 1)); run "$z"; f=${z#"$FX"/}
	id=$(basename "$z" .zone); id=${id%%--*}
	ok "$f exits 0" eq "$rc" 0
	ok "$f reports $id at warning level" has_id_at "$id" warning
done
for z in "$FX"/broken/*.zone; do
	[ -e "$z" ] || continue
	n=$((n + 1)); run "$z"; f=${z#"$FX"/}
	ok "$f exits 2" eq "$rc" 2
	ok "$f: one stderr line naming the file" \
		bash -c '[ "$(wc -l < "$1")" -eq 1 ] && grep -qF "$2" "$1"' _ "$TMP/err" "$(basename "$z")"
	ok "$f: json says unverified" jqe '.verdict == "unverified"' "$TMP/out.json"
done
ok "fixtures were found ($n)" test "$n" -gt 20
done_testing
