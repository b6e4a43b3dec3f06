#!/usr/bin/env bash
# regen-fixtures.sh -- fixtures/make-fixtures.sh makes the whole set again with the real signers
# (ldns-signzone, dnssec-signzone, kzonesign; new keys, new 33834 collision) in a temp dir, and
# the new set meets the same expectations as the committed one (tests/fixtures.sh).
set -u
. "$(dirname "$0")/lib.sh"
SRC=${SOURCE_ROOT:?}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ok "make-fixtures.sh regenerates the set with real signers" \
	bash "$SRC/fixtures/make-fixtures.sh" "$TMP/fx"
n=$(ls "$TMP"/fx/bad/*.zone 2>/dev/null | wc -l)
ok "it made one bad zone per id ($n)" test "$n" -ge 27
FIXTURES=$TMP/fx bash "$SRC/tests/fixtures.sh" >"$TMP/tap" 2>&1
ok "the regenerated set passes tests/fixtures.sh" bash -c '! grep -q "^not ok" "$1" && grep -q "^1\.\." "$1"' _ "$TMP/tap"
grep '^not ok' "$TMP/tap" | sed 's/^/# /'
done_testing
