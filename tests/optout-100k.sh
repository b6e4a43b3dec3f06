#!/usr/bin/env bash
# optout-100k.sh -- a .de-shaped zone: 100k delegations, every 10th with DS, some glue, NSEC3
# opt-out, signed by a real signer (dnssec-signzone, P-256). zonegate must report nothing at
# warning level or above, and its NSEC3 count must equal the NSEC3 records in the file; BIND's
# and ldns's own verifiers must accept the same file.
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?}
N=${OPTOUT_N:-100000}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
awk -v n="$N" 'BEGIN {
	print "$ORIGIN tld.\n$TTL 3600"
	print "@ SOA ns1.nic.tld. hostmaster.nic.tld. 2026112501 7200 3600 1209600 3600"
	print "@ NS ns1.nic.tld.\nnic A 192.0.2.1\nns1.nic A 192.0.2.53"
	for (i = 1; i <= n; i++) {
		print "d" i " NS ns1.example.net."
		if (i % 10 == 0) printf "d%d DS %d 13 2 %064x\n", i, i % 65536, i
		if (i % 20 == 5) print "d" i " NS ns.d" i "\nns.d" i " A 192.0.2." (i % 250 + 1)
	}
}' >tld.zone
dnssec-keygen -q -K . -a ECDSAP256SHA256 -f KSK tld >/dev/null
dnssec-keygen -q -K . -a ECDSAP256SHA256 tld >/dev/null
ok "dnssec-signzone signs $N delegations with NSEC3 opt-out" \
	dnssec-signzone -q -S -K . -3 - -A -H 0 -o tld -s now-3600 -e +7776000 -f tld.signed tld.zone
"$ZG" verify --format json tld.signed >r.json 2>err.txt
ok "zonegate passes it (exit 0)" eq "$?" 0
ok "no finding at warning level or above" jqe '.verdict == "pass" and .counts.errors == 0 and .counts.warnings == 0' r.json
n3=$(ldns-read-zone tld.signed | awk '$4 == "NSEC3"' | wc -l)
ok "NSEC3 records checked ($(jq .counts.nsec3 r.json)) = NSEC3 records in the file ($n3)" \
	eq "$(jq .counts.nsec3 r.json)" "$n3"
ok "every NSEC3 matched a name or ENT" eq "$(jq .counts.nsec3_matched r.json)" "$n3"
ok "90% of delegations left to opt-out" eq "$(jq .counts.nsec3_optout r.json)" "$((N - N / 10))"
ok "every RRSIG verified and valid" jqe '.counts.rrsigs == .counts.rrsigs_valid' r.json
ldns-verify-zone -V 5 tld.signed >ldns.out 2>&1
ok "ldns-verify-zone accepts the same file" grep -q "Zone is verified and complete" ldns.out
ln3=$(awk '$4 == "NSEC3"' ldns.out | wc -l)
ok "ldns-verify-zone walked as many NSEC3 ($ln3) as zonegate checked" eq "$ln3" "$(jq .counts.nsec3 r.json)"
ok "dnssec-verify accepts the same file" dnssec-verify -q -o tld tld.signed
done_testing
