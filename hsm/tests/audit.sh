#!/usr/bin/env bash
# audit.sh -- `zonegate hsm audit` on real SoftHSM2 tokens: a clean token, three same-tag pairs
# with one published, two tokens with different keys for one tag, --probe on a mispaired token,
# a published key without its private key, --key-filter.
set -u
. "$SOURCE_ROOT/tests/lib.sh"
. "$(dirname "$0")/lib-hsm.sh"
require softhsm2-util jq python3 "$SOFTHSM_MODULE" "$ZONEGATE" "$P11TOOL"

# finding_ids DIR ID: the object ids of the findings with that id, sorted, one line
finding_ids() {
	jq -r --arg id "$2" '[.findings[] | select(.id == $id) | .object_id] | sort | join(" ")' \
		"$1/out"
}
sorted() { tr ' ' '\n' <<<"$*" | sort | tr '\n' ' ' | sed 's/ $//'; }

# --- a clean token: P-256 KSK and ZSK, P-384, RSA-2048 and Ed25519, all published
D=$T_DIR/clean
hsm_token "$D" clean
{
	dnskey test. 257 "$(p11 "$D" clean gen ec256 'test. KSK')"
	dnskey test. 256 "$(p11 "$D" clean gen ec256 'test. ZSK')"
	dnskey test. 256 "$(p11 "$D" clean gen ec384 p384)"
	dnskey test. 256 "$(p11 "$D" clean gen rsa2048 rsa)"
	dnskey test. 256 "$(p11 "$D" clean gen ed25519 ed)"
} >"$D/dnskey"
ok "clean: five key pairs made in the token" test "$(grep -c DNSKEY "$D/dnskey")" -eq 5
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri clean)" --pin-file "$D/pin" --format json
ok "clean: exit 0" eq "$(rc_of "$D")" 0
ok "clean: verdict pass, no findings" jqe '.verdict == "pass" and (.findings | length) == 0' "$D/out"
ok "clean: every key pair matched to its DNSKEY (EC, RSA, Ed25519 encodings)" \
	jqe '[.tokens[0].keys[] | select(.published != null and .private)] | length == 5' "$D/out"
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri clean)" --pin-file "$D/pin" --probe \
	--format json
ok "clean --probe: exit 0, every key signs for its DNSKEY" \
	jqe '.verdict == "pass" and ([.tokens[0].keys[] | select(.probe == "ok")] | length == 5)' \
	"$D/out"
ok "clean --probe: exit 0" eq "$(rc_of "$D")" 0

# --- three key pairs sharing one tag, one of them published
D=$T_DIR/collide
hsm_token "$D" signer
ksk=$(p11 "$D" signer gen ec256 'test. KSK')
p11 "$D" signer collide 3 coll >"$D/coll"
ok "collision: three P-256 pairs share one tag" \
	test "$(awk '{print $2}' "$D/coll" | sort -u | wc -l)" -eq 1 -a "$(wc -l <"$D/coll")" -eq 3
mapfile -t C < <(awk '{print $1}' "$D/coll")
{
	dnskey test. 257 "$ksk"
	dnskey test. 256 "$(head -n1 "$D/coll")"
} >"$D/dnskey"
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri signer)" --pin-file "$D/pin" --format json
ok "collision: exit 1" eq "$(rc_of "$D")" 1
ok "collision: hsm.tag-collision names all three objects" \
	eq "$(finding_ids "$D" hsm.tag-collision)" "$(sorted "${C[@]}")"
ok "collision: hsm.unpublished-key names the two unpublished ones" \
	eq "$(finding_ids "$D" hsm.unpublished-key)" "$(sorted "${C[1]}" "${C[2]}")"
ok "collision: each tag-collision lists the other two" \
	jqe --arg a "${C[0]}" --arg b "${C[1]}" --arg c "${C[2]}" \
	'[.findings[] | select(.id == "hsm.tag-collision") | .reason
	  | select(contains($a) and contains($b) and contains($c))] | length == 3' "$D/out"
ok "collision: nothing else fires" \
	jqe '[.totals[].id] == ["hsm.tag-collision", "hsm.unpublished-key"]' "$D/out"
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri signer)" --pin-file "$D/pin" --probe \
	--format json
ok "collision --probe: hsm.probe-mismatch for both unpublished keys" \
	eq "$(finding_ids "$D" hsm.probe-mismatch)" "$(sorted "${C[1]}" "${C[2]}")"
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri signer)" --pin-file "$D/pin" \
	--key-filter 'test. *' --format json
ok "--key-filter: pairs outside it are not the signer's; the published one is missing" \
	jqe '[.totals[].id] == ["hsm.missing-private"] and .verdict == "pass"' "$D/out"
ok "--key-filter: exit 0 (warning only)" eq "$(rc_of "$D")" 0
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri signer)" --pin-file "$D/pin"
ok "collision, text report: blocked, every object by label and id" \
	bash -c "grep -q '^BLOCKED: hsm audit' '$D/out' && grep -q 'hsm.tag-collision (error) x3' '$D/out' \
	&& grep -q '${C[2]}' '$D/out'"

# --- two tokens holding different keys for one tag (DENIC's three HSMs, with two)
D=$T_DIR/cross
hsm_token "$D" hsm1
hsm_token "$D" hsm2
p11 "$D" hsm1 cross hsm2 shared >"$D/pair"
mapfile -t X < <(awk '{print $1}' "$D/pair")
dnskey test. 256 "$(head -n1 "$D/pair")" >"$D/dnskey"
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri hsm1)" --token "$(uri hsm2)" \
	--pin-file "$D/pin" --format json
ok "cross-token: exit 1" eq "$(rc_of "$D")" 1
ok "cross-token: hsm.cross-token-mismatch names the key in each token" \
	eq "$(finding_ids "$D" hsm.cross-token-mismatch)" "$(sorted "${X[@]}")"
ok "cross-token: findings say which token" \
	jqe '[.findings[] | select(.id == "hsm.cross-token-mismatch") | .token] | sort == ["hsm1", "hsm2"]' \
	"$D/out"
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri hsm1)" --pin-file "$D/pin" --format json
ok "cross-token: the first token alone is clean" eq "$(rc_of "$D")" 0

# --- --probe: the public object is the published key, the private key with its CKA_ID is not
D=$T_DIR/probe
hsm_token "$D" signer
{
	dnskey test. 257 "$(p11 "$D" signer gen ec256 'test. KSK')"
	dnskey test. 256 "$(p11 "$D" signer mispair 'test. ZSK' | tee "$D/a")"
} >"$D/dnskey"
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri signer)" --pin-file "$D/pin" --format json
ok "probe: without --probe the mispaired token looks clean (exit 0)" eq "$(rc_of "$D")" 0
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri signer)" --pin-file "$D/pin" --probe \
	--format json
ok "probe: with --probe exit 1" eq "$(rc_of "$D")" 1
ok "probe: hsm.probe-mismatch names the ZSK object and nothing else fires" \
	jqe --arg id "$(awk '{print $1}' "$D/a")" \
	'[.totals[].id] == ["hsm.probe-mismatch"] and .findings[0].object_id == $id
	 and .findings[0].label == "test. ZSK"' "$D/out"

# --- a published zone key whose private key is in no token
D=$T_DIR/missing
hsm_token "$D" signer
{
	dnskey test. 257 "$(p11 "$D" signer gen ec256 'test. KSK')"
	dnskey test. 256 "$(p11 "$D" signer pubonly 'test. ZSK')"
} >"$D/dnskey"
zg "$D" hsm audit --dnskey "$D/dnskey" --token "$(uri signer)" --pin-file "$D/pin" --format json
ok "missing-private: hsm.missing-private (warning), exit 0" \
	jqe '[.totals[] | .id + ":" + .severity] == ["hsm.missing-private:warning"]' "$D/out"
ok "missing-private: exit 0" eq "$(rc_of "$D")" 0
ok "missing-private: the reason names the lone public object" \
	jqe '.findings[0].reason | contains("label '\''test. ZSK'\''") and contains("only a public key object")' \
	"$D/out"

ok "no output of any run contained the PIN" bash -c "! grep -qF -- '$HSM_PIN' '$T_LOG'"
done_testing
