#!/usr/bin/env bash
# THREAT-MODEL row 18 through the command line: file names on a stick are anyone's to choose, and
# what `coord import` prints about them must not drive the coordinator's terminal. A batch renamed
# to a<ESC>[8m.embatch (conceal: it would hide the lines after it, a FORK ALARM among them) and a junk
# file whose name holds BEL and RLO are imported; stdout and stderr must hold 0 raw ESC, BEL or RLO
# bytes. Also: `kiosk check` says the log is consistent, not "ok", and how much is unexported.
# Usage: hostile_output.sh EMBASSY_SYNC SOURCE_DIR
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2
. "$SOURCE_DIR/tests/e2e/common.sh"
coordinator_workdir embassy-hostile-e2e   # cd there; coord/, coord.pass, coordinator.pub, demo.pack
"$SYNC" simulate-batches --kiosks 1 --records 3 --batches 1 --coordinator coordinator.pub --pack demo.pack --out batches --seed 3 --quiet > fps
K1=$(sed -n 1p fps | tr -d ' ')
"$SYNC" coord enroll --dir coord --passphrase-file coord.pass --kiosk-key "batches/$K1.kiosk-key" >/dev/null

mkdir stick
ESC=$(printf '\033'); BEL=$(printf '\007'); RLO=$(printf '\342\200\256')
cp batches/*.embatch "stick/a${ESC}[8m.embatch"
printf 'junk' > "stick/b${BEL}${RLO}gpj.embatch"
"$SYNC" coord import --dir coord --passphrase-file coord.pass stick >out 2>err && fail "the junk file was not rejected"
"$SYNC" coord import --dir coord --passphrase-file coord.pass --json stick >out.json 2>>err || true
"$SYNC" coord report --dir coord --passphrase-file coord.pass >>out 2>>err
cat out out.json err > all
grep -q 'accepted' out || fail "the renamed batch was not imported: $(cat out)"
grep -qF 'a\x1B[8m.embatch' out || fail "the escaped name is not shown: $(cat out)"
# Rejections go to stderr, one line per file (the import's outcome lines to stdout).
grep -qF '\x07\u{202E}gpj.embatch' err || fail "the escaped junk name is not shown: $(cat out err)"
for b in "$ESC" "$BEL" "$RLO"; do
    if LC_ALL=C grep -qF "$b" all; then fail "a raw control byte reached the output: $(od -c all | head)"; fi
done

# The kiosk side: after simulated signatures, check reports what it can vouch for.
printf 'kiosk test passphrase\n' > k.pass
"$SYNC" kiosk init --data-dir kiosk --coordinator coordinator.pub --passphrase-file k.pass >/dev/null
"$SYNC" kiosk load-pack --data-dir kiosk --passphrase-file k.pass demo.pack >/dev/null
"$SYNC" kiosk simulate --data-dir kiosk --passphrase-file k.pass --count 3 --seed 1 --quiet
"$SYNC" kiosk check --data-dir kiosk --passphrase-file k.pass > check
grep -q 'log chain consistent: 3 entries, 3 of them not yet exported' check || fail "kiosk check: $(cat check)"
echo "hostile_output: ok"
