#!/usr/bin/env bash
# publish-state.sh -- zonegate publish --state DIR: the key history of DIR/gate.db gives the
# rollover.* checks real timing in a file pipeline. A ZSK rollover done too fast (the new key signs
# 60 s after it was first published, the old one goes right after it stopped signing) is blocked;
# the same versions without --state pass, and with enough time they pass with it. A missing or
# corrupt database next to a published file is an error, never a fresh start.
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$FX/lib.sh" # zone_text, keygen, bind_sign (dnssec-signzone); its T is the evaluation time
O=roll.test.
K=$(keygen "$W/k" "$O" ECDSAP256SHA256 KSK)
A=$(keygen "$W/a" "$O" ECDSAP256SHA256)
Z=$(keygen "$W/z" "$O" ECDSAP256SHA256)
# version N SERIAL "PUBLISHED-ONLY KEYS" SIGNING-KEYS...
version() {
	local out=$W/v$1.zone serial=$2 extra=$3 k
	shift 3
	{ zone_text "$O" "$serial" 4; for k in $extra; do dnskey_of "$k"; done; } >"$W/in.zone"
	bind_sign "$out" "$W/in.zone" "$O" -O full -- "$@"
}
version 1 2027010100 "" "$K" "$A"    # A signs
version 2 2027010101 "$Z" "$K" "$A"  # Z published
version 3 2027010102 "$A" "$K" "$Z"  # Z signs, A still published
version 4 2027010103 "" "$K" "$Z"    # A removed
for v in 1 2 3 4; do
	[ -s "$W/v$v.zone" ] || { echo "Bail out! dnssec-signzone made no version $v"; exit 1; }
done
mkdir -p "$W/dist" "$W/q"
D=$W/dist/roll.zone S=$W/state
pub() { # pub DIST SECONDS-AFTER-T VERSION [options]: publish, output in $W/out, $W/err
	local d=$1 at=$(($T + $2)) v=$3
	shift 3
	"$ZG" publish --time "$at" --quarantine "$W/q" --zone "$W/v$v.zone" --to "$d" "$@" \
		>"$W/out" 2>"$W/err"
}
db() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$S/gate.db" "$1"; }

pub "$D" 0 1 --state "$S"
ok "v1 published with --state (exit 0)" eq "$?" 0
ok "... the state database is created" test -s "$S/gate.db"
pub "$D" 60 2 --state "$S"
ok "v2 (ZSK Z published) published 60 s later" eq "$?" 0
pub "$D" 120 3 --state "$S"
ok "v3 (Z signs 60 s after it was first published) is blocked (exit 1)" eq "$?" 1
ok "... with rollover.unpublished-signer" grep -q "rollover.unpublished-signer" "$W/out"
ok "... naming how long ago Z was first published" grep -qE "first published [0-9]+ s ago" "$W/out"
ok "... the distribution file keeps v2" cmp -s "$D" "$W/v2.zone"
ok "... the state records the block" eq "$(db "SELECT count(*) FROM versions WHERE verdict = 'blocked' AND serial = 2027010102")" 1

# the same versions at the same times without --state: only 'published in the previous file'
D2=$W/dist/nostate.zone
pub "$D2" 0 1 && pub "$D2" 60 2 && pub "$D2" 120 3
ok "without --state the same v3 passes (published in the previous version)" eq "$?" 0

# DNSKEY TTL 3600 + propagation delay 1h after Z was published at T+60
pub "$D" 7300 3 --state "$S"
ok "v3 passes once Z was published for DNSKEY TTL + propagation delay" eq "$?" 0
ok "... installed" cmp -s "$D" "$W/v3.zone"
ok "... the state's served serial is v3's" eq "$(db "SELECT serial FROM served")" 2027010102
pub "$D" 7360 4 --state "$S"
ok "v4 (A removed 60 s after it stopped signing) is blocked (exit 1)" eq "$?" 1
ok "... with rollover.removed-too-early" grep -q "rollover.removed-too-early" "$W/out"
ok "... the distribution file keeps v3" cmp -s "$D" "$W/v3.zone"
# max TTL 86400 + propagation delay 1h after A stopped signing (v3 served at T+7300)
pub "$D" $((7300 + 86400 + 3600 + 60)) 4 --state "$S"
ok "v4 passes once max TTL + propagation delay have passed" eq "$?" 0
ok "... installed" cmp -s "$D" "$W/v4.zone"
tag() { local b=${1##*+}; echo $((10#$b)); }
ok "the key history: A removed, Z the one key signing data (the KSK signs only DNSKEY)" \
	eq "$(db "SELECT group_concat(keytag) FROM keys WHERE removed > 0") $(db "SELECT group_concat(keytag) FROM keys WHERE signing = 1")" "$(tag "$A") $(tag "$Z")"

# a published file without its state: an error, not a fresh start
pub "$D2" 7300 4 --state "$W/state2"
ok "--state with a published file but no gate.db: exit 2" eq "$?" 2
ok "... one line saying the database is missing and how to adopt" \
	grep -q "state database .*/state2/gate.db is missing.*--init" "$W/err"
ok "... the distribution file untouched" cmp -s "$D2" "$W/v3.zone"
pub "$D2" 7300 4 --state "$W/state2" --init
ok "--init adopts the published file (v4 then passes: A stopped signing before the history)" eq "$?" 0
ok "... and writes the database" test -s "$W/state2/gate.db"
S=$W/state2
ok "... recording v4 as served" eq "$(db "SELECT serial FROM served")" 2027010103
printf 'not a database, 40 bytes of plain text..' >"$W/state2/gate.db"
pub "$D2" 7400 4 --state "$W/state2"
ok "a corrupt gate.db: exit 2" eq "$?" 2
ok "... in one line naming the database" \
	bash -c '[ "$(grep -c . "$1")" -ge 1 ] && grep -q "state2/gate.db" "$1"' _ "$W/err"
ok "... the distribution file untouched" cmp -s "$D2" "$W/v4.zone"
"$ZG" publish --zone "$W/v1.zone" --to "$W/dist/x.zone" --init >/dev/null 2>"$W/err"
ok "--init without --state: exit 2" eq "$?" 2
"$ZG" verify --state "$S" "$W/v1.zone" >/dev/null 2>"$W/err"
ok "verify refuses --state (publish only)" eq "$?" 2
done_testing
