#!/usr/bin/env bash
# Threat 11: crash during export. Between exports the kiosk takes new signatures; each export is
# SIGKILLed (EMBASSY_TEST_EXPORT_DELAY_US widens the write so kills land inside it). Every final
# *.embatch must then be a complete valid batch: the coordinator imports them all without a
# rejection or quarantine, and holds every receipt the kiosk printed, exactly once.
# Kill moments come from this run's own observations, not fixed sleeps (a busy machine unlocks and
# writes more slowly): most cycles wait until the batch temp file appears and kill at a random moment
# within the write time measured by un-killed exports of this run; one in five kills at a random
# moment before the write starts (during the unlock), as long as this run has seen that take.
#   crash_export.sh SYNC SOURCE_DIR [CYCLES]
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2 CYCLES=${3:-${EXPORT_KILL_CYCLES:-200}}
. "$SOURCE_DIR/tests/e2e/common.sh"
crash_setup embassy-crash-export
K=(--data-dir "$W/kiosk" --passphrase-file "$W/kiosk.pass")
C=(--dir "$W/coord" --passphrase-file "$W/coord.pass")
mkdir -p "$W/usb"
# Unique synthetic people, so the coordinator's deduplication counts every signature.
awk 'BEGIN { srand(7); for (i = 0; i < 20000; i++) { g = ""; f = ""; for (k = 0; k < 7; k++) { g = g sprintf("%c", 97 + int(rand() * 26)); f = f sprintf("%c", 97 + int(rand() * 26)) } printf "Ab%s\tCd%s\n", g, f } }' > "$W/names"
"$SYNC" kiosk info "${K[@]}" --json | sed -n 's/.*"public_key":"\([0-9a-f]*\)".*/\1/p' > "$W/kiosk.pubkey"
"$SYNC" coord enroll "${C[@]}" --kiosk-key "$W/kiosk.pubkey" >/dev/null

t_start=$EPOCHREALTIME
export EMBASSY_TEST_EXPORT_DELAY_US=3000
has_tmp() { compgen -G "$W/usb/*.embatch.*.tmp" > /dev/null; }
no_tmp() { ! has_tmp; }
: > "$W/printed"
tmp_left=0 recovered=0 seed=0 finished=0 before=0 idle=0 timeouts=0 measured=0 last_measured=0
starts=() writes=()
limit=300000000   # until a first export is measured: 5 minutes for any wait
# An export without a kill: how long until its temp file appears, and how long it is written.
measure_export() {
  local t0 t1 t2 pid
  rm -f "$W/usb"/*.embatch.*.tmp   # the poll must see this export's own temp file, not the last kill's
  now_us t0
  "$SYNC" kiosk export "${K[@]}" --out "$W/usb" --quiet > "$W/export.out" 2>/dev/null &
  pid=$!
  if poll_for "$pid" $((t0 + limit)) has_tmp; then
    now_us t1
    poll_for "$pid" $((t1 + limit)) no_tmp || true
    now_us t2
    sample starts 5 $((t1 - t0))
    sample writes 3 $((t2 - t1))
    measured=$((measured + 1))
  fi
  wait "$pid" || { echo "an export without a kill failed" >&2; exit 1; }
  grep -q "written again" "$W/export.out" && recovered=$((recovered + 1))
  median start_us "${starts[@]}"
  median write_us "${writes[@]}"
  limit=$((20 * (start_us + write_us) + 10000000))   # generous: twenty times an un-killed export, and 10 s
}
"$SYNC" kiosk simulate "${K[@]}" --count 40 --seed 0 --names-file <(tail -n 40 "$W/names") >> "$W/printed"
measure_export
for ((i = 1; i <= CYCLES; i++)); do
  # New signatures every fourth cycle, and whenever the last export finished: else this one would
  # find nothing to write.
  if ((i % 4 == 1 || finished)); then
    # Load changes as the run goes: every 20 cycles the write time is measured again, by an export
    # without a kill that takes up the batch the last kill interrupted (so it is also a recovery).
    if ((i - last_measured >= 20)) && has_tmp; then measure_export; last_measured=$i; fi
    seed=$((seed + 1))
    "$SYNC" kiosk simulate "${K[@]}" --count 40 --seed "$seed" --names-file <(tail -n +$((seed * 40)) "$W/names") >> "$W/printed"
  fi
  rand_below r 5
  # The temp file a kill left is removed first when the kill must wait for this export's own;
  # the exporter removes such files itself, which the other cycles and the last export exercise.
  stale=0
  if ((r == 0)); then has_tmp && stale=1; else rm -f "$W/usb"/*.embatch.*.tmp; fi
  now_us t0
  "$SYNC" kiosk export "${K[@]}" --out "$W/usb" --quiet > "$W/export.out" 2>/dev/null &
  pid=$!
  if ((r == 0)); then
    before=$((before + 1))
    rand_below d "$start_us"
    kill_at "$pid" $((t0 + d)) || true
  else
    rc=0
    poll_for "$pid" $((t0 + limit)) has_tmp || rc=$?
    now_us t1
    case $rc in
      0) sample starts 5 $((t1 - t0))
         median start_us "${starts[@]}"
         rand_below d "$write_us"
         # A write seen to end before the kill took less than d: that lowers the estimate when the
         # machine got faster since the last measurement.
         kill_at "$pid" $((t1 + d)) || { sample writes 3 "$d"; median write_us "${writes[@]}"; } ;;
      1) idle=$((idle + 1)) ;;   # nothing to write: the last export finished its batch
      2) timeouts=$((timeouts + 1)); kill -9 "$pid" 2>/dev/null || true ;;
    esac
  fi
  finished=0
  wait "$pid" 2>/dev/null || finished=$?
  finished=$((finished == 0))
  grep -q "written again" "$W/export.out" && recovered=$((recovered + 1))
  # A temp file there now is this export's (one left before it is not counted, though the export
  # may have replaced it with its own).
  ((stale == 0)) && has_tmp && tmp_left=$((tmp_left + 1))
done
# A last export without a kill takes whatever is left (and any batch a kill interrupted), and
# removes the temp file the last kill may have left.
"$SYNC" kiosk export "${K[@]}" --out "$W/usb" --quiet > /dev/null
if has_tmp; then echo "a temp file is left after an export without a kill" >&2; exit 1; fi
files=$(ls "$W/usb"/*.embatch | wc -l)
"$SYNC" coord import "${C[@]}" --json --quiet "$W/usb" > "$W/import.json" || { cat "$W/import.json" >&2; echo "import rejected a batch" >&2; exit 1; }
grep -q '"rejected":0' "$W/import.json" && grep -q '"quarantined":0' "$W/import.json" || { cat "$W/import.json" >&2; exit 1; }
"$SYNC" coord publish-receipts "${C[@]}" --out "$W/published" > /dev/null
printed=$(awk 'length($0) == 26' "$W/printed" | wc -l)
signatures=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signatures"])' "$W/import.json")
if [ "$signatures" != "$printed" ]; then
  echo "coordinator imported $signatures signatures, kiosk printed $printed receipts" >&2
  exit 1
fi
missing=0
while read -r code; do
  [ ${#code} -eq 26 ] || continue
  "$SYNC" verify-receipt --published "$W/published" --coordinator "$W/coordinator.pub" "$code" > /dev/null || missing=$((missing + 1))
done < "$W/printed"
if [ "$missing" -ne 0 ]; then echo "$missing printed receipts not counted by the coordinator" >&2; exit 1; fi
now_us t_end
echo "crash_export: $CYCLES kill -9 cycles during export ($tmp_left left a partial temp file, $before aimed before the write,"
echo "  $idle found nothing to write, $timeouts timed out); $recovered exports recovered an interrupted batch ($measured un-killed"
echo "  exports measured: temp file after $((start_us / 1000)) ms, written in $((write_us / 1000)) ms); $(( (t_end - ${t_start//[!0-9]/}) / 1000000 )) s"
echo "  $files batch files, all imported (0 rejected, 0 quarantined); $printed receipts printed, $signatures imported, 0 missing, 0 twice"
# Proportional to the cycles: at least half the kills inside a write, a recovery per 50 cycles.
if ((tmp_left * 2 < CYCLES || recovered < CYCLES / 50)); then
  echo "only $tmp_left of $CYCLES kills landed inside a write, or only $recovered interrupted batches were recovered: the loop no longer tests what it should" >&2
  exit 1
fi
