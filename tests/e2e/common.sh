# Shared set-up for the script tests: a coordinator, its public identity, the demo pack, and a kiosk.
# Usage: . tests/e2e/common.sh; make_kiosk WORKDIR   (needs $SYNC = path of embassy-sync and
# $SOURCE_DIR = the source tree)
set -euo pipefail
export EMBASSY_KDF_SECONDS=0   # key files at the MODERATE floor: tests unlock hundreds of times

fail() { echo "${0##*/}: FAIL: $*" >&2; exit 1; }

# workdir PREFIX: a fresh $W under $TMPDIR, removed when the script exits however it exits.
workdir() {
  W=$(mktemp -d "${TMPDIR:-/tmp}/$1-XXXXXX")
  trap 'rm -rf "$W"' EXIT
}

# make_coordinator DIR: DIR/coord (passphrase in DIR/coord.pass), DIR/coordinator.pub, DIR/demo.pack.
make_coordinator() {
  local w=$1
  mkdir -p "$w"
  printf 'coordinator test passphrase\n' > "$w/coord.pass"
  "$SYNC" coord init --dir "$w/coord" --name "Test coordinator" --passphrase-file "$w/coord.pass" >/dev/null
  "$SYNC" coord public-identity --dir "$w/coord" --out "$w/coordinator.pub" >/dev/null
  "$SYNC" coord pack --dir "$w/coord" --in "$SOURCE_DIR/demo/appeals.toml" --out "$w/demo.pack" \
          --passphrase-file "$w/coord.pass" >/dev/null
}

# coordinator_workdir PREFIX: workdir PREFIX, cd into it, make_coordinator there.
coordinator_workdir() {
  workdir "$1"
  cd "$W"
  make_coordinator .
}

# make_kiosk DIR: make_coordinator DIR, and DIR/kiosk (passphrase in DIR/kiosk.pass) bound to it
# with the demo pack loaded.
make_kiosk() {
  local w=$1
  make_coordinator "$w"
  printf 'kiosk test passphrase\n' > "$w/kiosk.pass"
  "$SYNC" kiosk init --data-dir "$w/kiosk" --coordinator "$w/coordinator.pub" --name "test kiosk" \
          --passphrase-file "$w/kiosk.pass" >/dev/null
  "$SYNC" kiosk load-pack --data-dir "$w/kiosk" --passphrase-file "$w/kiosk.pass" "$w/demo.pack" >/dev/null
}

# crash_setup PREFIX: the crash loops' common start: workdir, make_kiosk in it, tick_init.
crash_setup() {
  workdir "$1"
  make_kiosk "$W"
  tick_init "$W"
}

# Kill moments for the crash loops (crash_*.sh), taken from what the run observes, never from fixed
# sleeps: a loaded machine unlocks and writes more slowly, and a fixed moment then misses the write.
# Clock, sleep and poll are bash builtins: a process forked per poll step would load the machine
# further and blur the moment seen. Times are integers in microseconds.
POLL_US=2000
tick_init() {   # tick_init DIR: a FIFO no one writes to; `read -t` on it is a sleep without a fork
  mkfifo "$1/.tick"
  exec {TICK_FD}<>"$1/.tick"
  rm "$1/.tick"   # the descriptor stays; no grep -r over DIR opens the FIFO
}
now_us() { printf -v "$1" '%s' "${EPOCHREALTIME//[!0-9]/}"; }
sleep_us() {
  local s
  (($1 > 0)) || return 0
  printf -v s '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000))
  read -r -t "$s" -u "$TICK_FD" _ || true
}
rand_below() { printf -v "$1" '%d' $((SRANDOM % ($2 > 0 ? $2 : 1))); }   # rand_below VAR N: 0 <= VAR < N
median() {   # median VAR N...: the middle of the numbers, the lower one of two (one odd sample moves nothing)
  local out=$1 a i j t
  shift
  a=("$@")
  for ((i = 1; i < ${#a[@]}; i++)); do
    for ((j = i; j > 0 && a[j - 1] > a[j]; j--)); do t=${a[j]} a[j]=${a[j - 1]} a[j - 1]=$t; done
  done
  printf -v "$out" '%d' "${a[(${#a[@]} - 1) / 2]}"
}
sample() {   # sample ARRAY N VALUE: append VALUE, keep the last N (the load changes as a run goes)
  local -n arr=$1
  arr+=("$3")
  ((${#arr[@]} <= $2)) || arr=("${arr[@]: -$2}")
}
# poll_for PID DEADLINE_US CMD...: run CMD every POLL_US until it succeeds (0), PID has exited
# without it (1), or the deadline passed (2).
poll_for() {
  local pid=$1 deadline=$2 t
  shift 2
  while :; do
    "$@" && return 0
    kill -0 "$pid" 2>/dev/null || { "$@" && return 0; return 1; }
    now_us t
    ((t < deadline)) || return 2
    sleep_us "$POLL_US"
  done
}
# kill_at PID AT_US: SIGKILL PID at that moment; fails if PID had already exited.
kill_at() {
  local t
  now_us t
  sleep_us $(($2 - t))
  kill -9 "$1" 2>/dev/null
}
