#!/usr/bin/env bash
# THREAT-MODEL row 18 through the command line: file names on a stick are anyone's to choose, and
# what `coord import` prints about them must not drive the coordinator's terminal. A batch renamed
# to a<ESC>[8m.embatch (conceal: it would hide the lines after it, a FORK ALARM among them) and a junk
# file whose name holds BEL and RLO are imported; stdout and stderr must hold 0 raw ESC, BEL or RLO
# bytes. Also: `kiosk check` says the log is consistent, not "ok", and how much is unexported.
# Usage: hostile_output.sh EMBASSY_SYNC SOURCE_DIR
set -euo pipefail
SYNC=$1
SOURCE_DIR=$2
export EMBASSY_KDF_SECONDS=0
W=$(mktemp -d "${TMPDIR:-/tmp}/embassy-hostile-e2e-XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W"
fail() { echo "hostile_output: FAIL: $*" >&2; exit 1; }

printf 'coordinator test passphrase\n' > c.pass
"$SYNC" coord init --dir coord --name "E2E coordinator" --passphrase-file c.pass >/dev/null
"$SYNC" coord public-identity --dir coord --out coord.pub >/dev/null
"$SYNC" coord pack --dir coord --in "$SOURCE_DIR/demo/appeals.toml" --out demo.pack --passphrase-file c.pass >/dev/null
"$SYNC" simulate-batches --kiosks 1 --records 3 --batches 1 --coordinator coord.pub --pack demo.pack --out batches --seed 3 --quiet > fps
K1=$(sed -n 1p fps | tr -d ' ')
"$SYNC" coord enroll --dir coord --passphrase-file c.pass --kiosk-key "batches/$K1.kiosk-key" >/dev/null

mkdir stick
ESC=$(printf '\033'); BEL=$(printf '\007'); RLO=$(printf '\342\200\256')
cp batches/*.embatch "stick/a${ESC}[8m.embatch"
printf 'junk' > "stick/b${BEL}${RLO}gpj.embatch"
"$SYNC" coord import --dir coord --passphrase-file c.pass stick >out 2>err && fail "the junk file was not rejected"
"$SYNC" coord import --dir coord --passphrase-file c.pass --json stick >out.json 2>>err || true
"$SYNC" coord report --dir coord --passphrase-file c.pass >>out 2>>err
cat out out.json err > all
grep -q 'accepted' out || fail "the renamed batch was not imported: $(cat out)"
grep -qF 'a\x1B[8m.embatch' out || fail "the escaped name is not shown: $(cat out)"
grep -qF '\x07\u{202E}gpj.embatch' out || fail "the escaped junk name is not shown: $(cat out)"
for b in "$ESC" "$BEL" "$RLO"; do
    if LC_ALL=C grep -qF "$b" all; then fail "a raw control byte reached the output: $(od -c all | head)"; fi
done

# The kiosk side: after simulated signatures, check reports what it can vouch for.
printf 'kiosk test passphrase\n' > k.pass
"$SYNC" kiosk init --data-dir kiosk --coordinator coord.pub --passphrase-file k.pass >/dev/null
"$SYNC" kiosk load-pack --data-dir kiosk --passphrase-file k.pass demo.pack >/dev/null
"$SYNC" kiosk simulate --data-dir kiosk --passphrase-file k.pass --count 3 --seed 1 --quiet
"$SYNC" kiosk check --data-dir kiosk --passphrase-file k.pass > check
grep -q 'log chain consistent: 3 entries, 3 of them not yet exported' check || fail "kiosk check: $(cat check)"
echo "hostile_output: ok"
