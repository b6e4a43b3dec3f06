#!/usr/bin/env bash
# publish.sh -- zonegate publish: a passing candidate is installed atomically (old one kept as
# .prev) and --then runs; a blocked or unverifiable one is quarantined with its report and the
# distribution file is not touched.
set -u
. "$(dirname "$0")/lib.sh"
ZG=${ZONEGATE:?} FX=${FIXTURES:?}
T=1798761600
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/dist" "$TMP/q"
D=$TMP/dist/test.zone
OLD=$FX/good/alg13-bind-nsec.prev NEW=$FX/good/alg13-bind-nsec.zone
pub() { "$ZG" publish --time "$T" --quarantine "$TMP/q" "$@" >"$TMP/out" 2>"$TMP/err"; }
same() { cmp -s "$1" "$2"; }

pub --zone "$OLD" --to "$D"
ok "first publication: exit 0" eq "$?" 0
ok "first publication: installed" same "$D" "$OLD"
pub --zone "$NEW" --to "$D" --then "touch $TMP/reloaded"
ok "next serial: exit 0" eq "$?" 0
ok "next serial: installed" same "$D" "$NEW"
ok "next serial: previous version kept as .prev" same "$D.prev" "$OLD"
ok "--then ran after the install" test -e "$TMP/reloaded"

pub --zone "$OLD" --to "$D"
ok "an older serial is blocked (exit 1)" eq "$?" 1
ok "blocked: distribution file untouched" same "$D" "$NEW"
ok "blocked: reason is zone.serial" grep -q "zone.serial" "$TMP/out"
q=$(ls "$TMP"/q/*.report.json 2>/dev/null | head -n 1)
ok "blocked: candidate and report quarantined" bash -c '[ -n "$1" ] && [ -f "${1%.report.json}" ]' _ "$q"
ok "blocked: quarantined report says blocked" jqe '.verdict == "blocked"' "${q:-/nonexistent}"

E=$TMP/dist/example.zone
pub --zone "$FX/good/alg8-ldns-nsec3-zonemd.zone" --to "$E"
ok "example.: good zone published" eq "$?" 0
pub --zone "$FX/bad/rrsig.bogus--33834.zone" --to "$E" --then "touch $TMP/must-not-run"
ok "the 33834 zone is blocked (exit 1)" eq "$?" 1
ok "33834: distribution file untouched" same "$E" "$FX/good/alg8-ldns-nsec3-zonemd.zone"
ok "33834: --then did not run" test ! -e "$TMP/must-not-run"
ok "33834: the output names rrsig.bogus" grep -q "rrsig.bogus" "$TMP/out"

pub --zone "$FX/broken/truncated.zone" --to "$E"
ok "an unparsable candidate: exit 2" eq "$?" 2
ok "unparsable: distribution file untouched" same "$E" "$FX/good/alg8-ldns-nsec3-zonemd.zone"

F=$TMP/dist/fail.zone
pub --zone "$OLD" --to "$F"
pub --zone "$NEW" --to "$F" --then "exit 7"
ok "a failing --then: exit 3" eq "$?" 3
ok "failing --then: the new version is installed" same "$F" "$NEW"
ok "failing --then: the old one is there for rollback" same "$F.prev" "$OLD"
ok "failing --then: said on stderr" grep -q "then command failed" "$TMP/err"
# a failing --then pages (class distribution) with --alert-config; the next pass resolves it
cat >"$TMP/alert.yaml" <<YAML
alerting:
  spool: $TMP/spool
  deliver: spool-only
  routes:
    - name: am
      kind: alertmanager
      url: http://127.0.0.1:9
YAML
# the spooled messages (deliver: spool-only: nothing is sent), oldest first
events() { cat "$TMP"/spool/out/*.json 2>/dev/null | jq -sc 'sort_by(.created_ms) | map(.event | [.event, .class, .verdict, .error.id]) | add'; }
A=$TMP/dist/alerted.zone
pub --zone "$OLD" --to "$A" --alert-config "$TMP/alert.yaml"
pub --zone "$NEW" --to "$A" --then "echo reload refused; exit 4" --alert-config "$TMP/alert.yaml"
ok "failing --then with --alert-config: exit 3" eq "$?" 3
ok "... one open alert of class distribution (publish.then, the version passed)" \
	eq "$(events)" '["open","distribution","pass","publish.then"]'
ok "... its summary names the command's status and output" \
	jqe '.event.summary | test("distribution failed .*status 4: reload refused")' "$(ls "$TMP"/spool/out/*.json | head -n 1)"
pub --zone "$FX/good/alg13-bind-nsec.zone" --to "$A" --then true --alert-config "$TMP/alert.yaml" --prev "$OLD"
ok "the next pass with a working --then resolves it" \
	eq "$(events)" '["open","distribution","pass","publish.then","resolve","distribution","pass",null]'
pub --zone "$NEW" --to "$TMP/no-such-dir/x.zone"
ok "an uninstallable target: exit 2" eq "$?" 2
done_testing
