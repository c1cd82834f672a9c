# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are used by up.sh and down.sh
# Shared by up.sh and down.sh: paths, step lines, pid-file checks.

NXDE_UID=$(id -u)
if [[ -z ${HOME:-} ]]; then
  HOME=$(getent passwd "$NXDE_UID" | cut -d: -f6)
  export HOME
fi
CACHE=${NXDE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nx-docker-extension/docker-engine}
# Pid files, logs, registry configs, testbed.env, auth.env. NXDE_TESTBED_STATE is the
# name the tests' support code reads, so both spellings are honoured.
STATE=${NXDE_STATE_DIR:-${NXDE_TESTBED_STATE:-$CACHE/state}}
REGISTRY_PORT=${NXDE_REGISTRY_PORT:-5000}
AUTH_REGISTRY_PORT=${NXDE_AUTH_REGISTRY_PORT:-5001}
LOG=$STATE/up.log
VERBOSE=${NXDE_VERBOSE:-0}

# --- step lines: "[test-bed] dockerd ... ok (2.1s)" --------------------------

STEP_OPEN=0
STEP_T0=0

now_us() { echo "${EPOCHREALTIME/./}"; }

elapsed() { # seconds since $1 (microseconds), one decimal
  local d=$(($(now_us) - $1))
  printf '%d.%ds' $((d / 1000000)) $((d % 1000000 / 100000))
}

say() { printf '[test-bed] %s\n' "$*"; }

step() {
  STEP_T0=$(now_us)
  STEP_OPEN=1
  printf '[test-bed] %s ... ' "$*"
  [[ $VERBOSE == 1 ]] && printf '\n'
  return 0
}

ok() { # ok [note]
  STEP_OPEN=0
  printf 'ok%s (%s)\n' "${1:+, $1}" "$(elapsed "$STEP_T0")"
}

die() {
  if [[ $STEP_OPEN == 1 ]]; then
    STEP_OPEN=0
    printf 'FAILED\n'
  fi
  printf '[test-bed] error: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '[test-bed]   %s\n' "$line" >&2; done
  exit 1
}

# run CMD...: output goes to the log (or the terminal with NXDE_VERBOSE=1);
# on failure the log's tail is shown.
run() {
  if [[ $VERBOSE == 1 ]]; then
    "$@" || die "command failed: $*"
  else
    printf '+ %s\n' "$*" >>"$LOG"
    if ! "$@" >>"$LOG" 2>&1; then
      local tail_out
      tail_out=$(tail -n 25 "$LOG")
      die "command failed: $*" "last lines of $LOG:" "$tail_out"
    fi
  fi
}

# --- processes that up.sh started --------------------------------------------

# cmdline_of PID: the process's argv joined by spaces, empty if it is gone.
cmdline_of() {
  [[ -r /proc/$1/cmdline ]] || return 0
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | sed 's/ $//'
}

# owned_pid PIDFILE PATTERN: print the pid if the pid file names a live process
# whose command line contains PATTERN (so a recycled pid is never taken as ours).
owned_pid() {
  local pidfile=$1 pattern=$2 pid cmd
  [[ -s $pidfile ]] || return 1
  pid=$(tr -dc '0-9' <"$pidfile")
  [[ -n $pid ]] || return 1
  cmd=$(cmdline_of "$pid")
  [[ -n $cmd && $cmd == *"$pattern"* ]] || return 1
  echo "$pid"
}

dockerd_pattern() { echo "dockerd --pidfile $STATE/dockerd.pid"; }
registry_pattern() { echo "docker-registry serve $STATE/$1.yml"; } # $1: registry | auth-registry
