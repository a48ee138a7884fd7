#!/usr/bin/env bash
# End to end, in a real window under Xvfb, driven by xdotool: the registrant's path in Belarusian
# (Cyrillic) and Polish with a mouse-drawn signature; the receipt's QR (the list URL with the code)
# is read back from a screenshot with zbarimg and its code checked against the kiosk's stored
# commitment with embassy-sync.
#   tests/e2e/kiosk_path.sh KIOSK_BIN SYNC_BIN
set -euo pipefail
KIOSK=$1 SYNC=$2
. "$(dirname "$0")/kiosk_common.sh"
kiosk_workdir

start_display
start_kiosk "$W/data"
unlock_and_open

register() {  # register LANG GIVEN FAMILY COUNTRY_QUERY COUNTRY CITY XKB_LAYOUT
  local lang=$1
  use_layout "$7"
  wait_screen Welcome
  open_details "$lang" political-prisoners
  fill_details "$2" "$3" "$4" "$5" "$6"
  sign_and_submit
  sleep 0.5
  import -window root "$W/receipt-$lang.png"
  local qr code
  qr=$(zbarimg -q --raw "$W/receipt-$lang.png" 2>/dev/null | head -1 | tr -d '\r')
  [ -n "$qr" ] || fail "$lang: no QR code found in the receipt screenshot"
  echo "$lang: receipt QR decodes to $qr"
  # The demo pack has receipt instructions: the QR holds <list_url>#<code> (docs/appeal-pack.md).
  case "$qr" in https://*/"$lang"/\#*) ;; *) fail "$lang: the QR is not the $lang list URL with the code" ;; esac
  code=${qr##*#}
  # The receipt shows neither the name nor anything typed: the code is all it carries.
  case "$code" in *"$2"*|*"$3"*) fail "$lang: receipt code contains the name" ;; esac
  "$SYNC" kiosk verify-receipt --data-dir "$W/data" --passphrase-file "$W/kiosk.pass" "$code" >/dev/null \
    || fail "$lang: embassy-sync does not find receipt $code"
  # A wrong code must not verify (the check can fail).
  if "$SYNC" kiosk verify-receipt --data-dir "$W/data" --passphrase-file "$W/kiosk.pass" \
       "0000-0000-0000-0000-0000-0" >/dev/null 2>&1; then fail "a made-up receipt code verifies"; fi
  click button.done
  wait_screen Welcome
  use_layout us
}

before=$(info_json "$W/data")
register be "Алесь" "Семашкевіч" "Літ" LT "Вільня" by
register pl "Małgorzata" "Żółkiewska" "Niem" DE "Kraków" pl
after=$(info_json "$W/data")
echo "info before: $before"
echo "info after:  $after"
echo "$after" | grep -q '"signatures":2,' || fail "the kiosk does not count exactly two signatures"
echo "$after" | grep -q '"political-prisoners":{"total":2' || fail "the appeal does not count two signatures"
alive || fail "kiosk died"
echo "PASS kiosk_path"
