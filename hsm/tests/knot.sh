#!/usr/bin/env bash
# knot.sh ecdsa|rsa -- DENIC's 33834 made by a real signer: knotd 3.2 with its PKCS#11 keystore
# on SoftHSM2 signs test. with a key pair that shares the published ZSK's tag but is never
# published (Knot's "active+" state). `zonegate verify --hsm-token` must attribute the bogus
# signatures to that key's CKA_LABEL and CKA_ID, and `zonegate hsm audit` must see it coming.
#   ecdsa: three P-256 pairs with one tag made in the token, A published (retired), B signing,
#          C dormant; the original ZSK is deleted
#   rsa:   RSA-2048 (algorithm 8); B is made to have the tag of Knot's own ZSK (published, retired)
set -u
. "$SOURCE_ROOT/tests/lib.sh"
. "$(dirname "$0")/lib-hsm.sh"
MODE=${1:?usage: knot.sh ecdsa|rsa}
require knotd knotc keymgr kdig softhsm2-util jq python3 "$SOFTHSM_MODULE" "$ZONEGATE" "$P11TOOL"

S=$T_DIR/signer
H=$T_DIR/hsm
PORT=$(free_port)
ALG=$([ "$MODE" = rsa ] && echo RSASHA256 || echo ECDSAP256SHA256)
KEYARGS=(algorithm="$ALG")
[ "$MODE" = rsa ] && KEYARGS+=(size=2048)
hsm_token "$H" signer
export SOFTHSM2_CONF=$H/softhsm2.conf
mkdir -p "$S/zones" "$S/db" "$S/run"
cat >"$S/zones/test.zone" <<'EOF'
$ORIGIN test.
$TTL 300
@       SOA  ns1 hostmaster 2026112301 60 30 3600 300
@       NS   ns1
ns1     A    127.0.0.1
www     A    192.0.2.1
www     AAAA 2001:db8::1
mail    A    192.0.2.2
@       MX   10 mail
txt     TXT  "hello"
EOF
# Knot 3.2 takes the PIN only as pin-value in its config: the file is 0600, like the PIN file
(umask 077 && cat >"$S/knot.conf" <<EOF
server:
    rundir: "$S/run"
    listen: 127.0.0.1@$PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: info
database:
    storage: "$S/db"
control:
    listen: "$S/run/knot.sock"
acl:
  - id: xfr
    address: 127.0.0.1
    action: transfer
keystore:
  - id: hsm
    backend: pkcs11
    config: "pkcs11:token=signer;pin-value=$HSM_PIN $SOFTHSM_MODULE"
    key-label: on
policy:
  - id: pol
    keystore: hsm
    manual: on
    algorithm: $ALG
    nsec3: on
    nsec3-iterations: 0
    nsec3-salt-length: 0
    rrsig-lifetime: 14d
    rrsig-refresh: 7d
zone:
  - domain: test.
    storage: "$S/zones"
    file: "test.zone"
    zonefile-sync: -1
    zonefile-load: difference-no-serial
    journal-content: all
    serial-policy: increment
    dnssec-signing: on
    dnssec-policy: pol
    acl: [ xfr ]
EOF
)
KM=(keymgr -c "$S/knot.conf" test.)
ok "knot: KSK and ZSK generated in the token by keymgr" bash -c "
	$(declare -p KM KEYARGS)
	\"\${KM[@]}\" generate \"\${KEYARGS[@]}\" ksk=yes zsk=no publish=-1h ready=-1h active=-1h &&
	\"\${KM[@]}\" generate \"\${KEYARGS[@]}\" ksk=no zsk=yes publish=-1h active=-1h"

signed_soa() {
	kdig @127.0.0.1 -p "$PORT" test. SOA +tcp +dnssec +time=1 +retry=0 | grep -q 'RRSIG.*SOA'
}
serial() {
	kdig @127.0.0.1 -p "$PORT" test. SOA +tcp +short +time=1 +retry=0 | awk '{print $3}'
}
axfr() { # without comments and blank lines (no TSIG here, so no TSIG pseudo-record)
	kdig @127.0.0.1 -p "$PORT" test. AXFR +tcp +time=2 | grep -v -e '^;' -e '^$' >"$1"
}

setsid knotd -c "$S/knot.conf" >"$S/knotd.log" 2>&1 </dev/null &
echo $! >"$S/knotd.pid"
HSM_PIDFILES+=("$S/knotd.pid")
ok "knot: knotd serves a signed test. within 20 s" wait_until 20 signed_soa
axfr "$S/clean.zone"
ok "knot: AXFR of the clean zone" grep -q RRSIG "$S/clean.zone"

# --- before the fault: the audit of the signer's token against what it serves is clean
TOKEN=$(uri signer)
zg "$H" hsm audit --zone "$S/clean.zone" --token "$TOKEN" --pin-file "$H/pin" --probe --format json
ok "clean: hsm audit --probe of knotd's token exits 0" eq "$(rc_of "$H")" 0
ok "clean: both keys matched to the DNSKEYs knotd built, probes ok" \
	jqe '[.tokens[0].keys[] | select(.published != null and .probe == "ok")] | length == 2' "$H/out"
zg "$H" verify --hsm-token "$TOKEN" --pin-file "$H/pin" "$S/clean.zone"
ok "clean: verify --hsm-token exits 0" eq "$(rc_of "$H")" 0

# --- the fault
ZSK=$("${KM[@]}" list | awk '$3 == "ZSK" {print $1, $2; exit}')
read -r A_ID TAG <<<"$ZSK"
if [ "$MODE" = rsa ]; then
	p11 "$H" signer rsatag "$TAG" 'test. ZSK B' >"$S/keys"
	B_ID=$(awk '{print $1}' "$S/keys")
	REST=()
else
	p11 "$H" signer collide 3 'test. ZSK' >"$S/keys"
	mapfile -t K < <(awk '{print $1}' "$S/keys")
	TAG=$(awk '{print $2; exit}' "$S/keys")
	"${KM[@]}" import-pkcs11 "${K[0]}" "${KEYARGS[@]}" ksk=no zsk=yes publish=-2h active=-2h \
		>>"$T_LOG" 2>&1
	"${KM[@]}" delete "id=$A_ID" >>"$T_LOG" 2>&1 # the original ZSK leaves KASP and token
	A_ID=${K[0]}
	B_ID=${K[1]}
	REST=("${K[2]}")
fi
ok "fault: a key pair with the published ZSK's tag $TAG is in the token" \
	test -n "$B_ID" -a "$(awk '{print $2}' "$S/keys" | sort -u)" = "$TAG"
# B signs everything but DNSKEY and is never published; A stays published but stops signing
ok "fault: keymgr makes B active+ and retires A" bash -c "
	$(declare -p KM KEYARGS REST)
	\"\${KM[@]}\" import-pkcs11 $B_ID \"\${KEYARGS[@]}\" ksk=no zsk=yes pre_active=-1h \
		publish=+10y active=+10y &&
	for r in \"\${REST[@]}\"; do \"\${KM[@]}\" import-pkcs11 \$r \"\${KEYARGS[@]}\" ksk=no \
		zsk=yes publish=0 active=0 || exit 1; done &&
	\"\${KM[@]}\" set id=$A_ID retire=-1mi"
old=$(serial)
# -b: return when the event is done (zone-sign may find the zone already re-signed: +1 or +2)
knotc -c "$S/knot.conf" -b zone-keys-load test. >>"$T_LOG" 2>&1
knotc -c "$S/knot.conf" -b zone-sign test. >>"$T_LOG" 2>&1
ok "fault: knotd re-signed test. with B (serial above $old within 20 s)" \
	wait_until 20 bash -c "[ \"\$(kdig @127.0.0.1 -p $PORT test. SOA +tcp +short | awk '{print \$3}')\" -gt $old ]"
axfr "$S/bad.zone"

# --- attribution: the bogus signatures were made by B, named by label and CKA_ID
zg "$H" verify --hsm-token "$TOKEN" --pin-file "$H/pin" --format json "$S/bad.zone"
ok "verify: exit 1 (blocked)" eq "$(rc_of "$H")" 1
ok "verify: signatures with tag $TAG are bogus" \
	jqe --argjson t "$TAG" '.diagnosis[] | select(.key_tag == $t and .bogus > 0)' "$H/out"
ok "verify: the bogus ones are attributed to B by token, label and CKA_ID" \
	jqe --argjson t "$TAG" --arg id "$B_ID" '[.diagnosis[] | select(.key_tag == $t) | .makers[]
	  | select(.signatures > 0 and (.source | contains("token '\''signer'\''")
	           and contains("label '\''test. ZSK") and contains("id " + $id)))] | length == 1' \
	"$H/out"
ok "verify: every bogus signature is attributed (none left over)" \
	jqe --argjson t "$TAG" '.diagnosis[] | select(.key_tag == $t) | .unattributed == 0' "$H/out"
ok "verify: no signature is blamed on the published key A" \
	jqe --arg id "$A_ID" '[.diagnosis[].makers[] | select(.source | contains($id))] | length == 0' \
	"$H/out"
zg "$H" verify --hsm-token "$TOKEN" --pin-file "$H/pin" "$S/bad.zone"
ok "verify, text report: B's id in the diagnosis" grep -q "id $B_ID" "$H/out"

# --- the audit would have said so before the first signature
zg "$H" hsm audit --zone "$S/bad.zone" --token "$TOKEN" --pin-file "$H/pin" --probe --format json
ok "audit: exit 1" eq "$(rc_of "$H")" 1
ok "audit: B is an unpublished key with the published tag" \
	jqe --arg id "$B_ID" '.findings[] | select(.id == "hsm.unpublished-key" and .object_id == $id)
	  | .reason | contains("33834")' "$H/out"
ok "audit: B collides with A in the token" \
	jqe --arg id "$B_ID" '.findings[] | select(.id == "hsm.tag-collision" and .object_id == $id)' \
	"$H/out"
ok "audit --probe: B's signature does not verify with the published key" \
	jqe --arg id "$B_ID" '.findings[] | select(.id == "hsm.probe-mismatch" and .object_id == $id)' \
	"$H/out"
ok "the PIN appears in no zonegate output" bash -c "! grep -qF -- '$HSM_PIN' '$T_LOG'"
done_testing
