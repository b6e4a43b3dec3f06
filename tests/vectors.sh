#!/usr/bin/env bash
# vectors.sh -- real signed zones written by nobody here (../shared/vectors, see its README):
# each is verified at the evaluation time its README gives.
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?} V=${VECTORS:-}
if [ -z "$V" ] || [ ! -d "$V" ]; then
	skip "external vectors" "no ../shared/vectors here"
	done_testing
	exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
check() { # check ZONE DS TIME EXPECTED_RC [ERROR_IDS]
	"$ZG" verify --format json --time "$3" --ds "$V/$2" "$V/$1" >"$TMP/out.json" 2>"$TMP/err"
	local rc=$?
	ok "$1 with $2 exits $4" eq "$rc" "$4"
	local ids
	[ -s "$TMP/out.json" ] || echo "no report" >>"$T_LOG"
	ids=$(jq -r '[.totals[] | select(.severity=="error") | .id] | unique | join(",")' "$TMP/out.json")
	ok "$1 with $2: error ids '${5:-}'" eq "$ids" "${5:-}"
	ok "$1: every RRSIG verified, none bogus" \
		jqe '.counts.rrsigs == .counts.rrsigs_verified and .counts.rrsigs_bogus == 0' "$TMP/out.json"
}
check root-2017082100.zone root-2017-trust-anchors.ds 1503662400 0
ok "root 2017: 2950 RRSIGs verified" jqe '.counts.rrsigs_verified == 2950' "$TMP/out.json"
ok "root 2017: the NSEC chain of 1548 records is complete" \
	jqe '.counts.nsec == 1548 and ([.totals[] | select(.id | startswith("nsec"))] | length == 0)' "$TMP/out.json"
check root-2017082100.zone root-2026-trust-anchors.ds 1503662400 1 ds.no-valid-sig
check rfc5155-appendix-a.zone rfc5155-appendix-a.ds 1275350400 0
check rfc4035-example-nsec-bind995.zone rfc4035-example-nsec-bind995.ds 1577836800 0
check rfc4035-example-nsec3-bind911.zone rfc4035-example-nsec3-bind911.ds 1577836800 0
check uri.arpa-rfc8976.zone uri.arpa-rfc8976.ds 1612137600 0
# the RFC signature examples are fragments (no SOA): verify with --origin, only the crypto counts.
# They split base64 mid-group as the RFC text does; libzscanner wants whole 4-character groups
# (a known limit, see README), so ldns-read-zone rewrites them one record per line first.
for f in rfc5702-6.1-rsasha256:1420070400 rfc6605-6.1-ecdsap256:1282817079 \
	rfc6605-6.2-ecdsap384:1282818025 rfc8080-6.1-ed25519-ex1:1439114400 \
	rfc8080-6.1-ed25519-ex2:1439114400; do
	z=$V/rfc-vectors/${f%%:*}.zone
	origin=$(awk '$0 !~ /^;/ && NF { print $1; exit }' "$z")
	ldns-read-zone "$z" >"$TMP/frag.zone" 2>>"$T_LOG"
	"$ZG" verify --format json --time "${f##*:}" -o "$origin" "$TMP/frag.zone" >"$TMP/out.json" 2>"$TMP/err"
	ok "${f%%:*}: every signature verifies" \
		jqe '.counts.rrsigs_verified > 0 and .counts.rrsigs_valid == .counts.rrsigs_verified' "$TMP/out.json"
done
done_testing
