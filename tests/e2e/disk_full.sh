#!/usr/bin/env bash
# Disk full (issue 10): submit, export, coord import, coord ack, apply-ack and export-signatories,
# each run once on a file system without room and once after room is made. Each failing run must
# exit non-zero with a message that names no person, leave no temp file and no half a file, and its
# database must pass quick_check (kiosk check / coord check); the run after it must do the same work.
# A table of what each step printed goes to stdout.
# Where it can (root, as in CI), the script runs in its own mount namespace with two small tmpfs
# mounts, one for the kiosk and coordinator, one for the USB stick, filled to a few KiB with
# fallocate; the namespace ends with the script however it ends, so no mount is left behind.
# Otherwise (or with DISK_FULL_MODE=rlimit) every file write of a step fails through RLIMIT_FSIZE 0
# with SIGXFSZ ignored (EFBIG, not ENOSPC); most steps then fail at the unlock, not mid-transaction.
# DISK_FULL_VERBOSE=1 prints everything each full-disk run printed.
#   disk_full.sh SYNC SOURCE_DIR
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2
if [ "${DISK_FULL_MODE:-}" != rlimit ] && [ -z "${DISK_FULL_NS:-}" ] && [ "$(id -u)" = 0 ] && unshare --mount --propagation private true 2>/dev/null; then
  DISK_FULL_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
. "$SOURCE_DIR/tests/e2e/common.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/embassy-disk-full-XXXXXX")
MODE=rlimit
trap 'if [ "$MODE" = tmpfs ]; then umount "$W/disk" "$W/stick" 2>/dev/null || true; fi; rm -rf "$W"' EXIT
mkdir -p "$W/disk" "$W/stick"
if [ -n "${DISK_FULL_NS:-}" ] && mount -t tmpfs -o size=24m,mode=0700 tmpfs "$W/disk" 2>/dev/null; then
  if mount -t tmpfs -o size=4m,mode=0700 tmpfs "$W/stick" 2>/dev/null; then MODE=tmpfs; else umount "$W/disk"; fi
fi
D=$W/disk/w USB=$W/stick/usb
mkdir -p "$USB"
make_kiosk "$D"
K=(--data-dir "$D/kiosk" --passphrase-file "$D/kiosk.pass")
C=(--dir "$D/coord" --passphrase-file "$D/coord.pass")
# Canary names (threat 13): no message of any step may hold them.
sfx=$(tr -dc 'a-z' </dev/urandom | head -c 10 || true)
CANARIES=("Zzkanareyka$sfx" "Qqcanarovich$sfx")
printf '%s\t%s\n' "${CANARIES[@]}" > "$W/names"
"$SYNC" kiosk info "${K[@]}" --json | sed -n 's/.*"public_key":"\([0-9a-f]*\)".*/\1/p' > "$D/kiosk.pubkey"
FP=$("$SYNC" kiosk info "${K[@]}" --json | sed -n 's/.*"fingerprint":"\([0-9A-F ]*\)".*/\1/p')
"$SYNC" coord enroll "${C[@]}" --kiosk-key "$D/kiosk.pubkey" >/dev/null

# fill MOUNT KEEP_KIB: leave KEEP_KIB free on that tmpfs; unfill MOUNT: room again.
fill() {
  rm -f "$1/filler"
  local avail want
  avail=$(($(stat -f -c '%a * %S' "$1")))
  want=$((avail - $2 * 1024))
  if ((want > 0)); then fallocate -l "$want" "$1/filler"; fi
}
unfill() { rm -f "$1/filler"; }
# full MOUNT KEEP_KIB CMD...: run CMD on a full disk; its output (a pipe: under RLIMIT_FSIZE a
# redirection to a file could not be written either) lands in $out, its exit code in $rc.
full() {
  local m=$1 keep=$2
  shift 2
  rc=0
  if [ "$MODE" = tmpfs ]; then
    fill "$m" "$keep"
    out=$("$@" 2>&1) || rc=$?
    unfill "$m"
  else
    out=$(trap '' XFSZ; ulimit -f 0; "$@" 2>&1) || rc=$?
  fi
}
RESULTS=() LOGS=()
# failed STEP CHECK_CMD...: the full-disk run must have failed with a message and no canary, left no
# temp file anywhere, and CHECK_CMD (kiosk check / coord check) must pass.
failed() {
  local step=$1 c
  shift
  ((rc != 0)) || fail "$step: succeeded on a full disk: $out"
  [ -n "$out" ] || fail "$step: failed without a message"
  case $out in *"wrong key"*) fail "$step: a full disk blamed on the key: $out" ;; esac
  for c in "${CANARIES[@]}"; do
    case $out in *"$c"*) fail "$step: a name in the message: $out" ;; esac
  done
  local tmp
  tmp=$(find "$W" -name '*.tmp' | head -3)
  [ -z "$tmp" ] || fail "$step: temp file left: $tmp"
  local check
  check=$("$@" 2>&1) || fail "$step: integrity check after the failure: $check"
  RESULTS+=("$step|exit $rc: $(printf '%s' "$out" | tail -n 1)|${check%%;*}")
  LOGS+=("== $step" "$out")
}
ok_again() { RESULTS[-1]+="|$1"; }
kiosk_check() { "$SYNC" kiosk check "${K[@]}" --codes-file "$W/printed"; }
coord_check() { "$SYNC" coord check "${C[@]}"; }
: > "$W/printed"

# 1. Submit: the kiosk's disk fills in the middle of a run of submits. Every receipt printed before
# the failure must be in the database (kiosk check --codes-file).
full "$W/disk" 256 "$SYNC" kiosk simulate "${K[@]}" --count 5000 --seed 1 --names-file "$W/names"
printf '%s\n' "$out" | awk 'length($0) == 26' >> "$W/printed"
before=$(wc -l < "$W/printed")
failed "submit ($before receipts before the disk filled)" kiosk_check
"$SYNC" kiosk simulate "${K[@]}" --count 300 --seed 2 --names-file "$W/names" >> "$W/printed" || fail "submit with room again"
kiosk_check > /dev/null || fail "kiosk check after the submits"
ok_again "300 submits, all $(wc -l < "$W/printed") receipts present"

# 2. Export onto a full USB stick: no batch file and no temp file on it; the batch stays pending and
# the next export writes it.
full "$W/stick" 8 "$SYNC" kiosk export "${K[@]}" --out "$USB" --quiet
failed "kiosk export (stick full)" kiosk_check
[ -z "$(ls "$USB")" ] || fail "export on a full stick left $(ls "$USB")"
again=$("$SYNC" kiosk export "${K[@]}" --out "$USB" --quiet) || fail "export with room again"
[ "$(ls "$USB" | grep -c '\.embatch$')" = 1 ] || fail "export with room again: $(ls "$USB")"
ok_again "$(printf '%s' "$again" | tr '\n' ' ' | sed "s|$USB/||")"
# The kiosk's own disk full during an export (the batch's row and the file's record).
"$SYNC" kiosk simulate "${K[@]}" --count 50 --seed 3 --names-file "$W/names" >> "$W/printed"
mkdir -p "$W/disk/usb2"
full "$W/disk" 64 "$SYNC" kiosk export "${K[@]}" --out "$W/disk/usb2" --quiet
failed "kiosk export (kiosk's disk full)" kiosk_check
[ -z "$(ls "$W/disk/usb2")" ] || fail "export on a full disk left $(ls "$W/disk/usb2")"
again=$("$SYNC" kiosk export "${K[@]}" --out "$W/disk/usb2" --quiet) || fail "export with room again"
ok_again "$(printf '%s' "$again" | tr '\n' ' ' | sed "s|$W/disk/usb2/||")"
mv "$W/disk/usb2"/*.embatch "$USB"/

# 3. Import into a coordinator whose disk is full: nothing imported, the registry checks out, the
# same import then accepts both batches.
full "$W/disk" 64 "$SYNC" coord import "${C[@]}" --quiet "$USB"
failed "coord import" coord_check
imported=$("$SYNC" coord import "${C[@]}" --json "$USB") || fail "import with room again: $imported"
case $imported in *'"accepted":2,'*) ;; *) fail "import with room again: $imported" ;; esac
ok_again "$(printf '%s' "$imported" | grep -o '"accepted":[0-9]*,"already_imported":[0-9]*')"

# 4. The acknowledgement written to a full disk (AtomicFile): no file.
full "$W/disk" 0 "$SYNC" coord ack "${C[@]}" --kiosk "$FP" --out "$D/k.ack"
failed "coord ack --out" coord_check
[ ! -e "$D/k.ack" ] || fail "coord ack on a full disk left a file"
"$SYNC" coord ack "${C[@]}" --kiosk "$FP" --out "$D/k.ack" > /dev/null || fail "ack with room again"
ok_again "$(stat -c %s "$D/k.ack") bytes"

# 5. No room at all: the kiosk's database cannot even be opened (its WAL index needs room), and the
# message must say so, not blame the passphrase.
full "$W/disk" 0 "$SYNC" kiosk check "${K[@]}" --skip-log
failed "kiosk unlock (no room at all)" kiosk_check
ok_again "kiosk check passes"

# 6. The kiosk applies it with its disk full: nothing purged, then everything acknowledged purged.
full "$W/disk" 64 "$SYNC" kiosk apply-ack "${K[@]}" "$D/k.ack"
failed "kiosk apply-ack" kiosk_check
purge=$("$SYNC" kiosk apply-ack "${K[@]}" "$D/k.ack") || fail "apply-ack with room again: $purge"
# One registrant a receipt: the failed run purged none of them.
case $purge in *"of $(wc -l < "$W/printed") registrants removed"*) ;; *) fail "apply-ack with room again: $purge" ;; esac
ok_again "$purge"

# 7. The signatories CSV (the one file with names) onto a full disk: no file, no name in the message.
full "$W/disk" 0 "$SYNC" coord export-signatories "${C[@]}" --appeal political-prisoners --csv "$D/names.csv"
failed "coord export-signatories" coord_check
[ ! -e "$D/names.csv" ] || fail "export-signatories on a full disk left a file"
sig=$("$SYNC" coord export-signatories "${C[@]}" --appeal political-prisoners --csv "$D/names.csv") || fail "signatories with room again: $sig"
grep -qF "${CANARIES[0]}" "$D/names.csv" || fail "the CSV written with room again holds no signatory"
ok_again "$(printf '%s' "$sig" | head -n 1)"

[ -n "${DISK_FULL_VERBOSE:-}" ] && printf "%s\n" "${LOGS[@]}"
echo "disk_full: ok ($MODE)"
echo "step|full disk: exit, last line printed|check after it|with room again"
printf '%s\n' "${RESULTS[@]}" | sed "s|$W/||g"
