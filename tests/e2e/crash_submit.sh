#!/usr/bin/env bash
# Threat 10: crash or power loss while signing. `kiosk simulate` submits through the real submit
# path and prints each receipt right after its COMMIT; we SIGKILL it at random moments, then check
# that every receipt printed before the kill is in the database and PRAGMA quick_check passes.
# Kill moments come from this run's own observations, not fixed sleeps (a busy machine unlocks more
# slowly): most cycles wait for the first receipt and kill at a random moment within the time this
# run takes for SUBMITS more submits; one in five kills at a random moment before the first receipt
# (during the unlock), as long as this run has seen that take.
#   crash_submit.sh SYNC SOURCE_DIR [CYCLES]
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2 CYCLES=${3:-${KILL_CYCLES:-200}}
. "$SOURCE_DIR/tests/e2e/common.sh"
crash_setup embassy-crash
: > "$W/printed"
# Canary names (threat 13): after the run no file anywhere under $TMPDIR or in our logs may hold them.
# Random suffixes: no file that existed before this run can hold them by chance.
sfx=$(tr -dc 'a-z' </dev/urandom | head -c 10 || true)
cyr=(а б в г д ж з і й к л м н о п р с т у ў ф х ц ч ш ы э ю я)
csfx=""
for _ in 1 2 3 4 5 6 7 8; do csfx+=${cyr[RANDOM % ${#cyr[@]}]}; done
CANARIES=("Zzkanareyka$sfx" "Qqcanarovich$sfx" "Жжканарэйка$csfx" "Щщканаровіч$csfx")
printf '%s\t%s\n%s\t%s\n' "${CANARIES[@]}" > "$W/names"
t_start=$EPOCHREALTIME
SUBMITS=200
receipt_out() { [ -s "$W/out" ]; }
SIM=(kiosk simulate --data-dir "$W/kiosk" --passphrase-file "$W/kiosk.pass" --names-file "$W/names")
# One run without a kill: how long until the first receipt, and how long a submit takes.
now_us t0
"$SYNC" "${SIM[@]}" --count "$SUBMITS" --seed 0 > "$W/out" 2>>"$W/stderr.log" &
pid=$!
poll_for "$pid" $((t0 + 300000000)) receipt_out || { echo "the run without a kill printed no receipt" >&2; exit 1; }
now_us t1
wait "$pid" || { echo "the run without a kill failed" >&2; exit 1; }
now_us t2
cat "$W/out" >> "$W/printed"
starts=($((t1 - t0))) submits=($(((t2 - t1) / (SUBMITS - 1))))
start_us=${starts[0]} submit_us=${submits[0]}
limit=$((20 * (t2 - t0) + 10000000))   # generous: twenty times that run, and 10 s
killed_mid_run=0 before=0 timeouts=0
for ((i = 1; i <= CYCLES; i++)); do
  rand_below r 5
  : > "$W/out"   # emptied here, not by the child's redirection, which the poll could run ahead of
  now_us t0
  "$SYNC" "${SIM[@]}" --count 100000 --seed "$i" > "$W/out" 2>>"$W/stderr.log" &
  pid=$!
  t1=0
  if ((r == 0)); then
    before=$((before + 1))
    rand_below d "$start_us"
    kill_at "$pid" $((t0 + d)) || true
  elif poll_for "$pid" $((t0 + limit)) receipt_out; then
    now_us t1
    sample starts 5 $((t1 - t0))
    median start_us "${starts[@]}"
    rand_below d $((SUBMITS * submit_us))
    kill_at "$pid" $((t1 + d)) || true
    now_us t2
  else
    timeouts=$((timeouts + 1))
    kill -9 "$pid" 2>/dev/null || true
  fi
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
  # Submits printed from the first receipt to the kill: how long one takes now.
  if ((t1 > 0 && cycle_printed > 1)); then
    sample submits 5 $(((t2 - t1) / (cycle_printed - 1)))
    median submit_us "${submits[@]}"
  fi
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
now_us t_end
echo "crash_submit: $CYCLES kill -9 cycles ($killed_mid_run landed during submits, $before aimed before the first receipt, $timeouts timed out),"
echo "  first receipt after $((start_us / 1000)) ms, a submit $((submit_us / 1000)).$(((submit_us % 1000) / 100)) ms; $(( (t_end - ${t_start//[!0-9]/}) / 1000000 )) s"
echo "  $printed receipts printed, 0 lost, quick_check ok every cycle"
echo "last check: $result"
echo "canary grep over the data dir, logs and \$TMPDIR: 0 hits"
