#!/usr/bin/env bash
# End to end under Xvfb: the receipt stays in the registrant's language (issue 11). A Russian and a
# Lithuanian registrant (the kiosk's default is Belarusian) each sign; on the receipt screen
#   - the --ui-map names the catalog the screen was drawn with ("catalog:<lang>", added by the
#     receipt screen itself), and
#   - the QR code, read back from a screenshot with zbarimg, holds the demo pack's list URL for that
#     language with the code as fragment (<list_url>#<code>, docs/appeal-pack.md), and the code
#     verifies against the kiosk's store.
# The Russian one leaves with Done, the Lithuanian one by the receipt timeout; after either, Welcome
# is drawn in the default language again. The Russian country is typed in full ("Польша") and never
# picked from the list: an exact name selects it.
#   tests/e2e/kiosk_receipt.sh KIOSK_BIN SYNC_BIN
set -euo pipefail
KIOSK=$1 SYNC=$2
. "$(dirname "$0")/kiosk_common.sh"
kiosk_workdir
LIST="https://receipts.peoples-embassy.example/demo-2026-11"

catalog_now() { awk '$1 ~ /^catalog:/ { sub("catalog:", "", $1); print $1; exit }' "$MAP" 2>/dev/null || true; }

check_receipt() {  # check_receipt LANG
  local lang=$1 qr code i
  for i in $(seq 50); do [ -n "$(catalog_now)" ] && break; sleep 0.1; done
  [ "$(catalog_now)" = "$lang" ] || fail "$lang: the receipt was drawn in '$(catalog_now)'"
  import -window root "$W/receipt-$lang.png"
  qr=$(zbarimg -q --raw "$W/receipt-$lang.png" 2>/dev/null | head -1 | tr -d '\r')
  echo "$lang: receipt QR holds $qr"
  case "$qr" in "$LIST/$lang/#"*) ;; *) fail "$lang: the QR is not the $lang list URL with the code: '$qr'" ;; esac
  code=${qr##*#}
  "$SYNC" kiosk verify-receipt --data-dir "$W/data" --passphrase-file "$W/kiosk.pass" "$code" >/dev/null \
    || fail "$lang: embassy-sync does not find receipt $code"
}

start_display
# The receipt closes after 10 s (the shortest setting) so the timeout path takes little time.
start_kiosk "$W/data" --receipt-idle 10
unlock_and_open

# Russian: the country typed in full, Done.
use_layout ru
open_details ru political-prisoners
type_into field:given_name "Ирина"
type_into field:family_name "Соколова"
type_into search:residence "Польша"
type_into field:city "Варшава"
click consent:sign_appeal
sign_and_submit
check_receipt ru
click button.done
wait_screen Welcome
[ -z "$(catalog_now)" ] || fail "a catalog entry outside the receipt"
use_layout us

# Lithuanian: the receipt times out.
use_layout lt
open_details lt political-prisoners
fill_details "Rūta" "Žemaitė" "Lenk" PL "Vilnius"
sign_and_submit
check_receipt lt
t0=$(date +%s)
wait_screen Welcome 30
echo "lt: the receipt closed itself after $(( $(date +%s) - t0 )) s"
use_layout us

info=$(info_json "$W/data")
echo "$info" | grep -q '"signatures":2,' || fail "the kiosk does not count exactly two signatures: $info"
alive || fail "kiosk died"
echo "PASS kiosk_receipt"
