#!/usr/bin/env bash
# Stops what up.sh started (dockerd, the two registries), found through its pid
# files; a pid is only signalled when its command line is the one up.sh ran.
# Leaves caches, registry storage, daemon.json and binfmt as they are. Idempotent.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

STOP_TIMEOUT=${NXDE_STOP_TIMEOUT:-30}

NAMES=("registry with auth" registry dockerd)
PIDFILES=("$STATE/auth-registry.pid" "$STATE/registry.pid" "$STATE/dockerd.pid")
PATTERNS=("$(registry_pattern auth-registry)" "$(registry_pattern registry)" "$(dockerd_pattern)")

main() {
  if [[ ! -d $STATE ]]; then
    say "nothing to stop ($STATE does not exist)"
    return 0
  fi
  # Wait for a running up.sh rather than stopping things under it.
  exec 9>"$STATE/up.lock"
  flock -w 900 9 || die "up.sh holds $STATE/up.lock for 15 minutes"

  local i pid pids=() labels=()
  for i in "${!NAMES[@]}"; do
    [[ -e ${PIDFILES[i]} ]] || continue
    if pid=$(owned_pid "${PIDFILES[i]}" "${PATTERNS[i]}"); then
      pids[i]=$pid
      labels+=("${NAMES[i]} (pid $pid)")
    else
      say "${NAMES[i]}: ${PIDFILES[i]} names no process of up.sh (gone, or its pid was reused); removing the pid file"
      rm -f "${PIDFILES[i]}"
    fi
  done
  if [[ ${#pids[@]} -eq 0 ]]; then
    say "nothing to stop: no process started by up.sh is running"
    return 0
  fi

  local joined
  joined=$(printf '%s, ' "${labels[@]}")
  step "stop ${joined%, }"
  for i in "${!pids[@]}"; do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  local t alive killed=()
  for ((t = 0; t < STOP_TIMEOUT * 10; t++)); do
    alive=0
    for i in "${!pids[@]}"; do kill -0 "${pids[i]}" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    # Same check again right before SIGKILL, so a reused pid is never hit.
    if kill -0 "${pids[i]}" 2>/dev/null && [[ $(cmdline_of "${pids[i]}") == *"${PATTERNS[i]}"* ]]; then
      kill -KILL "${pids[i]}" 2>/dev/null || true
      killed+=("${NAMES[i]}")
    fi
    rm -f "${PIDFILES[i]}"
  done
  ok "${killed[*]:+killed after ${STOP_TIMEOUT}s: ${killed[*]}}"
  say "down (kept: caches in $CACHE, registry storage, daemon.json, binfmt; up.sh brings it back)"
}

main "$@"
