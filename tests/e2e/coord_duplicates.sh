#!/usr/bin/env bash
# Possible duplicates through the command line (docs/coordinator-guide.md, "Possible duplicates"):
# coord duplicates --review lists groups without a name unless --names is given; coord merge moves
# the counted signatures the review said it would, the report and coord check follow; coord
# unmerge puts the totals back; keep-apart takes the group off the list; each refusal has its exit
# code; coord log has the decisions and no name. Usage: coord_duplicates.sh EMBASSY_SYNC SOURCE_DIR
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2
. "$SOURCE_DIR/tests/e2e/common.sh"
coordinator_workdir embassy-dedupe-e2e   # cd there; coord/, coord.pass, coordinator.pub, demo.pack
C=(--dir coord --passphrase-file coord.pass)

# A small pool of people (800) over 600 signatures: namesakes in other countries, the review's material.
"$SYNC" simulate-batches --kiosks 2 --records 300 --batches 2 --people 800 --coordinator coordinator.pub --pack demo.pack \
        --out batches --seed 7 --quiet > fps
for k in $(tr -d ' ' < fps); do "$SYNC" coord enroll "${C[@]}" --kiosk-key "batches/$k.kiosk-key" >/dev/null; done
"$SYNC" coord import "${C[@]}" --quiet batches >/dev/null

"$SYNC" coord duplicates "${C[@]}" --review --json > review.json
"$SYNC" coord duplicates "${C[@]}" --review > review.txt
"$SYNC" coord duplicates "${C[@]}" --review --names --json > named.json
# The first group of exactly two members: "A B SHARED".
python3 - review.json > pair <<'PY' || fail "review JSON: $(head -c 300 review.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["groups_total"] == len(d["groups"]) and d["groups_total"] > 0
for g in d["groups"]:
    assert g["kind"] in ("same_key", "similar")
    for m in g["members"]:
        assert "given_name" not in m and "family_name" not in m
    if len(g["members"]) == 2:
        print(g["members"][0]["id"], g["members"][1]["id"], g["shared_appeals"])
        break
PY
read -r A B SHARED < pair
[ -n "$A" ] || fail "no group of two in the review"
# Without --names no family name appears anywhere; with it, they are there.
python3 - named.json > names <<'PY'
import json, sys
for g in json.load(open(sys.argv[1]))["groups"]:
    for m in g["members"]:
        print(m["family_name"])
PY
[ -s names ] || fail "--names printed no names"
if grep -F -f names review.txt review.json >/dev/null; then fail "a name in the review without --names"; fi

counted() { "$SYNC" coord report "${C[@]}" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(a["counted"] for a in d["appeals"]), d["members"])'; }
read -r COUNTED MEMBERS < <(counted)

"$SYNC" coord merge "${C[@]}" --json "$A" "$B" > merge.json
python3 - merge.json "$SHARED" <<'PY' || fail "merge JSON: $(cat merge.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["result"] == "merged" and d["counted_before"] - d["counted_after"] == int(sys.argv[2]), d
PY
read -r C2 M2 < <(counted)
[ "$C2" = $((COUNTED - SHARED)) ] || fail "report counted $C2 after the merge, expected $((COUNTED - SHARED))"
[ "$M2" = $((MEMBERS - 1)) ] || fail "report members $M2 after the merge, expected $((MEMBERS - 1))"
"$SYNC" coord check "${C[@]}" >/dev/null || fail "coord check after the merge"

expect_exit() {  # CODE COMMAND...: the command exits with CODE
  local want=$1; shift
  set +e; "$@" >out 2>&1; local got=$?; set -e
  [ "$got" = "$want" ] || fail "$* exited $got, expected $want: $(cat out)"
}
expect_exit 4 "$SYNC" coord merge "${C[@]}" "$A" "$B"
expect_exit 3 "$SYNC" coord merge "${C[@]}" "$A" 999999999
expect_exit 2 "$SYNC" coord merge "${C[@]}" "$A" "$A"
expect_exit 2 "$SYNC" coord merge "${C[@]}" "$A" abc
expect_exit 4 "$SYNC" coord unmerge "${C[@]}" "$A"

"$SYNC" coord unmerge "${C[@]}" "$B" >/dev/null
read -r C3 M3 < <(counted)
[ "$C3 $M3" = "$COUNTED $MEMBERS" ] || fail "after unmerge: $C3 $M3, expected $COUNTED $MEMBERS"
expect_exit 4 "$SYNC" coord unmerge "${C[@]}" "$B"
"$SYNC" coord check "${C[@]}" >/dev/null || fail "coord check after the unmerge"

GROUPS_BEFORE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["groups_total"])' review.json)
"$SYNC" coord keep-apart "${C[@]}" "$B" "$A" >/dev/null
GROUPS_AFTER=$("$SYNC" coord duplicates "${C[@]}" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["groups_total"])')
[ "$GROUPS_AFTER" = $((GROUPS_BEFORE - 1)) ] || fail "keep-apart: $GROUPS_AFTER groups, expected $((GROUPS_BEFORE - 1))"

"$SYNC" coord log "${C[@]}" > log.txt
for kind in merge unmerge keep_apart; do grep -q "$kind" log.txt || fail "no $kind in coord log"; done
if grep -F -f names log.txt >/dev/null; then fail "a name in coord log"; fi
echo "ok: $GROUPS_BEFORE groups reviewed; merging $A and $B made $SHARED counted signature(s) duplicates; unmerge restored $COUNTED counted"
