#!/usr/bin/env bash
# findings-doc.sh -- every id in verifier/finding.h has a section in verifier/FINDINGS.md and
# every section names an id the code knows (curl test 1477's idea).
set -u
. "$(dirname "$0")/lib.sh"
SRC=${SOURCE_ROOT:?}
code=$(grep -oE 'X\(ZG_F_[A-Z0-9_]+, "[a-z0-9.-]+"' "$SRC/verifier/finding.h" | sed -E 's/.*"(.*)"/\1/' | sort)
doc=$(grep -E '^## [a-z0-9]+\.[a-z0-9.-]+$' "$SRC/verifier/FINDINGS.md" | sed 's/^## //' | sort)
ok "finding.h has ids" test -n "$code"
for id in $code; do
	ok "$id is documented in FINDINGS.md" grep -qx "$id" <(echo "$doc")
done
for id in $doc; do
	ok "FINDINGS.md section $id exists in code" grep -qx "$id" <(echo "$code")
done
done_testing
