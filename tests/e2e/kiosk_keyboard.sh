#!/usr/bin/env bash
# End to end under Xvfb: an email typed with the on-screen keyboard alone (its keys clicked with
# xdotool at the places the ui-map gives) reaches the Review screen exactly as the same address
# typed on a real keyboard does, and the record is stored. Also: each field gets its own layout
# (email: @ and digits, no Cyrillic; phone: digits and +, no letters), and the field being typed
# into is the map's "focus".
#   tests/e2e/kiosk_keyboard.sh KIOSK_BIN SYNC_BIN
set -euo pipefail
KIOSK=$1 SYNC=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/kiosk_common.sh"
kiosk_workdir

has() { awk -v id="$1" '$1 == id { f = 1 } END { exit !f }' "$MAP"; }
focus_now() { awk '$1 == "focus" { print $2 }' "$MAP"; }
wait_focus() {  # wait_focus ID: the on-screen keyboard types into ID
  local i
  for i in $(seq 50); do [ "$(focus_now)" = "$1" ] && return 0; sleep 0.1; done
  fail "the keyboard's focus is '$(focus_now)', not $1"
}
osk_type() {  # osk_type TEXT: one click per character on the on-screen key with that text
  local s=$1 c
  while [ -n "$s" ]; do
    c=${s:0:1}; s=${s:1}
    click "key:$c"
  done
}
park() { xdotool mousemove 1900 1070; sleep 0.6; }
field() {  # field ID TEXT: typed on the real keyboard, then the on-screen keyboard hidden
  type_into "$1" "$2"
  click keyboard.hide
}

start_display
start_kiosk "$W/data"
wait_screen Unlock
type_passphrase
# The volunteer turns the on-screen keyboard on (off by default).
click volunteer.settings
wait_screen VolunteerSettings
click settings.keyboard
click settings.save
wait_screen VolunteerHome
click volunteer.start_public
wait_screen Welcome

# review EMAIL_MODE EMAIL OUT.png: Welcome -> Review with a typed signature, screenshot of Review.
review() {
  open_details en free-elections
  if [ "$1" = osk ]; then
    click field:email
    wait_focus field:email
    has key:@ || fail "the email field's keyboard has no @ key"
    has key:1 || fail "the email field's keyboard has no digits"
    if has "key:ў" || has key:shift; then fail "the email field got a name layout"; fi
    osk_type "$2"
    click keyboard.hide
    # The phone field's layout: digits and +, no letters.
    click field:phone
    wait_focus field:phone
    has key:+ || fail "the phone field's keyboard has no + key"
    if has key:a || has key:@; then fail "the phone field's keyboard has letters"; fi
    click keyboard.hide
  else
    field field:email "$2"
  fi
  field field:given_name "Anna"
  wait_screen Details
  field field:family_name "Smith"
  field search:residence "Lith"
  click country:LT
  field field:city "Kaunas"
  click consent:sign_appeal
  click button.next
  wait_screen Sign
  click sign.cannot_sign
  field field:typed_name "Anna Smith"
  click typed_confirm
  click button.next
  wait_screen Review
  park
  import -window root "$3"
}
start_over() {
  click button.cancel
  click button.yes_start_over
  wait_screen Welcome
}

before=$(info_json "$W/data")
review osk "anna.k+1@example.org" "$W/osk.png"
echo "on-screen keyboard: email typed with $(printf %s "anna.k+1@example.org" | wc -c) key clicks"
click button.submit
wait_screen Receipt 30
click button.done
wait_screen Welcome
after=$(info_json "$W/data")
echo "$before" | grep -q '"signatures":0,' || fail "the demo kiosk was not empty: $before"
echo "$after" | grep -q '"signatures":1,' || fail "the on-screen keyboard's record was not stored: $after"

review real "anna.k+1@example.org" "$W/real.png"
start_over
diff_px=$(compare -metric AE "$W/osk.png" "$W/real.png" null: 2>&1 || true)
[ "$diff_px" = 0 ] || fail "Review differs between the on-screen and the real keyboard ($diff_px px)"
# The comparison can fail: one letter more in the address shows.
review real "anna.kx+1@example.org" "$W/other.png"
start_over
other_px=$(compare -metric AE "$W/osk.png" "$W/other.png" null: 2>&1 || true)
[ "$other_px" != 0 ] || fail "Review looks the same with another address: the comparison sees nothing"
echo "Review identical to the real keyboard's, differs for another address ($other_px px)"
alive || fail "kiosk died"
echo "PASS kiosk_keyboard"
