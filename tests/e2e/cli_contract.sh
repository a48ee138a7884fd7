#!/usr/bin/env bash
# The command line's contract (sync/src/cli/README.md), command by command, in one process tree:
#  - every --json output is one valid JSON document (python3 json), a non-UTF-8 file name included
#    (its text escaped, its exact bytes in file_bytes);
#  - the exit-code table: 0 done, 1 failure, 2 usage (unknown option, unknown command, a malformed
#    typed value, a group without a command), 3 not found — for every command;
#  - every command's --help lists its options and the exit codes; help CMD, -V, the man page and
#    bash completion;
#  - the default coordinator directory ($EMBASSY_COORD_DIR), coord passwd and coord log;
#  - messages: each path once, a damaged registry in one line, plural forms.
# Usage: cli_contract.sh EMBASSY_SYNC SOURCE_DIR
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2
. "$SOURCE_DIR/tests/e2e/common.sh"
coordinator_workdir embassy-cli-contract   # cd there; coord/, coord.pass, coordinator.pub, demo.pack
C=(--dir coord --passphrase-file coord.pass)

# json FILE [PYTHON-EXPR]: FILE is one JSON document (bound to j); the expression, if any, is true.
json() {
  python3 - "$1" "${2:-True}" <<'PY' || fail "$1: not the JSON expected: $(head -c 600 "$1")"
import json, sys
text = open(sys.argv[1], 'rb').read().decode('utf-8')
assert text.endswith('\n') and text.count('\n') == 1, 'one line'
j = json.loads(text)
assert eval(sys.argv[2]), sys.argv[2]
PY
}
# rc_is CODE CMD...: CMD exits with CODE (its output in out, err).
rc_is() {
  local want=$1 rc=0
  shift
  "$@" >out 2>err || rc=$?
  [ "$rc" = "$want" ] || fail "exit $rc, not $want: $* -- $(cat out err | head -c 600)"
}

# [1] Every command: --help exits 0 and names its options and the exit codes; an unknown option
# and an unknown command exit 2, like a group without a command.
"$SYNC" --help-all > all.txt
mapfile -t CMDS < <(sed -n 's/^\(embassy-sync \(kiosk\|coord\) [a-z-]*\):$/\1/p; s/^\(embassy-sync \(verify-receipt\|simulate-batches\)\):$/\1/p' all.txt)
[ "${#CMDS[@]}" -ge 25 ] || fail "only ${#CMDS[@]} commands in --help-all"
for cmd in "${CMDS[@]}"; do
  read -r -a words <<<"${cmd#embassy-sync }"
  rc_is 0 "$SYNC" "${words[@]}" --help
  grep -q '^Exit codes' out || fail "$cmd --help has no exit codes"
  grep -q '^  2  usage' out || fail "$cmd --help: no usage line in the table"
  grep -q -- '--help' out || fail "$cmd --help lists no options"
  "$SYNC" help "${words[@]}" > out2 || fail "help $cmd"
  cmp -s out out2 || fail "'help $cmd' differs from '$cmd --help'"
  rc_is 2 "$SYNC" "${words[@]}" --no-such-option
  grep -q "see '$cmd --help'" err || fail "$cmd: the usage error does not point at its help: $(cat err)"
done
grep -q -- '--dir DIR' <("$SYNC" coord import --help) || fail "coord import --help has no --dir"
grep -q -- '--kiosks INT.*=1' <("$SYNC" simulate-batches --help) || fail "simulate-batches --help shows no default"
rc_is 2 "$SYNC"
rc_is 2 "$SYNC" coord
grep -q '^  import ' out || fail "'embassy-sync coord' does not list the coord commands: $(cat out)"
rc_is 2 "$SYNC" kiosk
rc_is 2 "$SYNC" no-such-command
rc_is 2 "$SYNC" coord no-such-command
rc_is 2 "$SYNC" --no-such-option
rc_is 2 "$SYNC" help coord no-such-command
rc_is 0 "$SYNC" help coord
rc_is 0 "$SYNC" -V
grep -qx 'embassy-sync [0-9.]*' out || fail "-V: $(cat out)"
# Typed values: a malformed number is a usage error before anything runs, not a 0.
rc_is 2 "$SYNC" simulate-batches --seed abc --coordinator coordinator.pub --pack demo.pack --out x
rc_is 2 "$SYNC" simulate-batches --seed -1 --coordinator coordinator.pub --pack demo.pack --out x
rc_is 2 "$SYNC" simulate-batches --kiosks 0 --coordinator coordinator.pub --pack demo.pack --out x
rc_is 2 "$SYNC" kiosk simulate --data-dir k --count 1x
rc_is 2 "$SYNC" coord import "${C[@]}"   # no PATH
[ ! -e x ] || fail "a usage error still ran simulate-batches"

# [2] --json on every command that reports something, exit codes on the way.
"$SYNC" simulate-batches --kiosks 2 --records 4 --batches 2 --coordinator coordinator.pub --pack demo.pack \
        --out batches --seed 7 --quiet --json > sim.json
json sim.json 'len(j["kiosks"]) == 2 and len(j["kiosks"][0]["batches"]) == 2 and j["seed"] == 7'
K1=$(python3 -c 'import json,sys; print(json.load(open("sim.json"))["kiosks"][0]["fingerprint"])')
K2=$(python3 -c 'import json,sys; print(json.load(open("sim.json"))["kiosks"][1]["fingerprint"])')
mkdir stick
cp batches/*.embatch stick/
# A file name that is not UTF-8 (a byte 0xFF) and one with a control character: JSON stays valid.
printf 'junk' > "stick/bad$(printf '\377')name.embatch"
printf 'junk' > "stick/esc$(printf '\033')name.embatch"
rc_is 1 "$SYNC" coord import "${C[@]}" --json stick    # unknown kiosks are held; the junk is rejected
cp out imp1.json
json imp1.json 'j["rejected"] == 6 and sum("held for enrollment" in b["reason"] for b in j["batches"]) == 4'
json imp1.json 'any(b.get("file_bytes") == b"bad\xffname.embatch".hex() and b["file"] == "bad\\xFFname.embatch" for b in j["batches"])'
json imp1.json 'any(b.get("file_bytes") == b"esc\x1bname.embatch".hex() for b in j["batches"])'
json imp1.json 'all("file_bytes" not in b for b in j["batches"] if b["status"] != "rejected")'
rm stick/bad* stick/esc*
rc_is 3 "$SYNC" coord enroll "${C[@]}" --kiosk-key "0000 0000 0000 0000 0000" --json   # no batch held of it
rc_is 0 "$SYNC" coord enroll "${C[@]}" --kiosk-key "$K1" --json
json out 'j["held_imported"] == 2 and len(j["batches"]) == 2'
rc_is 0 "$SYNC" coord enroll "${C[@]}" --kiosk-key "batches/$(echo "$K2" | tr -d ' ').kiosk-key" --json
json out 'j["held_imported"] == 0'   # by key file: its held batches come in with the next import
rc_is 0 "$SYNC" coord import "${C[@]}" --json stick
json out 'j["already_imported"] == 2 and j["accepted"] == 2'
rc_is 0 "$SYNC" coord check "${C[@]}" --json
json out 'j["batches"] == 4 and j["signatures"] == 8'
rc_is 0 "$SYNC" coord report "${C[@]}" --json
json out 'sum(a["received"] for a in j["appeals"]) >= 8 and len(j["kiosks"]) == 2'
rc_is 0 "$SYNC" coord export-signatories "${C[@]}" --appeal political-prisoners --csv s.csv --json
json out '"written" in j'
rc_is 0 "$SYNC" coord ack "${C[@]}" --kiosk "$K1" --out k1.ack --json
json out 'j["first_seq"] == 1 and j["last_seq"] == 2'
rc_is 0 "$SYNC" coord publish-receipts "${C[@]}" --out pub --json
json out 'j["tree_size"] == 8'
rc_is 2 "$SYNC" verify-receipt --published pub 0000-0000-0000-0000-0   # no --coordinator: usage
grep -q 'needs --coordinator' err || fail "verify-receipt without --coordinator: $(cat err)"
rc_is 2 "$SYNC" verify-receipt --published pub --coordinator coordinator.pub 0000-0000-0000-0000-0   # not a receipt code: usage
grep -q 'receipt code' err || fail "verify-receipt with a malformed code: $(cat err)"
# A kiosk of our own for the kiosk commands and a real receipt code.
printf 'kiosk test passphrase\n' > k.pass
K=(--data-dir kiosk --passphrase-file k.pass)
"$SYNC" kiosk init "${K[@]}" --coordinator coordinator.pub >/dev/null
"$SYNC" kiosk load-pack "${K[@]}" demo.pack > out
grep -qE "with ([02-9]|[0-9][0-9]+) appeals$|with 1 appeal$" out || fail "load-pack: $(cat out)"
CODE=$("$SYNC" kiosk simulate "${K[@]}" --count 1 --seed 3)
# A second kiosk's receipt: well formed, and in no list, on no other kiosk, in no registry.
printf 'kiosk test passphrase\n' > k2.pass
"$SYNC" kiosk init --data-dir kiosk2 --passphrase-file k2.pass --coordinator coordinator.pub >/dev/null
"$SYNC" kiosk load-pack --data-dir kiosk2 --passphrase-file k2.pass demo.pack >/dev/null
OTHER=$("$SYNC" kiosk simulate --data-dir kiosk2 --passphrase-file k2.pass --count 1 --seed 4)
rc_is 3 "$SYNC" verify-receipt --published pub --coordinator coordinator.pub --json "$OTHER"
json out 'j["counted"] is False and j["tree_size"] == 8'
rc_is 0 "$SYNC" kiosk info "${K[@]}" --json
json out 'j["signatures"] == 1 and len(j["public_key"]) == 64'
python3 -c 'import json; print(json.load(open("out"))["public_key"])' > kiosk.pubkey
rc_is 0 "$SYNC" kiosk verify-receipt "${K[@]}" --json "$CODE"
json out 'j["found"] is True'
rc_is 3 "$SYNC" kiosk verify-receipt "${K[@]}" --json "$OTHER"
json out 'j["found"] is False'
rc_is 0 "$SYNC" kiosk check "${K[@]}" --json
json out 'j["log_entries"] == 1 and j["log_unexported"] == 1'
mkdir usb
rc_is 0 "$SYNC" kiosk export "${K[@]}" --out usb --quiet --json
json out 'j["wrote"] is True and j["seq"] == 1 and j["signatures"] == 1'
rc_is 0 "$SYNC" kiosk export "${K[@]}" --out usb --quiet
grep -q 'nothing new' out || fail "second export: $(cat out)"
rc_is 0 "$SYNC" coord enroll "${C[@]}" --kiosk-key kiosk.pubkey
rc_is 0 "$SYNC" coord import "${C[@]}" --quiet usb
grep -q '1 accepted.*; 1 signature (0 duplicates)' out || fail "plural forms: $(cat out)"
KFP=$(python3 -c 'import json; print(json.load(open("/dev/stdin"))["fingerprint"])' < <("$SYNC" kiosk info "${K[@]}" --json))
"$SYNC" coord ack "${C[@]}" --kiosk "$KFP" --out k.ack >/dev/null
rc_is 0 "$SYNC" kiosk apply-ack "${K[@]}" --json k.ack
json out 'j["batches"] == 1 and j["purged"] == 1'
rc_is 0 "$SYNC" coord withdraw "${C[@]}" --json "$CODE"
json out 'j["outcome"] == "withdrawn"'
rc_is 3 "$SYNC" coord withdraw "${C[@]}" --json "$OTHER"
json out 'j["outcome"] == "not_found"'
rc_is 0 "$SYNC" coord check "${C[@]}"
grep -q '(5 batches, 9 signatures' out || fail "check: $(cat out)"

# [3] The audit log: imports, enrollments, acks, withdrawals; counts and fingerprints only.
rc_is 0 "$SYNC" coord log "${C[@]}" --json
json out '[e["kind"] for e in j["entries"]].count("enroll") == 3 and {"import", "ack", "withdraw"} <= {e["kind"] for e in j["entries"]}'
json out 'next(e for e in j["entries"] if e["kind"] == "import")["counts"]["rejected"] == 6'
rc_is 0 "$SYNC" coord log "${C[@]}" --last 1
grep -q 'withdraw' out && [ "$(wc -l < out)" = 1 ] || fail "coord log --last 1: $(cat out)"

# [4] The default directory, and coord passwd.
export EMBASSY_COORD_DIR=$W/coord
rc_is 0 "$SYNC" coord check --passphrase-file coord.pass
printf 'a new coordinator passphrase\n' > new.pass
rc_is 1 "$SYNC" coord passwd --passphrase-file new.pass --new-passphrase-file new.pass   # wrong current one
rc_is 0 "$SYNC" coord passwd --passphrase-file coord.pass --new-passphrase-file new.pass
rc_is 1 "$SYNC" coord check --passphrase-file coord.pass
rc_is 0 "$SYNC" coord log --passphrase-file new.pass
tail -1 out | grep -q passwd || fail "passwd not in the audit log: $(cat out)"
unset EMBASSY_COORD_DIR
XDG_DATA_HOME=$W/xdg rc_is 1 "$SYNC" coord check --passphrase-file new.pass
grep -qF "$W/xdg/embassy-coord: no coordinator identity here" err || fail "XDG default: $(cat err)"

# [5] Messages: each path once; a damaged registry in one line, nothing of SQLite's own.
rc_is 1 "$SYNC" coord public-identity --dir nodir --out x.pub
[ "$(grep -o 'nodir/identity.pub' err | wc -l)" = 1 ] || fail "the path twice: $(cat err)"
cp -r coord damaged
python3 - damaged/registry.db <<'PY'
import sys
with open(sys.argv[1], 'r+b') as f:
    f.seek(40000); f.write(b'\0' * 20000)
PY
rc=0; "$SYNC" coord check --dir damaged --passphrase-file new.pass >out 2>err || rc=$?
[ "$rc" = 1 ] || fail "damaged registry: exit $rc"
[ "$(wc -l < err)" = 1 ] || fail "damaged registry: more than one line: $(cat err)"
grep -q 'wrong key or damaged file' err || fail "damaged registry: $(cat err)"
if grep -qiE 'sqlcipher|SELECT|hmac|pgno' err; then fail "SQLite's own words reached the terminal: $(cat err)"; fi

# [6] The man page and bash completion.
MAN=$(dirname "$SYNC")/embassy-sync.1
[ -f "$MAN" ] || fail "no man page beside the binary"
grep -q 'coord import' "$MAN" && grep -q 'Exit codes' "$MAN" && grep -q 'EMBASSY_COORD_DIR' "$MAN" || fail "the man page lacks commands, exit codes or the environment"
(
  PATH=$(dirname "$SYNC"):$PATH
  . "$SOURCE_DIR/sync/src/cli/completion.bash"
  COMP_WORDS=(embassy-sync coord im) COMP_CWORD=2; _embassy_sync
  [ "${COMPREPLY[*]}" = import ] || fail "completion of 'coord im': ${COMPREPLY[*]}"
  COMP_WORDS=(embassy-sync coord import --js) COMP_CWORD=3; _embassy_sync
  [ "${COMPREPLY[*]}" = --json ] || fail "completion of 'coord import --js': ${COMPREPLY[*]}"
  COMP_WORDS=(embassy-sync ki) COMP_CWORD=1; _embassy_sync
  [ "${COMPREPLY[*]}" = kiosk ] || fail "completion of 'ki': ${COMPREPLY[*]}"
)
echo "cli_contract: ok"
