#!/usr/bin/env bash
# errors.sh -- `zonegate hsm audit` and `verify --hsm-token` that cannot audit: wrong PIN (from a
# file and in the URI), missing module, unknown token label, a module whose C_Initialize fails or
# crashes, no PIN. Each: exit 2, one line on stderr, nothing on stdout, the PIN in no output. And
# a pin-value given on the command line is gone from /proc/PID/cmdline once zonegate runs.
set -u
. "$SOURCE_ROOT/tests/lib.sh"
. "$(dirname "$0")/lib-hsm.sh"
require softhsm2-util jq "$SOFTHSM_MODULE" "$ZONEGATE" "$P11TOOL" "$FAKE_P11"

D=$T_DIR/e
hsm_token "$D" signer
dnskey test. 257 "$(p11 "$D" signer gen ec256 'test. KSK')" >"$D/dnskey"
WRONG="wrong-$HSM_PIN" # contains the real PIN too: neither may show
printf '%s\n' "$WRONG" >"$D/wrongpin"

# fails DESC PATTERN ARGS...: zonegate exits 2, one stderr line matching PATTERN, empty stdout,
# neither PIN in any output
fails() {
	local desc=$1 pat=$2
	shift 2
	zg "$D" "$@"
	ok "$desc: exit 2" eq "$(rc_of "$D")" 2
	ok "$desc: one line on stderr, nothing on stdout" \
		test "$(wc -l <"$D/err")" -eq 1 -a ! -s "$D/out"
	ok "$desc: says why ($pat)" grep -q -- "$pat" "$D/err"
	ok "$desc: no PIN in the output" \
		bash -c "! grep -qF -e '$HSM_PIN' -e '$WRONG' '$D/out' '$D/err'"
}

audit=(hsm audit --dnskey "$D/dnskey")
fails "wrong PIN from --pin-file" "login failed: CKR_PIN_INCORRECT" \
	"${audit[@]}" --token "$(uri signer)" --pin-file "$D/wrongpin"
fails "wrong PIN in the URI (pin-value)" "login failed: CKR_PIN_INCORRECT" \
	"${audit[@]}" --token "pkcs11:token=signer;pin-value=$WRONG $SOFTHSM_MODULE"
fails "missing module" "cannot load PKCS#11 module" \
	"${audit[@]}" --token "pkcs11:token=signer $T_DIR/no-such-module.so" --pin-file "$D/pin"
fails "unknown token label" "no token matches (tokens present: 'signer')" \
	"${audit[@]}" --token "pkcs11:token=nosuchtoken;pin-value=$HSM_PIN $SOFTHSM_MODULE"
ok "unknown token label: the URI is shown with the PIN redacted" \
	grep -qF "pin-value=***" "$D/err"
fails "no PIN at all" "needs a PIN" "${audit[@]}" --token "$(uri signer)"
ZG_FAKE_P11=error fails "module whose C_Initialize fails" "C_Initialize failed: CKR_GENERAL_ERROR" \
	"${audit[@]}" --token "pkcs11:token=x $FAKE_P11" --pin-file "$D/pin"
ZG_FAKE_P11=crash fails "module that crashes in C_Initialize" "crashed in C_Initialize" \
	"${audit[@]}" --token "pkcs11:token=x $FAKE_P11" --pin-file "$D/pin"
fails "unparsable URI" "not a PKCS#11 URI" "${audit[@]}" --token "token=signer" --pin-file "$D/pin"

# pin-value on the command line is scrubbed from argv at start-up (/proc/PID/cmdline, ps)
SOFTHSM2_CONF="$D/softhsm2.conf" ZG_FAKE_P11=slow "$ZONEGATE" "${audit[@]}" \
	--token "pkcs11:token=x;pin-value=$HSM_PIN $FAKE_P11" >"$D/out" 2>"$D/err" &
zpid=$!
scrubbed() { tr '\0' ' ' <"/proc/$zpid/cmdline" | grep -qF 'pin-value=****'; }
ok "argv: pin-value is overwritten in /proc/PID/cmdline while the module initialises" \
	wait_until 5 scrubbed
ok "argv: the PIN is not in /proc/PID/cmdline" \
	bash -c "! tr '\\0' ' ' </proc/$zpid/cmdline | grep -qF -- '$HSM_PIN'"
wait "$zpid"
ok "argv: then exit 2 (C_Initialize failed)" eq "$?" 2

# the same through verify --hsm-token (the zone itself is fine: the token is the problem)
cat >"$D/zone" <<EOF
test. 300 IN SOA ns1.test. hostmaster.test. 1 60 30 3600 300
test. 300 IN NS ns1.test.
ns1.test. 300 IN A 192.0.2.1
EOF
fails "verify --hsm-token, wrong PIN" "login failed: CKR_PIN_INCORRECT" \
	verify --hsm-token "pkcs11:token=signer;pin-value=$WRONG $SOFTHSM_MODULE" "$D/zone"
fails "verify --hsm-token, unknown token label" "no token matches" \
	verify --hsm-token "$(uri nosuchtoken)" --pin-file "$D/pin" "$D/zone"

zg "$D" "${audit[@]}" --token "$(uri signer)" --pin-file "$D/wrongpin" --format json
ok "--format json: the error is a JSON object too, exit 2" \
	jqe '.verdict == "unverified" and (.error.message | contains("CKR_PIN_INCORRECT"))' "$D/out"
ok "--format json: no PIN in it" no_pin "$D"
done_testing
