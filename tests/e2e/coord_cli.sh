#!/usr/bin/env bash
# End to end through the command line: simulate kiosks, enroll (by key file and by fingerprint),
# import (with a gap and a replay), report, signatories, ack, publish-receipts, verify-receipt (pinned;
# an impostor's list refused), withdraw. Usage: coord_cli.sh EMBASSY_SYNC SOURCE_DIR
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2
. "$SOURCE_DIR/tests/e2e/common.sh"
coordinator_workdir embassy-coord-e2e   # cd there; coord/, coord.pass, coordinator.pub, demo.pack
"$SYNC" simulate-batches --kiosks 2 --records 12 --batches 3 --coordinator coordinator.pub --pack demo.pack --out batches --seed 7 --quiet > fps
[ "$(wc -l < fps)" = 2 ] || fail "simulate-batches printed $(wc -l < fps) fingerprints"
K1=$(sed -n 1p fps | tr -d ' ')
K2=$(sed -n 2p fps | tr -d ' ')
[ "$(ls batches/*.embatch | wc -l)" = 6 ] || fail "expected 6 batch files"

# Nothing enrolled: every batch rejected, exit 1.
if "$SYNC" coord import --dir coord --passphrase-file coord.pass batches >out 2>&1; then fail "unenrolled import succeeded"; fi
[ "$(grep -c 'not enrolled' out)" = 6 ] || fail "expected 6 'not enrolled' lines"

# Kiosk 1 by its key file; kiosk 2 by fingerprint (its batches were held), which imports them.
"$SYNC" coord enroll --dir coord --passphrase-file coord.pass --kiosk-key "batches/$K1.kiosk-key" >/dev/null
"$SYNC" coord enroll --dir coord --passphrase-file coord.pass --kiosk-key "$K2" > out
[ "$(grep -c ': accepted' out)" = 3 ] || fail "enroll by fingerprint did not import the 3 held batches"

"$SYNC" coord import --dir coord --passphrase-file coord.pass --json batches > out.json
grep -q '"accepted":3,"already_imported":3,"quarantined":0,"rejected":0' out.json || fail "json summary: $(cat out.json)"
# Replay: all already imported.
"$SYNC" coord import --dir coord --passphrase-file coord.pass --json batches | grep -q '"accepted":0,"already_imported":6' || fail "replay"

"$SYNC" coord report --dir coord --passphrase-file coord.pass --csv r.csv --html r.html >/dev/null
grep -q '^total,"all","all appeals","",24,' r.csv || fail "report total: $(grep total r.csv)"
grep -q '<svg' r.html || fail "no chart in the HTML report"

"$SYNC" coord export-signatories --dir coord --passphrase-file coord.pass --appeal political-prisoners --csv s.csv >/dev/null
head -1 s.csv | grep -q '^given_name,family_name,country,city,signed_on' || fail "signatories header"
# An existing names file is kept unless --force; --excel starts it with a UTF-8 BOM.
if "$SYNC" coord export-signatories --dir coord --passphrase-file coord.pass --appeal political-prisoners --csv s.csv >out 2>&1; then
  fail "export-signatories replaced an existing file without --force"; fi
grep -q 'exists' out || fail "no reason given for keeping s.csv: $(cat out)"
"$SYNC" coord export-signatories --dir coord --passphrase-file coord.pass --appeal political-prisoners --csv s.csv --force --excel >/dev/null
[ "$(head -c 3 s.csv | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "--excel: no UTF-8 BOM"

"$SYNC" coord ack --dir coord --passphrase-file coord.pass --kiosk "$K1" --out k1.ack >/dev/null
[ "$(stat -c %s k1.ack)" = 204 ] || fail "ack size"

"$SYNC" coord publish-receipts --dir coord --passphrase-file coord.pass --out pub >/dev/null
FP=$("$SYNC" coord public-identity --dir coord --out coord2.pub | sed -n 's/^fingerprint: //p')
[ -n "$FP" ] || fail "no fingerprint printed"
"$SYNC" verify-receipt --published pub --coordinator coordinator.pub 0000-0000-0000-0000-0 >out 2>&1 && fail "bogus code counted"

# verify-receipt without the coordinator's identity or fingerprint: refused, whatever lies beside
# the list (issue 9: an impostor list with its own identity.pub answered "counted").
if "$SYNC" verify-receipt --published pub 0000-0000-0000-0000-0 >out 2>&1; then fail "verify-receipt ran without --coordinator"; fi
grep -q 'needs --coordinator' out || fail "no clear error without --coordinator: $(cat out)"
# An impostor: its own coordinator and kiosk, a receipt it issued, a list it signed, its identity.pub.
make_kiosk imp
CODE=$("$SYNC" kiosk simulate --data-dir imp/kiosk --passphrase-file imp/kiosk.pass --count 1 --seed 3 | awk 'length($0) == 26' | head -1)
[ -n "$CODE" ] || fail "kiosk simulate printed no receipt code"
"$SYNC" kiosk info --data-dir imp/kiosk --passphrase-file imp/kiosk.pass --json | sed -n 's/.*"public_key":"\([0-9a-f]*\)".*/\1/p' > imp/kiosk.pubkey
"$SYNC" coord enroll --dir imp/coord --passphrase-file imp/coord.pass --kiosk-key imp/kiosk.pubkey >/dev/null
mkdir -p imp/usb
"$SYNC" kiosk export --data-dir imp/kiosk --passphrase-file imp/kiosk.pass --out imp/usb --quiet >/dev/null
"$SYNC" coord import --dir imp/coord --passphrase-file imp/coord.pass --quiet imp/usb >/dev/null
"$SYNC" coord publish-receipts --dir imp/coord --passphrase-file imp/coord.pass --out imp/pub >/dev/null
"$SYNC" verify-receipt --published imp/pub --coordinator imp/coordinator.pub "$CODE" >/dev/null || fail "control: the impostor's list is not well formed"
for pin in coordinator.pub "$FP" "$(echo "$FP" | tr -d ' ' | tr 'A-F' 'a-f')"; do
  if "$SYNC" verify-receipt --published imp/pub --coordinator "$pin" "$CODE" >out 2>&1; then fail "impostor list accepted with --coordinator $pin"; fi
  grep -q '^counted' out && fail "impostor list answered counted with --coordinator $pin"
done
grep -q 'not published by your coordinator' out || fail "impostor identity.pub: $(cat out)"
# The real list, pinned by fingerprint, does not know the impostor's receipt.
rc=0; "$SYNC" verify-receipt --published pub --coordinator "$FP" "$CODE" >out 2>&1 || rc=$?
[ "$rc" = 3 ] && grep -q '^not found' out || fail "real list, impostor's code: exit $rc, $(cat out)"
# Published files are for a website: 0644 in their own folder (default DIR/published).
for f in receipts.root receipts.leaves identity.pub; do
  [ "$(stat -c %a "pub/$f")" = 644 ] || fail "pub/$f is $(stat -c %a "pub/$f"), not 0644"
done
"$SYNC" coord publish-receipts --dir coord --passphrase-file coord.pass >/dev/null
[ -f coord/published/receipts.root ] || fail "publish-receipts without --out did not write coord/published"
if "$SYNC" coord publish-receipts --dir coord --passphrase-file coord.pass --out coord >out 2>&1; then fail "published into the coordinator directory"; fi
# verify-receipt says how old and how large the list is.
"$SYNC" verify-receipt --published imp/pub --coordinator imp/coordinator.pub "$CODE" >out
grep -Eq '^list of [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC \(.* ago\), 1 signature$' out || fail "verify-receipt list line: $(cat out)"
# withdraw: withdrawn now (0), already withdrawn (4), not found (3), each with its own message.
rc=0; "$SYNC" coord withdraw --dir imp/coord --passphrase-file imp/coord.pass "$CODE" >out || rc=$?
[ "$rc" = 0 ] && grep -q '^withdrawn: .*one signature fewer is counted' out || fail "withdraw: exit $rc, $(cat out)"
rc=0; "$SYNC" coord withdraw --dir imp/coord --passphrase-file imp/coord.pass "$CODE" >out || rc=$?
[ "$rc" = 4 ] && grep -q '^already withdrawn' out || fail "withdraw again: exit $rc, $(cat out)"
rc=0; "$SYNC" coord withdraw --dir coord --passphrase-file coord.pass --json "$CODE" >out || rc=$?   # another registry's receipt
[ "$rc" = 3 ] && grep -q '"outcome":"not_found"' out || fail "withdraw unknown: exit $rc, $(cat out)"
echo "coord_cli: ok"
