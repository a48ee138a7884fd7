#!/usr/bin/env bash
# Crash during import at the coordinator. Batches from three simulated kiosks arrive one more file
# per cycle, in random order (gaps go to quarantine until the missing batch arrives); each
# `coord import` is SIGKILLed (EMBASSY_TEST_IMPORT_DELAY_US widens each batch's transaction so
# kills land inside it). After every kill `coord check` must pass: quick_check, foreign keys,
# receipts, batch and log counts, deduplication. At the end one import without a kill must leave
# every batch imported and every signature present exactly once.
# Kill moments come from this run's own observations, not fixed sleeps (a busy machine unlocks and
# verifies more slowly): most cycles wait until the rollback journal fills (a batch's transaction
# began) and kill at a random moment within the next few transactions, timed by un-killed imports
# into a copy of the coordinator; one in five kills at a random moment before the first transaction,
# as long as this run has seen the import take to get there.
#   crash_import.sh SYNC SOURCE_DIR [CYCLES]
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2 CYCLES=${3:-${IMPORT_KILL_CYCLES:-60}}
. "$SOURCE_DIR/tests/e2e/common.sh"
crash_setup embassy-crash-import
C=(--dir "$W/coord" --passphrase-file "$W/coord.pass")
KIOSKS=3 RECORDS=1200 BATCHES=12
"$SYNC" simulate-batches --kiosks $KIOSKS --records $RECORDS --batches $BATCHES --coordinator "$W/coordinator.pub" \
        --pack "$W/demo.pack" --out "$W/all" --seed 11 --quiet > "$W/fps"
for f in "$W/all"/*.kiosk-key; do "$SYNC" coord enroll "${C[@]}" --kiosk-key "$f" >/dev/null; done
mapfile -t files < <(ls "$W/all"/*.embatch)   # random names: random order across kiosks and seqs
expected=$((KIOSKS * RECORDS))
mkdir -p "$W/incoming"

t_start=$EPOCHREALTIME
export EMBASSY_TEST_IMPORT_DELAY_US=2000
# The probe: a copy of the coordinator as it is now, with a fourth kiosk enrolled in the copy only,
# and one batch of that kiosk as large as the others. Importing it without a kill times a batch's
# transaction; a fresh copy each time, so every probe does the same work.
"$SYNC" simulate-batches --kiosks 1 --records $((RECORDS / BATCHES)) --batches 1 --coordinator "$W/coordinator.pub" \
        --pack "$W/demo.pack" --out "$W/probe-batch" --seed 12 --quiet > /dev/null
cp -a "$W/coord" "$W/probe0"
"$SYNC" coord enroll --dir "$W/probe0" --passphrase-file "$W/coord.pass" --kiosk-key "$W/probe-batch"/*.kiosk-key > /dev/null
rm "$W/probe-batch"/*.kiosk-key
J=$W/coord/registry.db-journal
hot_j() { [ -s "$1" ]; }    # a non-empty rollback journal: a transaction is under way (or was cut)
cold_j() { [ ! -s "$1" ]; }
starts=() txs=()
limit=300000000   # until the probe has run: 5 minutes for any wait
measure_import() {
  local t0 t1 t2 pid
  rm -rf "$W/probe"
  cp -a "$W/probe0" "$W/probe"
  now_us t0
  "$SYNC" coord import --dir "$W/probe" --passphrase-file "$W/coord.pass" --quiet --json "$W/probe-batch" > /dev/null 2>&1 &
  pid=$!
  poll_for "$pid" $((t0 + limit)) hot_j "$W/probe/registry.db-journal" || { echo "the probe import wrote nothing" >&2; exit 1; }
  now_us t1
  poll_for "$pid" $((t1 + limit)) cold_j "$W/probe/registry.db-journal" || true
  now_us t2
  wait "$pid" || { echo "the probe import failed" >&2; exit 1; }
  sample starts 5 $((t1 - t0))
  sample txs 3 $((t2 - t1))
  median start_us "${starts[@]}"
  median tx_us "${txs[@]}"
  limit=$((20 * (start_us + tx_us) + 10000000))   # generous: twenty times an un-killed import, and 10 s
  probes=$((probes + 1))
}
hot=0 killed=0 next=0 before=0 idle=0 timeouts=0 probes=0 done_batches=0
measure_import
for ((i = 1; i <= CYCLES; i++)); do
  if (( next < ${#files[@]} )); then cp "${files[next]}" "$W/incoming/"; next=$((next + 1)); fi
  # Load changes as the run goes: the probe runs again every 15 cycles.
  ((i % 15 == 0)) && measure_import
  rand_below r 5
  now_us t0
  "$SYNC" coord import "${C[@]}" --quiet --json "$W/incoming" > /dev/null 2>&1 &
  pid=$!
  if ((r == 0)); then
    before=$((before + 1))
    rand_below d "$start_us"
    if kill_at "$pid" $((t0 + d)); then killed=$((killed + 1)); fi
  else
    rc=0
    # coord check after the last kill rolled a hot journal back; should one be left, wait past it.
    if hot_j "$J"; then poll_for "$pid" $((t0 + limit)) cold_j "$J" || rc=$?; fi
    ((rc != 0)) || poll_for "$pid" $((t0 + limit)) hot_j "$J" || rc=$?
    now_us t1
    case $rc in
      0) sample starts 5 $((t1 - t0))
         median start_us "${starts[@]}"
         # Within the next transactions: as many as it takes to import the batches still waiting
         # over the cycles still to come (two at least), so the loop neither stalls nor runs dry.
         left=$((CYCLES - i + 1)) backlog=$((next - done_batches))
         span=$((tx_us * (2 * backlog > 2 * left ? 2 * backlog : 2 * left) / left))
         rand_below d "$span"
         if kill_at "$pid" $((t1 + d)); then killed=$((killed + 1)); fi ;;
      1) idle=$((idle + 1)) ;;   # finished without a transaction: nothing importable yet
      2) timeouts=$((timeouts + 1)); if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi ;;
    esac
  fi
  wait "$pid" 2>/dev/null || true
  # A non-empty rollback journal: the kill landed inside a batch's transaction.
  hot_j "$J" && hot=$((hot + 1))
  "$SYNC" coord check "${C[@]}" > "$W/check.out" 2>&1 || { cat "$W/check.out" >&2; echo "check failed after kill $i" >&2; exit 1; }
  done_batches=$(sed -n 's/.*(\([0-9]*\) batches, .*/\1/p' "$W/check.out")
done
# Whatever has not arrived yet arrives now; one import without a kill finishes the job.
while (( next < ${#files[@]} )); do cp "${files[next]}" "$W/incoming/"; next=$((next + 1)); done
left_at_end=$((${#files[@]} - done_batches))
"$SYNC" coord import "${C[@]}" --quiet --json "$W/incoming" > "$W/import.json" || { cat "$W/import.json" >&2; exit 1; }
grep -q '"rejected":0' "$W/import.json" || { cat "$W/import.json" >&2; echo "a batch was rejected" >&2; exit 1; }
"$SYNC" coord check "${C[@]}" > "$W/check.out"
batches=$(sed -n 's/.*(\([0-9]*\) batches, \([0-9]*\) signatures.*/\1/p' "$W/check.out")
signatures=$(sed -n 's/.*(\([0-9]*\) batches, \([0-9]*\) signatures.*/\2/p' "$W/check.out")
if [ "$batches" != "${#files[@]}" ] || [ "$signatures" != "$expected" ]; then
  cat "$W/check.out" >&2
  echo "expected ${#files[@]} batches and $expected signatures" >&2
  exit 1
fi
now_us t_end
echo "crash_import: $CYCLES kill -9 cycles during import ($killed killed a running import, $hot inside a batch's transaction,"
echo "  $before aimed before the first transaction, $idle found nothing to import, $timeouts timed out; $probes probe imports:"
echo "  first transaction after $((start_us / 1000)) ms, a transaction $((tx_us / 1000)) ms); $left_at_end batches left for the last import; $(( (t_end - ${t_start//[!0-9]/}) / 1000000 )) s"
echo "  coord check passed after every kill; ${#files[@]} batches, $signatures signatures, each exactly once"
# Proportional to the cycles that aimed at a transaction and had something to import (kills aimed
# before the first transaction, and cycles whose import found nothing, cannot land inside one):
# at least a third of those, and a sixth of all cycles. Counting every cycle failed a run that had
# 19 inside of 36 aimed, with 13 cycles idle once every batch had arrived.
aimed=$((CYCLES - before - idle))
if ((hot * 3 < aimed || hot * 6 < CYCLES)); then
  echo "only $hot of $aimed kills aimed at a transaction ($CYCLES cycles) landed inside one: the loop no longer tests what it should" >&2
  exit 1
fi
