# Shared set-up for the script tests: a coordinator, its public identity, the demo pack, and a kiosk.
# Usage: . tests/e2e/common.sh; make_kiosk WORKDIR   (needs $SYNC = path of embassy-sync)
set -euo pipefail
export EMBASSY_KDF_SECONDS=0   # key files at the MODERATE floor: tests unlock hundreds of times

make_kiosk() {
  local w=$1
  mkdir -p "$w"
  printf 'coordinator test passphrase\n' > "$w/coord.pass"
  printf 'kiosk test passphrase\n' > "$w/kiosk.pass"
  "$SYNC" coord init --dir "$w/coord" --name "Test coordinator" --passphrase-file "$w/coord.pass" >/dev/null
  "$SYNC" coord public-identity --dir "$w/coord" --out "$w/coordinator.pub" >/dev/null
  "$SYNC" coord pack --dir "$w/coord" --in "$SOURCE_DIR/demo/appeals.toml" --out "$w/demo.pack" \
          --passphrase-file "$w/coord.pass" >/dev/null
  "$SYNC" kiosk init --data-dir "$w/kiosk" --coordinator "$w/coordinator.pub" --name "test kiosk" \
          --passphrase-file "$w/kiosk.pass" >/dev/null
  "$SYNC" kiosk load-pack --data-dir "$w/kiosk" --passphrase-file "$w/kiosk.pass" "$w/demo.pack" >/dev/null
}
