# Helpers for the kiosk's end-to-end tests: an Xvfb display, the kiosk in it, and clicks on named
# widgets. The kiosk writes the centres of its named widgets to a --ui-map file every frame
# ("screen <Name>" on the first line, then "<id> <x> <y>"); ids are message keys or
# "lang:<tag>", "field:<name>", "consent:<purpose>", "country:<code>", "pad", "qr".
# Usage: . tests/e2e/kiosk_common.sh; kiosk_workdir; start_display; start_kiosk DATA_DIR [kiosk options]
set -euo pipefail
export EMBASSY_KDF_SECONDS=0
DEMO_PASS="demo kiosk passphrase 2026"

# kiosk_workdir: a fresh $W; at exit the kiosk and the display are stopped and $W removed.
kiosk_workdir() {
  W=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-e2e-XXXXXX")
  trap 'stop_all; rm -rf "$W"' EXIT
}

fail() {
  echo "FAIL: $*" >&2
  [ -n "${W:-}" ] && [ -f "$W/kiosk.log" ] && tail -20 "$W/kiosk.log" >&2
  # Keep what the screen showed, for the person reading the test log.
  import -window root "${TMPDIR:-/tmp}/kiosk-e2e-fail.png" 2>/dev/null && echo "screen saved to ${TMPDIR:-/tmp}/kiosk-e2e-fail.png" >&2
  exit 1
}

start_display() {
  local n
  for n in $(seq 90 140); do
    [ -e "/tmp/.X$n-lock" ] && continue
    Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
    XVFB_PID=$!
    export DISPLAY=":$n"
    for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && return 0; sleep 0.1; done
    kill "$XVFB_PID" 2>/dev/null || true
  done
  fail "no free X display"
}

start_kiosk() {
  local dir=$1; shift
  MAP="$W/ui.map"
  rm -f "$MAP"
  "$KIOSK" --demo --data-dir "$dir" --ui-map "$MAP" "$@" >"$W/kiosk.log" 2>&1 &
  KIOSK_PID=$!
  wait_screen Unlock 60
  printf '%s\n' "$DEMO_PASS" > "$W/kiosk.pass"
}

stop_all() {
  [ -n "${KIOSK_PID:-}" ] && kill "$KIOSK_PID" 2>/dev/null || true
  [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}

alive() { kill -0 "$KIOSK_PID" 2>/dev/null; }
screen_now() { head -1 "$MAP" 2>/dev/null | cut -d' ' -f2; }

wait_screen() {
  local want=$1 secs=${2:-15} i
  for i in $(seq $((secs * 10))); do
    alive || fail "kiosk exited while waiting for $want"
    [ "$(screen_now)" = "$want" ] && { sleep 0.3; return 0; }
    sleep 0.1
  done
  fail "screen $want did not appear (now: $(screen_now))"
}

pos() {  # pos ID -> "x y"; scrolls the screen down when the widget is below the fold
  local i p
  for i in $(seq 60); do
    p=$(awk -v id="$1" '$1 == id { print $2, $3; exit }' "$MAP" 2>/dev/null || true)
    [ -n "$p" ] && { echo "$p"; return 0; }
    if [ $((i % 5)) = 0 ]; then
      # (600, 400): inside the screen's body in a full-screen kiosk and in a 1280x720 window alike
      if [ "$i" -le 20 ]; then xdotool mousemove 600 400 click 5 click 5; else xdotool mousemove 600 400 click 4 click 4 click 4; fi
    fi
    sleep 0.1
  done
  fail "widget $1 not on screen $(screen_now)"
}

click() {
  local p; p=$(pos "$1")
  # shellcheck disable=SC2086
  xdotool mousemove $p
  sleep 0.15
  xdotool click 1
  sleep 0.35
}

type_into() {  # type_into ID TEXT
  click "$1"
  xdotool type --delay 60 "$2"
  sleep 0.3
}

# xdotool types a letter missing from the keymap by remapping a spare keycode for a moment, and the
# app may look the key up after the mapping was restored (GLFW reads the current map). With a
# keyboard layout that has the letters, xdotool uses real keys: `use_layout by` for Cyrillic.
use_layout() {
  setxkbmap -layout "$1" || fail "setxkbmap -layout $1"
  sleep 0.5
}

# type_passphrase [enter]: the demo passphrase into the passphrase field, then the unlock button
# (or, with "enter", the Return key: one xdotool press and release, which arrive in one frame).
type_passphrase() {
  click field:passphrase
  xdotool type --delay 30 "$DEMO_PASS"
  if [ "${1:-}" = enter ]; then xdotool key Return; else click unlock.button; fi
  wait_screen VolunteerHome 30
}

unlock_and_open() {
  wait_screen Unlock
  type_passphrase
  click volunteer.start_public
  wait_screen Welcome
}

# volunteer_unlock: from a public screen to the volunteer screen (the shortcut, then the passphrase).
volunteer_unlock() {
  xdotool key ctrl+shift+v
  wait_screen VolunteerAuth
  type_passphrase enter
}

# The registrant's path in steps, each ending on the screen the next one starts from.
open_details() {  # open_details LANG APPEAL: Welcome -> Details
  click "lang:$1"
  wait_screen ChooseAppeal
  click "appeal:$2"
  wait_screen ReadAppeal
  click read_appeal.next
  wait_screen Details
}
fill_details() {  # fill_details GIVEN FAMILY COUNTRY_QUERY COUNTRY CITY: the form, and consent to sign
  type_into field:given_name "$1"
  type_into field:family_name "$2"
  type_into search:residence "$3"
  click "country:$4"
  type_into field:city "$5"
  click consent:sign_appeal
}
sign_and_submit() {  # Details (filled) -> Sign -> Review -> Receipt
  click button.next
  wait_screen Sign
  draw_signature
  click button.next
  wait_screen Review
  click button.submit
  wait_screen Receipt 30
}

# Draws a signature in the pad with real pointer events: press, a wavy line, release.
draw_signature() {
  local p x y i
  p=$(pos pad); x=${p% *}; y=${p#* }
  xdotool mousemove $((x - 400)) "$y"
  sleep 0.1
  xdotool mousedown 1
  for i in $(seq 0 40); do
    xdotool mousemove $((x - 400 + i * 20)) $((y + (i % 6 - 3) * 18))
    sleep 0.01
  done
  xdotool mouseup 1
  sleep 0.4
}

info_json() { "$SYNC" kiosk info --data-dir "$1" --passphrase-file "$W/kiosk.pass" --json; }
