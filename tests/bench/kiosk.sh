#!/usr/bin/env bash
# Kiosk benchmarks at 1920x1080 under Xvfb (software OpenGL, llvmpipe):
#  - start to first frame on an existing demo data directory (no KDF before the first frame)
#  - idle CPU on the Welcome screen over 30 s (target <= 5% of one core)
#  - frame time on the Sign screen while a stroke is drawn: median and p99 of the whole frame and of
#    the Dear ImGui CPU part (NewFrame..Render) (targets 16.7 ms and 2 ms)
#  - peak RSS (VmHWM) at the end (target <= 250 MB)
#   tests/bench/kiosk.sh ROOT BUILD_DIR
set -euo pipefail
ROOT=$1
BUILD=$2
KIOSK=$ROOT/$BUILD/kiosk/embassy-kiosk
SYNC=$ROOT/$BUILD/sync/embassy-sync
[ -x "$KIOSK" ] || KIOSK=$BUILD/kiosk/embassy-kiosk
[ -x "$SYNC" ] || SYNC=$BUILD/sync/embassy-sync
. "$ROOT/tests/e2e/kiosk_common.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-bench-XXXXXX")
trap 'stop_all; rm -rf "$W"' EXIT
start_display

# Create the demo kiosk once, then measure a normal start on it.
start_kiosk "$W/data"
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true
start_kiosk "$W/data" --frame-stats "$W/frames.txt"
first=$(grep -o 'first frame [0-9]* ms' "$W/kiosk.log" | grep -o '[0-9]*')
echo "start to first frame: ${first} ms (existing demo data dir, unlock KDF not included; target <= 1000 ms)"

unlock_and_open
xdotool mousemove 1900 1070
sleep 2
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$KIOSK_PID/stat"; }
c0=$(cpu); t0=$(date +%s.%N)
sleep 30
c1=$(cpu); t1=$(date +%s.%N)
awk -v c="$((c1 - c0))" -v hz="$ticks" -v a="$t0" -v b="$t1" \
  'BEGIN { printf "idle CPU on Welcome over %.0f s: %.2f%% of one core (target <= 5%%)\n", b - a, 100 * c / hz / (b - a) }'

stat() {  # FILE column -> "median p99"
  cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 } END {
    m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.99 + 0.999)]; if (p == "") p = v[NR]; printf "median %.2f ms, p99 %.2f ms", m, p }'
}

# measure_sign SIZE START_DX PROBE_PX: on the Sign screen, one long stroke (600 pointer moves,
# 10 ms apart) starting START_DX px left of the pad's centre: frame times; then input-to-ink latency
# along a PROBE_PX long line centred on the pad (it must stay inside the pad).
measure_sign() {
  local size=$1 dx=$2 probe=$3 mark p x y n i cmd
  open_details en political-prisoners
  fill_details Anna Smith Pola PL Warsaw
  click button.next
  wait_screen Sign
  sleep 1
  mark=$(wc -l < "$W/frames.txt")
  p=$(pos pad); x=${p% *}; y=${p#* }
  # One xdotool process for the whole stroke (600 processes would compete with the kiosk for the CPU).
  cmd=(mousemove $((x - dx)) "$y" mousedown 1)
  for i in $(seq 0 599); do
    cmd+=(mousemove $((x - dx + (i * 1000 / 600))) $((y + (i % 40 - 20) * 5)) sleep 0.01)
  done
  cmd+=(mouseup 1)
  xdotool "${cmd[@]}"
  sleep 0.5
  tail -n +"$((mark + 1))" "$W/frames.txt" | awk '$3 == "Sign" { print $1, $2 }' > "$W/sign.txt"
  n=$(wc -l < "$W/sign.txt")
  echo "Sign screen while drawing ($n frames at $size): whole frame $(stat "$W/sign.txt" 1) (target median <= 16.7 ms)"
  echo "Sign screen while drawing at $size: Dear ImGui CPU part $(stat "$W/sign.txt" 2) (target <= 2 ms)"
  # Input-to-ink: a clean pad, then 60 moves along the line, each timed from the XTest event
  # entering the X server to the presented frame showing ink under it.
  click button.clear
  sleep 0.5
  python3 "$ROOT/tests/bench/ink_latency.py" $((x - probe / 2)) $((y - 20)) 60 $((probe / 60)) > "$W/ink.txt"
  grep '^ink ' "$W/ink.txt" | cut -d' ' -f2 > "$W/ink_ms.txt"
  grep '^floor ' "$W/ink.txt" | cut -d' ' -f2 > "$W/floor_ms.txt"
  local misses; misses=$(grep -c '^miss' "$W/ink.txt" || true)
  echo "input-to-ink at $size ($(wc -l < "$W/ink_ms.txt") moves, $misses without ink within 1 s): $(stat "$W/ink_ms.txt" 1) (target <= 16.7 ms, one frame at 60 Hz)"
  local ink_med frame_med
  ink_med=$(sort -g "$W/ink_ms.txt" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  frame_med=$(cut -d' ' -f1 "$W/sign.txt" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  echo "  baseline, same run: one screen poll (the probe's own floor) $(stat "$W/floor_ms.txt" 1); the kiosk's whole frame while drawing, median ${frame_med} ms: the ink shows $(awk -v a="$ink_med" -v b="$frame_med" 'BEGIN { printf "%.1f", a / b }') frames after the event"
}

measure_sign 1920x1080 500 480
awk '$3 == "Welcome" { print $1, $2 }' "$W/frames.txt" > "$W/welcome.txt"
echo "baseline, idle Welcome redraws ($(wc -l < "$W/welcome.txt") frames): whole frame $(stat "$W/welcome.txt" 1) (Xvfb: Mesa llvmpipe software OpenGL)"
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$KIOSK_PID/status")
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$KIOSK_PID/status")
echo "peak RSS of the kiosk process: $((hwm / 1024)) MB, RSS now $((rss / 1024)) MB (target <= 250 MB; Argon2id's 256 MiB live in a short-lived child process)"

# The same on the commonest cheap laptop's screen: a 1366x768 window (at the display's origin).
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true
start_kiosk "$W/data" --frame-stats "$W/frames.txt" --windowed --size 1366x768
unlock_and_open
measure_sign 1366x768 40 180
