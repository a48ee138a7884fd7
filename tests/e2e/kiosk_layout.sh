#!/usr/bin/env bash
# The layout matrix (issue 11): every screen of the --tour, in every language, at six window
# sizes and at text size 100 % and 130 %, checked from the ui-maps the kiosk writes per screen
# (kiosk_layout.py says what is checked). One kiosk process per window size walks all the rest.
#   tests/e2e/kiosk_layout.sh KIOSK_BIN [SIZE...]        (sizes WxH; default: the six below)
set -euo pipefail
KIOSK=$1; shift
HERE=$(cd "$(dirname "$0")" && pwd)
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1280x720 1366x768 1440x900 1920x1080 1920x1200 2560x1440)
TEXT_SIZES=100,130
W=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-layout-XXXXXX")
trap 'rm -rf "$W"' EXIT
export EMBASSY_KDF_SECONDS=0

failed=0 maps=0
for size in "${SIZES[@]}"; do
  mkdir -p "$W/$size"   # --demo creates the demo kiosk on the first size; the others reuse it
  start=$(date +%s)
  if ! xvfb-run -a -s "-screen 0 ${size}x24 -nolisten tcp" \
      "$KIOSK" --demo --data-dir "$W/data" --tour --ui-map-dir "$W/$size" --text-size "$TEXT_SIZES" \
      >"$W/$size.log" 2>&1; then
    echo "FAIL: size $size: the kiosk's tour failed" >&2
    tail -5 "$W/$size.log" >&2
    failed=1
    continue
  fi
  n=$(find "$W/$size" -name '*.map' | wc -l)
  maps=$((maps + n))
  python3 "$HERE/kiosk_layout.py" "$size" "$W/$size" || failed=1
  echo "$size: tour in $(( $(date +%s) - start )) s"
done

# Matrix size: screens (distinct shots of the tour) x languages x sizes x text sizes.
screens=$(find "$W/${SIZES[0]}" -name 'en-*-t100.map' | wc -l)
langs=$(find "$W/${SIZES[0]}" -name '*-00-*-t100.map' | wc -l)
texts=$(echo "$TEXT_SIZES" | tr ',' '\n' | wc -l)
[ "$screens" -gt 0 ] || { echo "FAIL: no ui-maps written" >&2; exit 1; }
want=$((screens * langs * ${#SIZES[@]} * texts))
echo "layout matrix: $screens screens x $langs languages x ${#SIZES[@]} sizes x $texts text sizes = $want cases ($maps maps checked)"
[ "$maps" = "$want" ] || { echo "FAIL: expected $want maps, got $maps" >&2; failed=1; }
[ "$langs" = 8 ] || { echo "FAIL: the tour covered $langs languages, not 8" >&2; failed=1; }
[ "$failed" = 0 ] && echo "PASS kiosk_layout"
exit "$failed"
