#!/usr/bin/env bash
# bad-input.sh -- hostile or broken input: one line naming file:line or owner, exit 1 or 2
# (never 0), no crash. The committed fixtures/broken/ cases run in fixtures.sh; these are built
# here from a good fixture.
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
TIME=1798761600
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# one record per line (ldns-read-zone), so single RRs can be edited with awk
ldns-read-zone "$(ls "$FX"/good/*.zone | head -n 1)" >"$TMP/good.zone"
GOOD=$TMP/good.zone

expect() { # expect NAME RC_SET FILE [ARGS...]: rc in RC_SET, stderr one line (if rc 2)
	local name=$1 want=$2 file=$3
	shift 3
	"$ZG" verify --time "$TIME" "$@" "$file" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	ok "$name: exit in {$want} (got $rc)" bash -c "case ,$want, in *,$rc,*) exit 0;; esac; exit 1"
	if [ "$rc" -eq 2 ]; then
		ok "$name: exactly one stderr line" eq "$(wc -l <"$TMP/err")" 1
	fi
	ok "$name: no sanitizer or crash report" bash -c '! grep -qE "Sanitizer|runtime error|Segmentation" "$1"' _ "$TMP/err"
}

expect "missing file" 2 "$TMP/nope.zone"
ok "missing file: message names the file" grep -q "nope.zone" "$TMP/err"
expect "directory" 2 "$TMP"
: >"$TMP/empty.zone"
expect "empty file" 2 "$TMP/empty.zone"
head -c "$(($(wc -c <"$GOOD") * 2 / 3))" "$GOOD" >"$TMP/trunc.zone"
expect "truncated file" 1,2 "$TMP/trunc.zone"
{ cat "$GOOD"; echo 'this is ) not ( a record'; } >"$TMP/garbage.zone"
expect "garbage line" 2 "$TMP/garbage.zone"
ok "garbage line: names file:line" grep -qE "garbage.zone:[0-9]+:" "$TMP/err"
sed 's/$/\r/' "$GOOD" >"$TMP/crlf.zone"
expect "CRLF line ends, no --origin" 2 "$TMP/crlf.zone"
ok "CRLF: names file:line and the CR bytes (not 'no SOA')" \
	grep -qE "crlf.zone:1: unsupported CRLF newline, remove CR bytes" "$TMP/err"
{ echo "www.x. 300 IN A 192.0.2"; cat "$GOOD"; } >"$TMP/early.zone"
expect "bad record before the SOA, no --origin" 2 "$TMP/early.zone"
ok "... names file:line and what is wrong there" grep -qE "early.zone:1: invalid IPv4" "$TMP/err"
origin=$(awk '$4=="SOA" || $3=="SOA" {print $1; exit}' "$GOOD")
{ cat "$GOOD"; echo "x.$origin 300 IN FOOBAR 1 2 3"; } >"$TMP/unknown.zone"
expect "unknown RR type mnemonic" 2 "$TMP/unknown.zone"
{ cat "$GOOD"; echo "x.$origin 300 IN TYPE65280 \\# 2 abcd"; } >"$TMP/generic.zone"
expect "unknown type in generic syntax (unsigned)" 1 "$TMP/generic.zone"
ok "generic type: reported as rrsig.missing" grep -q "rrsig.missing" "$TMP/out"
expect "origin mismatch" 1,2 "$GOOD" --origin example.invalid.
{ cat "$GOOD"; echo "$origin 300 IN DNSKEY 256 3 13 AAAA"; } >"$TMP/shortkey.zone"
expect "malformed EC key" 1 "$TMP/shortkey.zone"
ok "malformed EC key: dnskey.malformed" grep -q "dnskey.malformed" "$TMP/out"
{ cat "$GOOD"; echo "$origin 300 IN DNSKEY 256 3 8 AwEAAQ=="; } >"$TMP/rsaempty.zone"
expect "RSA key without modulus" 1 "$TMP/rsaempty.zone"
{ cat "$GOOD"; echo "$origin 300 IN DNSKEY 256 3 8 AQJhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5emFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6YWJjZGVmZ2hpams="; } >"$TMP/rsaeven.zone"
expect "RSA even exponent" 1 "$TMP/rsaeven.zone"
{ cat "$GOOD"; echo "$origin 300 IN DNSKEY 256 3 253 AQID"; } >"$TMP/privalg.zone"
expect "unsupported algorithm" 1 "$TMP/privalg.zone"
ok "unsupported algorithm: dnskey.algorithm" grep -q "dnskey.algorithm" "$TMP/out"
# RRSIG with a 1-byte and an oversize (4 KiB) signature over the SOA
soa_sig=$(awk '$4=="RRSIG" && $5=="SOA" {print; exit}' "$GOOD")
if [ -n "$soa_sig" ]; then
	short=$(echo "$soa_sig" | awk '{ $NF="AA=="; print }')
	{ cat "$GOOD"; echo "$short"; } >"$TMP/shortsig.zone"
	expect "RRSIG with a 1-byte signature" 1 "$TMP/shortsig.zone"
	# 0-length signature: the same RRSIG in generic syntax (RFC 3597) without signature bytes
	/usr/bin/python3 - "$soa_sig" >"$TMP/zerosig.line" <<'PY'
import calendar, sys, time
f = sys.argv[1].split()  # owner ttl class RRSIG covered alg labels ottl exp inc tag signer sig
t = lambda v: calendar.timegm(time.strptime(v, "%Y%m%d%H%M%S"))
labels = [l for l in f[11].rstrip(".").split(".") if l]
signer = b"".join(bytes([len(l)]) + l.encode() for l in labels) + b"\0"
rd = (6).to_bytes(2, "big") + bytes([int(f[5]), int(f[6])]) + int(f[7]).to_bytes(4, "big")
rd += t(f[8]).to_bytes(4, "big") + t(f[9]).to_bytes(4, "big") + int(f[10]).to_bytes(2, "big")
rd += signer
print(f[0], f[1], f[2], "RRSIG \\# %d %s" % (len(rd), rd.hex()))
PY
	{ cat "$GOOD"; cat "$TMP/zerosig.line"; } >"$TMP/zerosig.zone"
	expect "RRSIG with a 0-length signature" 1 "$TMP/zerosig.zone"
	ok "0-length signature: rrsig.bogus says empty" grep -q "empty signature" "$TMP/out"
	big=$(head -c 4096 /dev/zero | base64 -w0)
	long=$(echo "$soa_sig" | awk -v b="$big" '{ $NF=b; print }')
	{ cat "$GOOD"; echo "$long"; } >"$TMP/longsig.zone"
	expect "RRSIG with a 4 KiB signature" 1 "$TMP/longsig.zone"
	ok "oversize signature: rrsig.bogus" grep -q "rrsig.bogus" "$TMP/out"
else
	skip "RRSIG signature length cases" "no one-line SOA RRSIG in $GOOD"
fi
# NSEC3 input of issue 3: clear finding naming the owner, exit 1, no crash
ldns-read-zone "$FX/good/alg15-bind-nsec3-optout.zone" >"$TMP/n3.zone"
o3=$(awk '$4=="SOA" {print $1; exit}' "$TMP/n3.zone")
h=0123456789abcdefghijklmnopqrstuv
{ cat "$TMP/n3.zone"; echo "$h.$o3 300 IN NSEC3 \# 28 01000000001400112233445566778899aabbccddeeff001122330000"; } >"$TMP/bm.zone"
expect "NSEC3 with malformed bitmap windows" 1 "$TMP/bm.zone"
ok "malformed bitmap: named with its owner" grep -q "$h.$o3 .*malformed type bitmap" "$TMP/out"
{ cat "$TMP/n3.zone"; echo "not-base32-at-all.$o3 300 IN NSEC3 1 0 0 - $h A"; } >"$TMP/b32.zone"
expect "NSEC3 owner not base32hex" 1 "$TMP/b32.zone"
ok "bad owner label: nsec3.malformed names it" grep -q "not-base32-at-all.$o3 .*base32hex" "$TMP/out"
{ cat "$TMP/n3.zone"; echo "0123456789.$o3 300 IN NSEC3 1 0 0 - $h A"; } >"$TMP/len.zone"
expect "NSEC3 owner of the wrong length" 1 "$TMP/len.zone"
ok "short owner label: nsec3.malformed" grep -q "nsec3.malformed" "$TMP/out"
sed -E 's/(NSEC3PARAM[[:space:]]+)1 /\12 /' "$TMP/n3.zone" >"$TMP/alg.zone"
expect "unknown NSEC3 hash algorithm" 1 "$TMP/alg.zone"
ok "unknown hash algorithm: nsec3.param" grep -q "unknown NSEC3 hash algorithm 2" "$TMP/out"
{ cat "$TMP/n3.zone"; echo "$h.elsewhere.example. 300 IN NSEC3 1 0 0 - $h A"; } >"$TMP/out3.zone"
expect "NSEC3 owner outside the zone" 1 "$TMP/out3.zone"
ok "outside owner: zone.out-of-zone names it" grep -q "$h.elsewhere.example. .*not under the origin" "$TMP/out"
expect "bad --time" 2 "$GOOD" --time yesterday
expect "missing --ds file" 2 "$GOOD" --ds "$TMP/none.ds"
printf 'expires-soon: 7d\nbogus-key: 1\n' >"$TMP/pol.yaml"
expect "unknown policy key" 2 "$GOOD" --policy "$TMP/pol.yaml"
ok "unknown policy key: names file:line" grep -q "pol.yaml:2:" "$TMP/err"
done_testing
