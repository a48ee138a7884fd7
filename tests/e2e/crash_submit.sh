#!/usr/bin/env bash
# Threat 10: crash or power loss while signing. `kiosk simulate` submits through the real submit
# path and prints each receipt right after its COMMIT; we SIGKILL it at random moments, then check
# that every receipt printed before the kill is in the database and PRAGMA quick_check passes.
#   crash_submit.sh SYNC SOURCE_DIR [CYCLES]
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2 CYCLES=${3:-${KILL_CYCLES:-200}}
. "$SOURCE_DIR/tests/e2e/common.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/embassy-crash-XXXXXX")
trap 'rm -rf "$W"' EXIT
make_kiosk "$W"
: > "$W/printed"
# Canary names (threat 13): after the run no file anywhere under $TMPDIR or in our logs may hold them.
# Random suffixes: no file that existed before this run can hold them by chance.
sfx=$(tr -dc 'a-z' </dev/urandom | head -c 10 || true)
cyr=(а б в г д ж з і й к л м н о п р с т у ў ф х ц ч ш ы э ю я)
csfx=""
for _ in 1 2 3 4 5 6 7 8; do csfx+=${cyr[RANDOM % ${#cyr[@]}]}; done
CANARIES=("Zzkanareyka$sfx" "Qqcanarovich$sfx" "Жжканарэйка$csfx" "Щщканаровіч$csfx")
printf '%s\t%s\n%s\t%s\n' "${CANARIES[@]}" > "$W/names"
killed_mid_run=0
# How long one unlock takes here (Argon2id): kills are spread from just before it ends to ~1 s after.
t0=$(date +%s.%N)
"$SYNC" kiosk info --data-dir "$W/kiosk" --passphrase-file "$W/kiosk.pass" > /dev/null
unlock=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
for ((i = 1; i <= CYCLES; i++)); do
  "$SYNC" kiosk simulate --data-dir "$W/kiosk" --passphrase-file "$W/kiosk.pass" --count 100000 --seed "$i" \
      --names-file "$W/names" > "$W/out" 2>>"$W/stderr.log" &
  pid=$!
  sleep "$(awk -v s="$i" -v u="$unlock" 'BEGIN { srand(s); printf "%.3f", 0.8 * u + rand() * 1.0 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # Only a kill that landed after at least one commit tests the submit path (the rest hit the unlock).
  [ -s "$W/out" ] && killed_mid_run=$((killed_mid_run + 1))
  cat "$W/out" >> "$W/printed"
  # After every kill: quick_check, and every receipt this run printed is in the database.
  if ! result=$("$SYNC" kiosk check --data-dir "$W/kiosk" --passphrase-file "$W/kiosk.pass" --codes-file "$W/out" --skip-log); then
    echo "cycle $i: FAILED: $result" >&2
    exit 1
  fi
  cycle_printed=$(awk 'length($0) == 26' "$W/out" | wc -l)
  cycle_checked=$(sed -n 's/.*receipts checked \([0-9]*\),.*/\1/p' <<< "$result")
  [ "$cycle_checked" = "$cycle_printed" ] || { echo "cycle $i: checked $cycle_checked of $cycle_printed receipts" >&2; exit 1; }
done
# At the end: every receipt printed in all cycles, and the whole hash-chained log.
if ! result=$("$SYNC" kiosk check --data-dir "$W/kiosk" --passphrase-file "$W/kiosk.pass" --codes-file "$W/printed"); then
  echo "final check FAILED: $result" >&2
  exit 1
fi
rm -f "$W/names"
hits=0
for c in "${CANARIES[@]}"; do
  n=$(grep -rla -- "$c" "$W" "${TMPDIR:-/tmp}" 2>/dev/null | wc -l || true)
  hits=$((hits + n))
done
if [ "$hits" -ne 0 ]; then
  echo "canary names found in $hits files under $W or ${TMPDIR:-/tmp}" >&2
  grep -rla -- "${CANARIES[0]}" "$W" "${TMPDIR:-/tmp}" >&2 || true
  exit 1
fi
printed=$(awk 'length($0) == 26' "$W/printed" | wc -l)
checked=$(sed -n 's/.*receipts checked \([0-9]*\),.*/\1/p' <<< "$result")
if [ "$checked" != "$printed" ]; then echo "checked $checked receipts but $printed were printed" >&2; exit 1; fi
if [ $((killed_mid_run * 2)) -lt "$CYCLES" ]; then
  echo "only $killed_mid_run of $CYCLES kills landed during submits: the loop no longer tests what it should" >&2
  exit 1
fi
echo "crash_submit: $CYCLES kill -9 cycles ($killed_mid_run landed during submits), $printed receipts printed, 0 lost, quick_check ok every cycle"
echo "last check: $result"
echo "canary grep over the data dir, logs and \$TMPDIR: 0 hits"
