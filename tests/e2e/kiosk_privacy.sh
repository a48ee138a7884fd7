#!/usr/bin/env bash
# End to end under Xvfb: (1) a half-filled form is wiped by the idle timeout — the flow returns to
# Welcome, the field is blank when the next person reaches it, nothing reached the database;
# (2) in public mode Escape, Alt+F4 and a WM_DELETE_WINDOW close request leave the kiosk running.
#   tests/e2e/kiosk_privacy.sh KIOSK_BIN SYNC_BIN
set -euo pipefail
KIOSK=$1 SYNC=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/kiosk_common.sh"
kiosk_workdir

start_display
# Short timeouts so the test is quick: 4 s quiet, then a 3 s "Are you still there?" countdown.
start_kiosk "$W/data" --input-idle 4 --idle-warning 3
unlock_and_open
before=$(info_json "$W/data")

to_details() {
  wait_screen Welcome
  open_details en free-elections
  xdotool mousemove 1900 1070   # park the pointer away from every widget (no hover highlight)
  sleep 0.6
}

crop_field() {  # crop_field OUT.png: the given-name input as it looks now
  local p x y
  p=$(pos field:given_name); x=${p% *}; y=${p#* }
  import -window root -crop "600x50+$((x - 300))+$((y - 25))" +repage "$1"
}

# (1) Idle timeout wipes the form.
to_details
crop_field "$W/empty.png"
type_into field:given_name "Zzyzx"
type_into field:family_name "Quobblethorpe"
click consent:sign_appeal
xdotool mousemove 1900 1070
sleep 0.6
crop_field "$W/typed.png"
if [ "$(compare -metric AE "$W/empty.png" "$W/typed.png" null: 2>&1 || true)" = 0 ]; then
  fail "typing changed nothing on screen (the comparison could not detect a leftover)"
fi
# Now leave it alone: warning after 4 s, wipe 3 s later.
sleep 5
[ "$(screen_now)" = Details ] || fail "left Details before the countdown ended"
import -window root "$W/warning.png"
wait_screen Welcome 10
echo "idle timeout returned to Welcome"
# The next person: the same field must look exactly as it did before anything was typed.
to_details
crop_field "$W/after.png"
diff_px=$(compare -metric AE "$W/empty.png" "$W/after.png" null: 2>&1 || true)
[ "$diff_px" = 0 ] || fail "the given-name field still shows something after the idle wipe ($diff_px px differ)"
# ... and nothing was stored.
after=$(info_json "$W/data")
[ "$before" = "$after" ] || fail "kiosk info changed after an abandoned form: $before -> $after"
echo "form wiped: field blank again, database unchanged"
click button.cancel
click button.yes_start_over
wait_screen Welcome

# (2) Kiosk mode: nothing closes the window in public mode.
WIN=$(xdotool search --name "People's Embassy kiosk" | head -1)
[ -n "$WIN" ] || fail "kiosk window not found"
xdotool mousemove 960 540
xdotool key Escape;  sleep 1; alive || fail "Escape closed the kiosk"
xdotool key alt+F4;  sleep 1; alive || fail "Alt+F4 closed the kiosk"
python3 "$HERE/wm_delete.py" "$WIN"; sleep 1; alive || fail "WM_DELETE_WINDOW closed the kiosk"
[ "$(screen_now)" = Welcome ] || fail "close attempts changed the screen to $(screen_now)"
# The same on a form screen.
to_details
xdotool key Escape; xdotool key alt+F4; python3 "$HERE/wm_delete.py" "$WIN"; sleep 1
alive || fail "a close request on Details closed the kiosk"
[ "$(screen_now)" = Details ] || fail "close attempts left Details"
echo "Escape, Alt+F4 and WM_DELETE_WINDOW ignored in public mode"
# In volunteer mode a close request is honoured (so the check above can fail).
volunteer_unlock
python3 "$HERE/wm_delete.py" "$WIN"
for _ in $(seq 50); do alive || break; sleep 0.1; done
alive && fail "volunteer mode ignored the close request"
echo "PASS kiosk_privacy"
