#!/usr/bin/env bash
# Threat 21: no name survives the end of an embassy-sync command. A kiosk gets registrants with
# canary names (long and short — a name of up to 15 bytes lives inside its std::string — Latin and
# Cyrillic); then kiosk export, coord import, coord export-signatories and kiosk apply-ack each run
# with EMBASSY_TEST_MEMSCAN (registry/memscan.hpp): the program scans its own memory at the end of
# main for the canaries in UTF-8, UTF-16LE and match-key form and prints only the count. Each must
# be 0. Positive control: the same round with wiping turned off finds the names after export,
# import and export-signatories, so the scan can see what the wiping removes.
#   memscan_cli.sh SYNC SOURCE_DIR
set -euo pipefail
SYNC=$1 SOURCE_DIR=$2
. "$SOURCE_DIR/tests/e2e/common.sh"
workdir embassy-memscan

rnd() { tr -dc 'a-z' </dev/urandom | head -c "$1" || true; }
cyr=(б в г д ж з й к л м н п р с т ф х ц ч ш)
crnd() { local s="" i; for ((i = 0; i < $1; i++)); do s+=${cyr[RANDOM % ${#cyr[@]}]}; done; printf '%s' "$s"; }
LONG_G="Zzkanareyka$(rnd 20)"; LONG_F="Qqcanarovich$(rnd 20)"   # 31 and 32 bytes
CYR_G="Жжканарэйка$(crnd 8)";  CYR_F="Щщканаровіч$(crnd 8)"     # 38 bytes each
SHORT_G="Zq$(rnd 7)";          SHORT_F="Xj$(rnd 8)"          # 9 and 10 bytes: inline in std::string
CSHORT_G="Жщ$(crnd 5)";        CSHORT_F="Щж$(crnd 5)"        # 14 bytes each
CANARIES=("$LONG_G" "$LONG_F" "$CYR_G" "$CYR_F" "$SHORT_G" "$SHORT_F" "$CSHORT_G" "$CSHORT_F")
printf '%s\t%s\n' "${CANARIES[@]}" > "$W/names"
# The hook's file: each canary's UTF-8 bytes XOR 0x5A, in hex (neither file nor hook holds a match).
python3 -c 'import sys
for a in sys.argv[1:]: print(bytes(b ^ 0x5A for b in a.encode()).hex())' "${CANARIES[@]}" > "$W/scan"
{ cat "$W/scan"; echo "control unwiped"; } > "$W/scan-control"

# scan SCANFILE NAME CMD...: run CMD with the hook armed; add its hit count to COUNT[NAME].
declare -A COUNT
scan() {
  local file=$1 name=$2 log; shift 2
  log="$W/$name.$RANDOM.log"
  EMBASSY_TEST_MEMSCAN=$file "$@" >/dev/null 2>"$log" || { cat "$log" >&2; fail "$name failed"; }
  if grep -q 'memscan exit: skipped' "$log"; then echo "memscan_cli: SKIP: memory scan skipped under AddressSanitizer"; exit 77; fi
  local n; n=$(sed -n 's/^embassy memscan exit: \([0-9]*\) hits.*/\1/p' "$log")
  [ -n "$n" ] || { cat "$log" >&2; fail "$name: no memscan line"; }
  LINES+=("  $name: $(grep 'memscan exit' "$log")")
  COUNT[$name]=$(( ${COUNT[$name]:-0} + n ))
}

# round DIR SCANFILE: the whole kiosk -> coordinator -> kiosk round, each command scanned.
round() {
  local d=$1 file=$2 fp a
  COUNT=() LINES=()
  make_kiosk "$d"
  local K=(--data-dir "$d/kiosk" --passphrase-file "$d/kiosk.pass") C=(--dir "$d/coord" --passphrase-file "$d/coord.pass")
  "$SYNC" kiosk simulate "${K[@]}" --count 16 --seed 5 --names-file "$W/names" >/dev/null
  "$SYNC" kiosk info "${K[@]}" --json > "$d/info.json"
  fp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fingerprint"])' "$d/info.json")
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["public_key"])' "$d/info.json" > "$d/k.kiosk-key"
  "$SYNC" coord enroll "${C[@]}" --kiosk-key "$d/k.kiosk-key" >/dev/null
  mkdir -p "$d/out"
  scan "$file" export "$SYNC" kiosk export "${K[@]}" --out "$d/out"
  scan "$file" import "$SYNC" coord import "${C[@]}" "$d/out"
  # Every appeal the simulated registrants may have signed (simulate picks one at random).
  for a in $(awk '/^\[\[appeals\]\]/ { want = 1 } want && /^id = / { gsub(/"/, "", $3); print $3; want = 0 }' \
               "$SOURCE_DIR/demo/appeals.toml"); do
    scan "$file" signatories "$SYNC" coord export-signatories "${C[@]}" --appeal "$a" --csv "$d/sig-$a.csv"
  done
  "$SYNC" coord ack "${C[@]}" --kiosk "$fp" --out "$d/k.ack" >/dev/null
  scan "$file" apply-ack "$SYNC" kiosk apply-ack "${K[@]}" "$d/k.ack"
}

summary() { echo "kiosk export ${COUNT[export]}, coord import ${COUNT[import]}, coord export-signatories ${COUNT[signatories]}, kiosk apply-ack ${COUNT[apply-ack]}"; }

round "$W/control" "$W/scan-control"
echo "positive control (wiping off): $(summary)"
printf '%s\n' "${LINES[@]}"
# The round must have carried the names where the scan looks: into the signatories CSV at least.
cat "$W/control"/sig-*.csv | grep -q -- "$LONG_G\|$CYR_G\|$SHORT_G\|$CSHORT_G" || fail "no canary reached a signatories CSV"
for c in export import signatories; do
  [ "${COUNT[$c]}" -gt 0 ] || fail "control: the scan found nothing after $c with wiping off"
done

round "$W/wiped" "$W/scan"
echo "wiped: $(summary)"
printf '%s\n' "${LINES[@]}"
for c in export import signatories apply-ack; do
  [ "${COUNT[$c]}" = 0 ] || fail "canary names left in memory after $c"
done
echo "PASS memscan_cli"
