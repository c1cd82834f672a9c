#!/usr/bin/env bash
# Stops what up.sh started (dockerd, the two registries), found through its pid
# files; a pid is only signalled when its command line is the one up.sh ran.
# Leaves caches, registry storage, daemon.json and binfmt as they are. Idempotent.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

STOP_TIMEOUT=${NXDE_STOP_TIMEOUT:-30}
STOPPED=0

# stop NAME PIDFILE PATTERN
stop() {
  local name=$1 pidfile=$2 pattern=$3 pid i
  [[ -e $pidfile ]] || return 0
  if ! pid=$(owned_pid "$pidfile" "$pattern"); then
    say "$name: $pidfile names no process of up.sh (gone, or its pid was reused); removing the pid file"
    rm -f "$pidfile"
    return 0
  fi
  step "stop $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    # Same check again right before SIGKILL, so a reused pid is never hit.
    if [[ $(cmdline_of "$pid") == *"$pattern"* ]]; then
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      rm -f "$pidfile"
      STOPPED=1
      ok "killed after ${STOP_TIMEOUT}s"
      return 0
    fi
  fi
  rm -f "$pidfile"
  STOPPED=1
  ok
}

main() {
  if [[ ! -d $STATE ]]; then
    say "nothing to stop ($STATE does not exist)"
    return 0
  fi
  # Wait for a running up.sh rather than stopping things under it.
  exec 9>"$STATE/up.lock"
  flock -w 900 9 || die "up.sh holds $STATE/up.lock for 15 minutes"
  stop "registry with auth" "$STATE/auth-registry.pid" "$(registry_pattern auth-registry)"
  stop registry "$STATE/registry.pid" "$(registry_pattern registry)"
  stop dockerd "$STATE/dockerd.pid" "$(dockerd_pattern)"
  if [[ $STOPPED == 0 ]]; then
    say "nothing to stop: no process started by up.sh is running"
  else
    say "down (caches in $CACHE and registry storage kept; up.sh brings it back)"
  fi
}

main "$@"
