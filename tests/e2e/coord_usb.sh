#!/usr/bin/env bash
# A USB stick as it comes back from an event, through `coord import`: batches in subfolders,
# AppleDouble copies, system folders, junk, an empty file, a FIFO, links to /etc/passwd and to a
# batch, a folder link loop. Then the kiosks commands: held, enrolled, revoked (a later batch held
# with the reason), rename, and `kiosk public-key` for enrollment before the first batch.
# Usage: coord_usb.sh EMBASSY_SYNC SOURCE_DIR
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2
. "$SOURCE_DIR/tests/e2e/common.sh"
coordinator_workdir embassy-coord-usb   # cd there; coord/, coord.pass, coordinator.pub, demo.pack
C=(--dir coord --passphrase-file coord.pass)
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

"$SYNC" simulate-batches --kiosks 1 --records 6 --batches 2 --coordinator coordinator.pub --pack demo.pack --out k1 --seed 3 --quiet > fp1
"$SYNC" simulate-batches --kiosks 1 --records 4 --batches 2 --coordinator coordinator.pub --pack demo.pack --out k2 --seed 4 --quiet > fp2
K1=$(tr -d ' ' < fp1)
K2=$(tr -d ' ' < fp2)
"$SYNC" coord enroll "${C[@]}" --kiosk-key "k1/$K1.kiosk-key" --name "kiosk one" >/dev/null

# [SECTION] The stick
mkdir -p stick/event/day2 stick/.Trashes/501 "stick/System Volume Information" 'stick/$RECYCLE.BIN' stick/.Spotlight-V100
set -- k1/*.embatch
cp "$1" stick/event/a.embatch
cp "$2" stick/event/day2/b.embatch
cp "$1" stick/event/._a.embatch            # an AppleDouble name, holding a real batch
printf '\0\5\26\7\0\2\0\0' > stick/event/day2/._b.embatch
cp "$2" stick/.Trashes/501/b.embatch
cp "$1" 'stick/$RECYCLE.BIN/a.embatch'
echo guid > "stick/System Volume Information/IndexerVolumeGuid"
echo Bud1 > stick/.DS_Store
echo "what is on this stick" > stick/README.txt
echo "junk" > stick/junk.embatch
: > stick/event/empty.embatch
ln -s /etc/passwd stick/passwd.embatch
ln -s event/a.embatch stick/link.embatch
ln -s . stick/loop
mkfifo stick/event/pipe.embatch

# [SECTION] Import: rejections on stderr (one line each, the name once), exit 1; skips counted
rc=0
"$SYNC" coord import "${C[@]}" --json stick > out.json 2> err || rc=$?
[ "$rc" = 1 ] || fail "import with rejections exited $rc"
[ "$(json out.json 'd["accepted"]')" = 2 ] || fail "accepted: $(cat out.json)"
[ "$(json out.json 'd["rejected"]')" = 3 ] || fail "rejected: $(cat out.json)"
[ "$(json out.json 'd["skipped"]')" = 11 ] || fail "skipped: $(cat out.json)"
for f in junk.embatch passwd.embatch link.embatch; do
  [ "$(grep -c "^$f: rejected" err)" = 1 ] || fail "no one stderr line for $f: $(cat err)"
  [ "$(grep "^$f: " err | grep -o "$f" | wc -l)" = 1 ] || fail "$f named more than once: $(grep "$f" err)"
done
[ "$(wc -l < err)" = 3 ] || fail "stderr has more than the 3 rejections: $(cat err)"
grep -q 'root:' err out.json && fail "/etc/passwd was read"
json out.json '"\n".join(b["file"]+" "+b["status"] for b in d["batches"])' > outcomes
for want in "event/a.embatch accepted" "event/day2/b.embatch accepted" "event/._a.embatch skipped" \
            "event/pipe.embatch skipped" "event/empty.embatch skipped" "loop skipped" ".Trashes skipped" \
            "System Volume Information skipped" "README.txt skipped"; do
  grep -qxF "$want" outcomes || fail "expected '$want' in: $(cat outcomes)"
done

# Without the links and the junk: skips alone are success.
rm stick/junk.embatch stick/passwd.embatch stick/link.embatch
"$SYNC" coord import "${C[@]}" stick > out 2> err || fail "skips alone failed: $(cat err)"
grep -q '0 accepted, 2 already imported, 0 quarantined, 0 rejected, 11 skipped' out || fail "summary: $(cat out)"

# [SECTION] Kiosks: held, enrolled, revoked
rc=0
"$SYNC" coord import "${C[@]}" --json k2 > k2.json 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "unenrolled import exited $rc"
"$SYNC" coord kiosks "${C[@]}" --json > kiosks.json
[ "$(json kiosks.json '[k["state"] for k in d["kiosks"]]')" = "['enrolled', 'held']" ] || fail "kiosks: $(cat kiosks.json)"
[ "$(json kiosks.json 'd["kiosks"][1]["held_batches"]')" = 2 ] || fail "held count: $(cat kiosks.json)"
[ "$(json kiosks.json 'd["kiosks"][0]["batches"]')" = 2 ] || fail "K1 batches: $(cat kiosks.json)"
"$SYNC" coord kiosks "${C[@]}" | grep -q '2 batches held' || fail "text listing"

# K2 by key file; its batch 1 in, then revoked: batch 2 held with the reason, exit 1.
"$SYNC" coord enroll "${C[@]}" --kiosk-key "k2/$K2.kiosk-key" --name "kiosk two" >/dev/null
B1=$(json k2.json '[b["file"] for b in d["batches"] if b["seq"] == 1][0]')
B2=$(json k2.json '[b["file"] for b in d["batches"] if b["seq"] == 2][0]')
"$SYNC" coord import "${C[@]}" "k2/$B1" >/dev/null || fail "K2 batch 1"
"$SYNC" coord kiosk revoke "${C[@]}" "$K2" --reason "fork alarm" > out || fail "revoke"
grep -q 'stay counted' out || fail "revoke message: $(cat out)"
rc=0; "$SYNC" coord kiosk revoke "${C[@]}" "$K2" >/dev/null || rc=$?
[ "$rc" = 4 ] || fail "second revoke exited $rc"
rc=0; "$SYNC" coord import "${C[@]}" "k2/$B2" > out 2> err || rc=$?
[ "$rc" = 1 ] || fail "revoked kiosk's later batch exited $rc"
grep -q 'revoked on .* (fork alarm): batch 2 held, not imported, not counted' err || fail "revoked message: $(cat err)"
"$SYNC" coord kiosks "${C[@]}" --json > kiosks.json
[ "$(json kiosks.json '[(k["state"], k["held_batches"]) for k in d["kiosks"]]')" = "[('enrolled', 0), ('revoked', 1)]" ] ||
  fail "after revoke: $(cat kiosks.json)"
"$SYNC" coord log "${C[@]}" | grep -q 'revoke' || fail "no revoke entry in the audit log"

# Rename: a label; an unknown kiosk is exit 3.
"$SYNC" coord kiosk rename "${C[@]}" "$K1" "Vilnius hall" >/dev/null || fail "rename"
[ "$("$SYNC" coord kiosks "${C[@]}" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["kiosks"][0]["name"])')" = "Vilnius hall" ] ||
  fail "renamed name"
rc=0; "$SYNC" coord kiosk rename "${C[@]}" "0000 0000 0000 0000 0000" x 2>/dev/null || rc=$?
[ "$rc" = 3 ] || fail "rename of an unknown kiosk exited $rc"
rc=0; "$SYNC" coord kiosk rename "${C[@]}" "$K1" $'bad\e[8m' 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "rename to a control character exited $rc"

# [SECTION] kiosk public-key: enrollment before the first batch, the same fingerprint both sides
printf 'kiosk test passphrase\n' > kiosk.pass
"$SYNC" kiosk init --data-dir kiosk --coordinator coordinator.pub --name "new kiosk" --passphrase-file kiosk.pass >/dev/null
"$SYNC" kiosk public-key --data-dir kiosk --passphrase-file kiosk.pass --out kiosk.pub > out
KFP=$(sed -n 's/^kiosk fingerprint: //p' out)
[ -n "$KFP" ] || fail "no fingerprint printed: $(cat out)"
grep -qE '^[0-9a-f]{64}$' kiosk.pub || fail "public key file: $(cat kiosk.pub)"
"$SYNC" coord enroll "${C[@]}" --kiosk-key kiosk.pub --name "new kiosk" | grep -qF "$KFP" || fail "enroll printed another fingerprint"
echo "coord_usb: ok"
