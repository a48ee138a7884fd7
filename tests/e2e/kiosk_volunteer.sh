#!/usr/bin/env bash
# End to end under Xvfb: the volunteer screen's "Export batch" and "Apply acknowledgement" buttons
# through the real window. One registrant signs; the volunteer exports a batch into a directory
# picked with the in-app chooser; the demo coordinator (embassy-sync) enrolls the kiosk, imports the
# batch and writes an acknowledgement; the volunteer applies it with the chooser; the kiosk then
# holds no registrant's personal data but still counts the signature.
#   tests/e2e/kiosk_volunteer.sh KIOSK_BIN SYNC_BIN
set -euo pipefail
KIOSK=$1 SYNC=$2
. "$(dirname "$0")/kiosk_common.sh"
kiosk_workdir
COORD="$W/data/demo-coordinator"                        # where --demo puts its coordinator (app.cpp)
printf '%s\n' "demo coordinator passphrase 2026" > "$W/coord.pass"
STICK="$W/stick"                                         # stands in for a USB stick
mkdir -p "$STICK"
t_start=$(date +%s)

notice_now() { awk '$1 ~ /^notice:/ { sub(/^notice:/, "", $1); print $1; exit }' "$MAP" 2>/dev/null || true; }
# The outcome of a volunteer action: the notice line that replaces the progress bar when the job ends.
wait_notice() {  # wait_notice KEY SECONDS
  local n=
  for _ in $(seq $(($2 * 10))); do
    alive || fail "kiosk exited while waiting for $1"
    n=$(notice_now)
    [ "$n" = "$1" ] && return 0
    case "$n" in error.*) fail "expected notice $1, the screen shows $n" ;; esac
    sleep 0.1
  done
  fail "notice $1 did not appear (now: ${n:-none})"
}
shot() {  # shot NAME: the screen as it is now, kept in $KIOSK_E2E_SHOTS when set (for a person to look at)
  xdotool mousemove 1900 1070   # no hover highlight
  sleep 0.4
  import -window root "${KIOSK_E2E_SHOTS:-$W}/volunteer-$1.png"
}
# The chooser opens at a USB mount or home; the kiosk's own parent directory ($W, the fallback
# root) is always among its shortcuts.
choose_in_stick() {  # choose_in_stick [FILE]: go to $STICK, then pick FILE there or the directory itself
  click "root:$(basename "$W")"
  click "dir:$(basename "$STICK")"
  shot "chooser${1:+-file}"
  if [ -n "${1:-}" ]; then click "file:$1"; else click file.select; fi
}

start_display
start_kiosk "$W/data" --input-idle 60 --idle-warning 10 --receipt-idle 20 --volunteer-idle 600
unlock_and_open

# One registrant, English, mouse-drawn signature.
open_details en political-prisoners
fill_details Ana Kowalczyk Pola PL Gdansk
sign_and_submit
click button.done
wait_screen Welcome
info=$(info_json "$W/data")
echo "$info" | grep -q '"registrants":1,"signatures":1,' || fail "after one registrant: $info"

# Volunteer screen: the shortcut, then the passphrase.
volunteer_unlock

# Export batch into the stick.
click volunteer.export
choose_in_stick
wait_notice volunteer.export.done 60
shot exported
shopt -s nullglob
batches=("$STICK"/*.embatch)
[ "${#batches[@]}" = 1 ] || fail "expected one .embatch in the chosen directory, found: $(ls -A "$STICK")"
echo "exported $(basename "${batches[0]}") ($(stat -c %s "${batches[0]}") bytes)"
info=$(info_json "$W/data")
echo "$info" | grep -q '"registrants":1,"signatures":1,' || fail "export alone must not purge: $info"

# The coordinator side: enroll the kiosk by its public key, import the batch, acknowledge it.
fp=$(echo "$info" | sed -n 's/.*"fingerprint":"\([^"]*\)".*/\1/p')
key=$(echo "$info" | sed -n 's/.*"public_key":"\([0-9a-f]*\)".*/\1/p')
{ [ -n "$fp" ] && [ ${#key} = 64 ]; } || fail "kiosk info has no fingerprint/public key: $info"
printf '%s\n' "$key" > "$W/kiosk.key"
"$SYNC" coord enroll --dir "$COORD" --passphrase-file "$W/coord.pass" --kiosk-key "$W/kiosk.key" >/dev/null \
  || fail "coord enroll"
imp=$("$SYNC" coord import --dir "$COORD" --passphrase-file "$W/coord.pass" --json "$STICK") \
  || fail "coord import rejected the kiosk's batch: $imp"
echo "import: $imp"
echo "$imp" | grep -q '"accepted":1,' || fail "the batch was not accepted: $imp"
"$SYNC" coord ack --dir "$COORD" --passphrase-file "$W/coord.pass" --kiosk "$fp" --out "$STICK/kiosk.ack" >/dev/null \
  || fail "coord ack"
[ -s "$STICK/kiosk.ack" ] || fail "coord ack wrote nothing"

# Apply acknowledgement: the same chooser, this time a file.
click volunteer.ack
choose_in_stick kiosk.ack
# The kiosk verifies and counts first, and asks: one person's data will be removed.
pos confirm:ack:1 >/dev/null
click confirm.ack.yes
wait_notice volunteer.ack.done 60
info=$(info_json "$W/data")
echo "info after ack: $info"
echo "$info" | grep -q '"registrants":0,' || fail "personal data not purged after the acknowledgement: $info"
echo "$info" | grep -q '"signatures":1,' || fail "the signature is no longer counted after the acknowledgement: $info"
echo "$info" | grep -q '"political-prisoners":{"total":1' || fail "the appeal count changed: $info"
shot acknowledged
alive || fail "kiosk died"
echo "PASS kiosk_volunteer ($(( $(date +%s) - t_start )) s)"
