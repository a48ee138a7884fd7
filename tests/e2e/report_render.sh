#!/usr/bin/env bash
# The coordinator's report from simulated batches, through the command line: the totals agree in
# the terminal report, the CSV, the JSON and the HTML, and with the registry (`coord check`'s
# counts, `coord import`'s duplicates); the gap and the held batch are sections of the CSV; and the
# HTML of this short report prints on at most 2 A4 pages (scripts/render-report: headless
# Chromium, pdfinfo). Usage: report_render.sh EMBASSY_SYNC SOURCE_DIR [KEEP_DIR]
# (KEEP_DIR: where the report, its PDF and the PNGs of its pages are kept to be looked at.)
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2 KEEP=${3:-}
. "$SOURCE_DIR/tests/e2e/common.sh"
for tool in "${CHROMIUM:-chromium}" pdfinfo pdftoppm python3; do
  command -v "$tool" >/dev/null || { echo "${0##*/}: SKIP: $tool not installed (scripts/setup-deps)"; exit 77; }
done
coordinator_workdir embassy-report-e2e
C=(--dir coord --passphrase-file coord.pass)
# Two kiosks, 3 batches each, from a pool of 40 people (so some sign twice).
"$SYNC" simulate-batches --kiosks 1 --records 30 --batches 3 --people 40 --coordinator coordinator.pub --pack demo.pack \
  --out k1 --seed 11 --quiet > fp1
"$SYNC" simulate-batches --kiosks 1 --records 30 --batches 3 --people 40 --coordinator coordinator.pub --pack demo.pack \
  --out k2 --seed 12 --quiet > fp2
K1=$(tr -d ' ' < fp1) K2=$(tr -d ' ' < fp2)
"$SYNC" coord enroll "${C[@]}" --kiosk-key "k1/$K1.kiosk-key" --name "Warszawa tent" >/dev/null
"$SYNC" coord enroll "${C[@]}" --kiosk-key "k2/$K2.kiosk-key" --name "Vilnius hall" >/dev/null
# Kiosk 2's batch 2 stays behind (the kiosk wrote its batches in order: the second oldest file):
# its batch 3 waits, a gap.
mapfile -t B2 < <(ls -tr k2/*.embatch)
[ "${#B2[@]}" = 3 ] || fail "expected 3 batches of kiosk 2"
"$SYNC" coord import "${C[@]}" --json --quiet k1 "${B2[0]}" "${B2[2]}" > import.json
python3 - import.json <<'EOF' || fail "import: $(cat import.json)"
import json, sys
j = json.load(open(sys.argv[1]))
assert (j["accepted"], j["quarantined"], j["rejected"]) == (4, 1, 0), j
EOF

"$SYNC" coord check "${C[@]}" --json > check.json
"$SYNC" coord report "${C[@]}" --csv r.csv --html r.html > r.txt
"$SYNC" coord report "${C[@]}" --json > r.json

# The four reports and the registry: received, counted, duplicates, withdrawn, members.
python3 - <<'EOF' || fail "the reports disagree"
import csv, json, re
check = json.load(open("check.json"))
received, members = check["signatures"], check["members"]
imp = json.load(open("import.json"))
dups = imp["duplicates"]
assert imp["signatures"] == received, (imp["signatures"], received)
want = (received, received - dups, dups, 0)

rows = list(csv.reader(open("r.csv", newline="", encoding="utf-8")))
assert rows[0] == ["section", "key", "label", "appeal", "received", "counted", "duplicates", "withdrawn", "detail"], rows[0]
total = [r for r in rows if r[0] == "total"]
assert len(total) == 1
assert tuple(map(int, total[0][4:8])) == want, (total, want)
for sec in ("appeal", "day", "country"):   # each section adds up to the total
    s = [tuple(map(int, r[4:8])) for r in rows if r[0] == sec]
    assert tuple(map(sum, zip(*s))) == want, (sec, s, want)
gaps = [r for r in rows if r[0] == "gap"]
assert len(gaps) == 1 and gaps[0][2] == "Vilnius hall" and gaps[0][8] == "2" and gaps[0][4:8] == ["", "", "", ""], gaps
held = [r for r in rows if r[0] == "held"]
assert len(held) == 1 and held[0][8].startswith("batch 3: "), held

j = json.load(open("r.json"))
t = j["totals"]
assert (t["received"], t["counted"], t["duplicates"], t["withdrawn"]) == want, (t, want)
assert j["members"] == members
assert sorted(k["name"] for k in j["kiosks"]) == ["Vilnius hall", "Warszawa tent"]
assert [(h["name"], h["seq"]) for h in j["held"]] == [("Vilnius hall", 3)], j["held"]
assert {k["name"] for k in j["kiosk_tallies"]} == {"Vilnius hall", "Warszawa tent"}
for sec in ("appeals", "days", "countries"):
    s = [(x["received"], x["counted"], x["duplicates"], x["withdrawn"]) for x in j[sec]]
    assert tuple(map(sum, zip(*s))) == want, (sec, s, want)

html = open("r.html", encoding="utf-8").read()
s = re.search(r"<b>(\d+)</b> signatures counted \((\d+) received, (\d+) duplicates removed, (\d+) withdrawn\); (\d+) members", html)
assert s, "no summary in the HTML"
c, r, d, w, mem = map(int, s.groups())
assert (r, c, d, w) == want and mem == members, (s.groups(), want)

txt = open("r.txt").read()
s = re.search(r"totals: (\d+) signatures counted \((\d+) received, (\d+) duplicates, (\d+) withdrawn\); members: (\d+)", txt)
assert s, txt
c, r, d, w, mem = map(int, s.groups())
assert (r, c, d, w) == want and mem == members
print(f"report totals agree: {want[1]} counted of {received} received ({dups} duplicates), {members} members")
EOF

# On paper: A4, at most 2 pages for a report this short.
OUT=${KEEP:-$W/render}
mkdir -p "$OUT"
[ -z "$KEEP" ] || cp r.html "$OUT/report.html"
"$SOURCE_DIR/scripts/render-report" r.html "$OUT/report" > render.txt || fail "render-report failed"
PAGES=$(sed -n 's/^pages: //p' render.txt)
echo "printed report: $PAGES A4 page(s); pages as PNG: $(ls "$OUT"/report-page*.png | tr '\n' ' ')"
pdfinfo "$OUT/report.pdf" | grep -Eq '^Page size: .* pts \(A4\)' || fail "not A4: $(pdfinfo "$OUT/report.pdf" | grep 'Page size')"
[ "$PAGES" -ge 1 ] && [ "$PAGES" -le 2 ] || fail "a short report printed on $PAGES pages (at most 2)"
[ -s "$OUT/report-page1.png" ] || fail "no PNG of page 1"
