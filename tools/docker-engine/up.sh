#!/usr/bin/env bash
# Brings up the test bed: a Docker engine that builds multi-platform images,
# a plain registry, a registry with basic auth, and base images in it.
# One command, idempotent; see README.md beside this file.
set -Eeuo pipefail
trap 'die "unexpected failure: $BASH_COMMAND" "more in $LOG"' ERR

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

SUITE=${NXDE_DEBIAN_SUITE:-trixie}
GO_PKG=${NXDE_GO_PACKAGE:-golang-1.24}
GO_VERSION=${GO_PKG#golang-}
DOCKERD_TIMEOUT=${NXDE_DOCKERD_TIMEOUT:-60}
if [[ $NXDE_UID -eq 0 ]]; then
  DATA=${NXDE_DATA_DIR:-/var/lib/nx-docker-extension}
else
  DATA=${NXDE_DATA_DIR:-$STATE}
fi
REGISTRY=127.0.0.1:$REGISTRY_PORT
AUTH_REGISTRY=127.0.0.1:$AUTH_REGISTRY_PORT
BASE_IMAGE=$REGISTRY/testbed/busybox:1
GO_IMAGE=$REGISTRY/testbed/golang:1
AUTH_USER=testuser
AUTH_PASSWORD=testpassword
ENV_FILE=$STATE/testbed.env
AUTH_FILE=$STATE/auth.env
SYSTEM_PACKAGES_ENGINE=(runc iptables tini qemu-user-static binfmt-support)
SYSTEM_PACKAGES_REGISTRY=(docker-registry apache2-utils)

CHANGED=0 # set when this run started or wrote anything

# --- small helpers -------------------------------------------------------------

native_arch() {
  case $(uname -m) in
    x86_64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) uname -m ;;
  esac
}
ARCH=$(native_arch)
case $ARCH in
  amd64) OTHER_ARCH=arm64 QEMU_FMT=qemu-aarch64 ;;
  arm64) OTHER_ARCH=amd64 QEMU_FMT=qemu-x86_64 ;;
  *) OTHER_ARCH='' QEMU_FMT='' ;;
esac

have() { command -v "$1" >/dev/null 2>&1; }

# The engine builds (and pushes) multi-platform images when it uses the
# containerd image store, or when the current buildx builder is not the plain
# docker driver and lists both platforms.
engine_multiplatform() {
  if timeout 15 docker info --format '{{json .DriverStatus}}' 2>/dev/null |
    grep -q 'io.containerd.snapshotter.v1'; then
    return 0
  fi
  local out
  out=$(timeout 15 docker buildx inspect 2>/dev/null) || return 1
  grep -qE '^Driver: +docker$' <<<"$out" && return 1
  grep -q 'linux/amd64' <<<"$out" && grep -q 'linux/arm64' <<<"$out"
}

system_buildx() { # buildx in a plugin folder the CLI searches whatever DOCKER_CONFIG is
  local d
  for d in /usr/local/lib /usr/local/libexec /usr/lib /usr/libexec; do
    [[ -x $d/docker/cli-plugins/docker-buildx ]] && return 0
  done
  return 1
}

missing_packages() { # prints the packages of "$@" that dpkg does not have installed
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

# listener PORT: "pid N (command line)" of the process listening on 127.0.0.1:PORT,
# or a description of the socket when ss cannot name the process.
listener() {
  local line pid
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1)
  [[ -n $line ]] || return 1
  pid=$(grep -o 'pid=[0-9]*' <<<"$line" | head -n 1 | cut -d= -f2 || true)
  if [[ -n $pid ]]; then
    echo "pid $pid ($(cmdline_of "$pid"))"
  else
    echo "a process ss cannot name: $(tr -s ' ' <<<"$line")"
  fi
}

# http_status URL [curl args...]: the HTTP status code, 000 when nothing answers.
http_status() {
  local url=$1
  shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url" 2>/dev/null || true
}

is_registry() { # PORT: answers /v2/ like a distribution registry
  curl -s -o /dev/null -D - --max-time 5 "http://127.0.0.1:$1/v2/" 2>/dev/null |
    grep -qi '^docker-distribution-api-version: *registry/2'
}

registry_has() { # REPOSITORY TAG
  [[ $(http_status "http://$REGISTRY/v2/$1/manifests/$2" -I \
    -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json') == 200 ]]
}

# --- private apt configuration (Debian $SUITE; the system's sources stay untouched)

APT_DIR=$CACHE/apt
DEB_DIR=$CACHE/debs
APT_READY=0

debian_mirror() {
  if [[ -n ${NXDE_DEBIAN_MIRROR:-} ]]; then
    echo "$NXDE_DEBIAN_MIRROR"
    return
  fi
  local uri=''
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
      /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $uri && -r /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\// && $i !~ /security/) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  echo "$uri"
}

apt_private() {
  local opts=(
    -o "Dir::Etc::sourcelist=$APT_DIR/sources.list"
    -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$APT_DIR/lists"
    -o "Dir::Cache=$APT_DIR/cache"
    -o "Dir::Cache::archives=$APT_DIR/archives"
    -o "APT::Architectures::=$ARCH"
    -o "APT::Architectures::=$OTHER_ARCH"
  )
  [[ $NXDE_UID -eq 0 ]] && opts+=(-o APT::Sandbox::User=root)
  apt-get -q "${opts[@]}" "$@"
}

apt_private_update() {
  [[ $APT_READY == 1 ]] && return 0
  local mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  mirror=$(debian_mirror)
  [[ -n $mirror ]] || die "no Debian archive address found in /etc/apt/sources.list.d/debian.sources (URIs:) or /etc/apt/sources.list" \
    "set NXDE_DEBIAN_MIRROR, e.g. NXDE_DEBIAN_MIRROR=http://deb.debian.org/debian"
  [[ -r $keyring ]] || die "$keyring is missing" "fix: apt-get install debian-archive-keyring"
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache" "$APT_DIR/archives/partial"
  echo "deb [signed-by=$keyring] $mirror $SUITE main" >"$APT_DIR/sources.list"
  run apt_private update
  APT_READY=1
}

# fetch_debs PKG[:ARCH]...: make sure $DEB_DIR holds a .deb of each (downloaded once).
fetch_debs() {
  local spec name arch want=()
  mkdir -p "$DEB_DIR"
  for spec in "$@"; do
    name=${spec%%:*}
    arch=$ARCH
    [[ $spec == *:* ]] && arch=${spec#*:}
    compgen -G "$DEB_DIR/${name}_*_${arch}.deb" >/dev/null ||
      compgen -G "$DEB_DIR/${name}_*_all.deb" >/dev/null ||
      want+=("$spec")
  done
  [[ ${#want[@]} -eq 0 ]] && return 0
  apt_private_update
  (cd "$DEB_DIR" && run apt_private download "${want[@]}")
  CHANGED=1
}

deb_of() { # PKG [ARCH]: path of the cached .deb
  local f
  f=$(compgen -G "$DEB_DIR/${1}_*_${2:-$ARCH}.deb" || compgen -G "$DEB_DIR/${1}_*_all.deb" || true)
  [[ -n $f ]] || die "no cached .deb for $1 in $DEB_DIR"
  head -n 1 <<<"$f"
}

# unpack_tree DIR DEB...: dpkg-deb -x into DIR each .deb not unpacked there yet
# (additive: the engine may be running from this tree).
unpack_tree() {
  local dir=$1 deb name
  shift
  mkdir -p "$dir"
  touch "$dir/.unpacked"
  for deb in "$@"; do
    name=$(basename "$deb")
    grep -qxF "$name" "$dir/.unpacked" && continue
    run dpkg-deb -x "$deb" "$dir"
    echo "$name" >>"$dir/.unpacked"
    CHANGED=1
  done
}

# --- steps ---------------------------------------------------------------------

ENGINE_MODE='' # ours | existing | start
NEED_BUILDX=0
NEED_CLI=0
REG_MODE='' # ours | existing | start
AUTH_MODE='' # ours | existing | start

check_engine() {
  step "engine"
  local pid
  if pid=$(owned_pid "$STATE/dockerd.pid" "$(dockerd_pattern)"); then
    ENGINE_MODE=ours
    ok "running, started by up.sh (pid $pid)"
  elif ! have docker; then
    ENGINE_MODE=start
    ok "no docker CLI and no engine; up.sh will bring both"
  elif DOCKER_ERR=$(timeout 15 docker info 2>&1 >/dev/null); then
    engine_multiplatform || die "a Docker engine answers ($(docker context show 2>/dev/null || echo default) context) but cannot build multi-platform images, and up.sh will not start a second one" \
      "fix one of:" \
      "  - use the containerd image store: {\"features\":{\"containerd-snapshotter\":true}} in /etc/docker/daemon.json, then restart dockerd (Docker Desktop: Settings > General > Use containerd for pulling and storing images)" \
      "  - or a builder that can: docker buildx create --use --driver docker-container --platform linux/amd64,linux/arm64" \
      "  - or stop that engine and run up.sh again (as root) to start its own"
    ENGINE_MODE=existing
    if timeout 15 docker buildx inspect 2>/dev/null | grep -q "linux/$OTHER_ARCH"; then
      ok "an engine that builds multi-platform images already answers; not starting one"
    else
      ok "an engine that builds multi-platform images already answers; not starting one"
      say "warning: its builder lists no linux/$OTHER_ARCH, so RUN steps of $OTHER_ARCH stages may fail (needs QEMU binfmt: update-binfmts --enable $QEMU_FMT on Debian)"
    fi
  else
    if grep -qi 'permission denied' <<<"$DOCKER_ERR"; then
      die "an engine is there but answers uid $NXDE_UID with: $(grep -i -m1 'permission denied' <<<"$DOCKER_ERR")" \
        "fix: sudo usermod -aG docker $(id -un) (then log in again), or run as root"
    fi
    if [[ -n ${DOCKER_HOST:-} ]]; then
      die "DOCKER_HOST=$DOCKER_HOST does not answer" "unset DOCKER_HOST to let up.sh start a local engine, or start that engine"
    fi
    ENGINE_MODE=start
    ok "none answers; up.sh will start one"
  fi
  have docker || NEED_CLI=1
  if [[ $NEED_CLI == 1 ]] || ! docker buildx version >/dev/null 2>&1; then
    NEED_BUILDX=1
  elif [[ $NXDE_UID -eq 0 && $ENGINE_MODE != existing ]] && ! system_buildx; then
    NEED_BUILDX=1 # only in ~/.docker: a test's own DOCKER_CONFIG would lose it
  fi
}

# check_port ROLE PORT: set PORT_MODE to ours | existing | start for a registry
# port; never touches a process that up.sh did not start.
check_port() {
  local role=$1 port=$2 pid who status
  if pid=$(owned_pid "$STATE/$role.pid" "$(registry_pattern "$role")"); then
    grep -qx "  addr: 127.0.0.1:$port" "$STATE/$role.yml" ||
      die "up.sh's $role (pid $pid) serves $(grep -o '127.0.0.1:[0-9]*' "$STATE/$role.yml"), not 127.0.0.1:$port" \
        "to change ports: tools/docker-engine/down.sh, then up.sh with the new port"
    PORT_MODE=ours
    return
  fi
  if ! who=$(listener "$port"); then
    PORT_MODE=start
    return
  fi
  PORT_MODE=existing
  if [[ $role == registry ]]; then
    is_registry "$port" && [[ $(http_status "http://127.0.0.1:$port/v2/") == 200 ]] && return
    die "127.0.0.1:$port is taken by $who, which is not a registry without auth" \
      "up.sh never stops a process it did not start; pick another port: NXDE_REGISTRY_PORT=5050 $0"
  else
    status=$(http_status "http://127.0.0.1:$port/v2/" -u "$AUTH_USER:$AUTH_PASSWORD")
    is_registry "$port" && [[ $status == 200 && $(http_status "http://127.0.0.1:$port/v2/") == 401 ]] && return
    die "127.0.0.1:$port is taken by $who, which is not a registry that takes the test bed's credentials" \
      "up.sh never stops a process it did not start; pick another port: NXDE_AUTH_REGISTRY_PORT=5051 $0"
  fi
}

check_ports() {
  step "ports $REGISTRY_PORT, $AUTH_REGISTRY_PORT"
  [[ $REGISTRY_PORT != "$AUTH_REGISTRY_PORT" ]] || die "NXDE_REGISTRY_PORT and NXDE_AUTH_REGISTRY_PORT are both $REGISTRY_PORT"
  check_port registry "$REGISTRY_PORT"
  REG_MODE=$PORT_MODE
  check_port auth-registry "$AUTH_REGISTRY_PORT"
  AUTH_MODE=$PORT_MODE
  ok "registry: $REG_MODE, auth registry: $AUTH_MODE"
}

# Not root or not Debian: go on only where nothing needs installing or starting as
# root; otherwise say exactly what is missing and how to get it, and install nothing.
check_can_install() {
  local need_pkgs=() problems=() is_debian=0 images_missing=0 missing=''
  [[ $ENGINE_MODE == start ]] && need_pkgs+=("${SYSTEM_PACKAGES_ENGINE[@]}")
  [[ $REG_MODE == start || $AUTH_MODE == start ]] && need_pkgs+=("${SYSTEM_PACKAGES_REGISTRY[@]}")
  if [[ -r /etc/os-release ]] && grep -qx 'ID=debian' /etc/os-release && have apt-get && have dpkg-deb; then
    is_debian=1
    missing=$(missing_packages "${need_pkgs[@]}" | tr '\n' ' ')
    missing=${missing% }
  fi
  if [[ $REG_MODE == start ]] || ! registry_has testbed/busybox 1 || ! registry_has testbed/golang 1; then
    images_missing=1
  fi
  NEED_PKGS=("${need_pkgs[@]}")
  [[ $is_debian == 1 && $NXDE_UID -eq 0 ]] && return 0

  if [[ $is_debian == 0 ]]; then
    [[ $ENGINE_MODE == start ]] && problems+=("a Docker engine that builds multi-platform images: Docker Desktop with 'Use containerd for pulling and storing images' (Settings > General), or a docker-container builder: docker buildx create --use --driver docker-container")
    [[ $NEED_BUILDX == 1 ]] && problems+=("the buildx CLI plugin (Docker Desktop ships it; elsewhere see docs.docker.com/build/install-buildx)")
    [[ $REG_MODE == start ]] && problems+=("a registry on 127.0.0.1:$REGISTRY_PORT: docker run -d --name nxde-registry -p 127.0.0.1:$REGISTRY_PORT:5000 -e REGISTRY_STORAGE_DELETE_ENABLED=true registry:2")
    [[ $AUTH_MODE == start ]] && problems+=("a registry with htpasswd auth ($AUTH_USER) on 127.0.0.1:$AUTH_REGISTRY_PORT: see tools/docker-engine/README.md")
    [[ $images_missing == 1 ]] && problems+=("$BASE_IMAGE and $GO_IMAGE: up.sh makes them from Debian packages, so run it once on Debian 12 (CI, dev machines)")
    [[ ${#problems[@]} -gt 0 ]] &&
      die "up.sh installs and starts things only on Debian, and this is $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-an unknown OS}" || echo 'an unknown OS'); missing:" "${problems[@]}"
    return 0
  fi
  # Debian, not root: downloads into the cache, registries and images are fine; system changes are not.
  [[ -n $missing ]] && problems+=("Debian packages: sudo apt-get update && sudo apt-get install -y $missing")
  [[ $ENGINE_MODE == start ]] && problems+=("a Docker engine that builds multi-platform images: sudo $0 (starts dockerd 26 with the containerd image store)")
  [[ $NEED_CLI == 1 ]] && problems+=("the docker CLI: sudo $0 (links Debian $SUITE's docker CLI into /usr/local/bin)")
  [[ ${#problems[@]} -gt 0 ]] && die "not root (uid $NXDE_UID), so up.sh installs nothing; missing:" "${problems[@]}"
  return 0
}

install_system_packages() {
  step "Debian packages"
  local missing
  mapfile -t missing < <(missing_packages "${NEED_PKGS[@]}")
  if [[ ${#missing[@]} -eq 0 ]]; then
    ok "present"
    return
  fi
  # Lists may be stale or absent on a fresh machine: one update, then install.
  run apt-get update -q
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  CHANGED=1
  ok "installed ${missing[*]}"
}

ENGINE_ROOT=$CACHE/engine/root
ENGINE_BIN=$CACHE/engine/bin

engine_binaries() {
  [[ $ENGINE_MODE == start || $NEED_BUILDX == 1 ]] || return 0
  step "dockerd, containerd, buildx from Debian $SUITE"
  local pkgs=(docker.io containerd docker-buildx) debs=() p
  [[ $NEED_CLI == 1 ]] && pkgs+=(docker-cli)
  fetch_debs "${pkgs[@]}"
  for p in "${pkgs[@]}"; do debs+=("$(deb_of "$p")"); done
  unpack_tree "$ENGINE_ROOT" "${debs[@]}"
  mkdir -p "$ENGINE_BIN"
  local b
  for b in usr/sbin/dockerd usr/sbin/docker-proxy usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/bin/ctr; do
    [[ -x $ENGINE_ROOT/$b ]] || die "$ENGINE_ROOT/$b is missing after unpacking ${debs[*]}"
    ln -sfn "../root/$b" "$ENGINE_BIN/${b##*/}"
  done
  # dockerd looks for docker-init (tini) on PATH; Debian 12's tini ships tini-static.
  [[ -x /usr/bin/tini-static ]] && ln -sfn /usr/bin/tini-static "$ENGINE_BIN/docker-init"
  if [[ $NEED_CLI == 1 ]]; then
    ln -sfn "$ENGINE_ROOT/usr/bin/docker" /usr/local/bin/docker
    hash -r
  fi
  ok "$(for p in "${debs[@]}"; do basename "$p" .deb; done | tr '\n' ' ' | sed 's/ $//')"
}

install_buildx() {
  [[ $NEED_BUILDX == 1 ]] || return 0
  step "buildx CLI plugin"
  local src=$ENGINE_ROOT/usr/libexec/docker/cli-plugins/docker-buildx
  local dirs=("${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins") dir
  # As root also the system plugin folder, so tests with their own DOCKER_CONFIG keep buildx.
  [[ $NXDE_UID -eq 0 ]] && dirs+=(/usr/local/lib/docker/cli-plugins)
  for dir in "${dirs[@]}"; do
    mkdir -p "$dir"
    install -m 0755 "$src" "$dir/docker-buildx"
  done
  local v
  v=$(docker buildx version 2>&1) || die "docker buildx version fails after installing ${dirs[*]/%//docker-buildx}" "$v"
  CHANGED=1
  ok "${dirs[*]/%//docker-buildx}: $v"
}

setup_binfmt() {
  [[ $ENGINE_MODE != existing && -n $QEMU_FMT && $NXDE_UID -eq 0 ]] || return 0
  step "binfmt_misc $QEMU_FMT"
  local mnt=/proc/sys/fs/binfmt_misc
  if ! mountpoint -q "$mnt"; then
    run mount -t binfmt_misc binfmt_misc "$mnt"
    CHANGED=1
  fi
  if ! grep -qx enabled "$mnt/$QEMU_FMT" 2>/dev/null; then
    run update-binfmts --enable "$QEMU_FMT"
    CHANGED=1
  fi
  grep -qx enabled "$mnt/$QEMU_FMT" 2>/dev/null ||
    die "$mnt/$QEMU_FMT is not enabled after update-binfmts --enable $QEMU_FMT" "see: update-binfmts --display $QEMU_FMT"
  # F (fix binary): the interpreter is opened now, so it works inside containers too.
  grep -q '^flags:.*F' "$mnt/$QEMU_FMT" ||
    die "$mnt/$QEMU_FMT lacks the F flag, so $OTHER_ARCH RUN steps cannot find qemu inside containers" \
      "fix: update-binfmts --disable $QEMU_FMT && update-binfmts --enable $QEMU_FMT (qemu-user-static registers with fix_binary)"
  ok
}

# Merge {"features":{"containerd-snapshotter":true}} into daemon.json, keeping other keys.
setup_daemon_json() {
  [[ $ENGINE_MODE != existing ]] || return 0
  step "/etc/docker/daemon.json containerd-snapshotter"
  local f=/etc/docker/daemon.json result
  mkdir -p /etc/docker
  local merge='
const fs = require("fs");
const f = process.argv[1];
let text = "";
try { text = fs.readFileSync(f, "utf8"); } catch (e) { if (e.code !== "ENOENT") throw e; }
let cfg = {};
if (text.trim() !== "") {
  try { cfg = JSON.parse(text); } catch (e) { console.error(f + " is not valid JSON: " + e.message); process.exit(2); }
}
if (cfg === null || typeof cfg !== "object" || Array.isArray(cfg)) { console.error(f + " is not a JSON object"); process.exit(2); }
if (cfg.features === undefined) cfg.features = {};
if (cfg.features === null || typeof cfg.features !== "object") { console.error(f + ": \"features\" is not an object"); process.exit(2); }
if (cfg.features["containerd-snapshotter"] === true) { console.log("unchanged"); process.exit(0); }
cfg.features["containerd-snapshotter"] = true;
if (text !== "" && !fs.existsSync(f + ".nxde-bak")) fs.writeFileSync(f + ".nxde-bak", text);
fs.writeFileSync(f + ".nxde-tmp", JSON.stringify(cfg, null, 2) + "\n");
fs.renameSync(f + ".nxde-tmp", f);
console.log("written");
'
  local merge_py='
import json, os, sys
f = sys.argv[1]
try:
    text = open(f).read()
except FileNotFoundError:
    text = ""
cfg = {}
if text.strip():
    try:
        cfg = json.loads(text)
    except ValueError as e:
        sys.exit(f"{f} is not valid JSON: {e}")
if not isinstance(cfg, dict) or not isinstance(cfg.setdefault("features", {}), dict):
    sys.exit(f"{f}: not a JSON object, or \"features\" is not an object")
if cfg["features"].get("containerd-snapshotter") is True:
    print("unchanged"); sys.exit(0)
cfg["features"]["containerd-snapshotter"] = True
if text and not os.path.exists(f + ".nxde-bak"):
    open(f + ".nxde-bak", "w").write(text)
open(f + ".nxde-tmp", "w").write(json.dumps(cfg, indent=2) + "\n")
os.replace(f + ".nxde-tmp", f)
print("written")
'
  if have node; then
    result=$(node -e "$merge" "$f" 2>&1) || die "could not merge into $f (left as it was)" "$result"
  elif have python3; then
    result=$(python3 -c "$merge_py" "$f" 2>&1) || die "could not merge into $f (left as it was)" "$result"
  else
    die "neither node nor python3 is available to merge JSON into $f" "fix: apt-get install -y python3"
  fi
  if [[ $result == written ]]; then
    CHANGED=1
    DAEMON_JSON_CHANGED=1
  fi
  ok "$result"
}
DAEMON_JSON_CHANGED=0

stop_our_dockerd() {
  local pid
  pid=$(owned_pid "$STATE/dockerd.pid" "$(dockerd_pattern)") || return 0
  kill -TERM "$pid"
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  die "dockerd (pid $pid) did not stop within 30s after SIGTERM"
}

# spawn LOG CMD...: start CMD in the background in its own session, with no descriptor
# of ours (the lock, a caller's pipes: a test runner waiting for EOF would hang).
# Sets $!; the wrapper shell execs CMD, so $! is CMD's pid.
spawn() {
  local log=$1
  shift
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}; ((fd > 2)) && eval "exec $fd>&-"; done; exec "$@"' \
    spawn "$@" </dev/null >>"$log" 2>&1 &
}

wait_for_dockerd() { # PID
  local pid=$1 log=$STATE/dockerd.log
  local deadline=$(($(now_us) + DOCKERD_TIMEOUT * 1000000))
  until timeout 5 docker info >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      die "dockerd exited during start-up (see $log)" "$(tail -n 20 "$log")" \
        "if the log names iptables or the bridge: NXDE_DOCKERD_ARGS='--iptables=false --bridge=none' $0"
    fi
    if (($(now_us) > deadline)); then
      die "dockerd (pid $pid) did not answer 'docker info' within ${DOCKERD_TIMEOUT}s (see $log; it is left running, tools/docker-engine/down.sh stops it)" \
        "$(tail -n 20 "$log")"
    fi
    sleep 0.2
  done
  engine_multiplatform || die "dockerd answers but does not use the containerd image store (see $log)" "$(tail -n 10 "$log")"
}

start_dockerd() {
  local log=$STATE/dockerd.log pid
  if [[ $ENGINE_MODE == ours ]]; then
    pid=$(owned_pid "$STATE/dockerd.pid" "$(dockerd_pattern)")
    if [[ $DAEMON_JSON_CHANGED == 0 ]]; then
      timeout 5 docker info >/dev/null 2>&1 && return 0
      step "dockerd (pid $pid) still starting"
      wait_for_dockerd "$pid"
      ok
      return 0
    fi
    step "dockerd restart (daemon.json changed)"
    stop_our_dockerd
  else
    step "dockerd"
  fi
  : >"$log"
  local args=(--pidfile "$STATE/dockerd.pid")
  if [[ -n ${NXDE_DOCKERD_ARGS:-} ]]; then
    local extra
    read -r -a extra <<<"$NXDE_DOCKERD_ARGS"
    args+=("${extra[@]}")
  fi
  rm -f "$STATE/dockerd.pid"
  PATH="$ENGINE_BIN:$PATH" spawn "$log" "$ENGINE_BIN/dockerd" "${args[@]}"
  pid=$!
  CHANGED=1
  wait_for_dockerd "$pid"
  ok "pid $pid, $(docker version --format '{{.Server.Version}}' 2>/dev/null), log $log"
}

write_registry_config() { # ROLE PORT
  local role=$1 port=$2 cfg=$STATE/$1.yml data=$DATA/$1-$2
  mkdir -p "$data"
  {
    echo "# written by tools/docker-engine/up.sh"
    echo "version: 0.1"
    echo "log:"
    echo "  level: warn"
    echo "  accesslog:"
    echo "    disabled: true"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: $data"
    echo "  delete:"
    echo "    enabled: true"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    echo "  secret: nxde-test-bed-$role"
    if [[ $role == auth-registry ]]; then
      echo "auth:"
      echo "  htpasswd:"
      echo "    realm: nx-docker-extension-test-bed"
      echo "    path: $STATE/htpasswd"
    fi
  } >"$cfg"
}

start_registry() { # ROLE PORT MODE
  local role=$1 port=$2 mode=$3 label pid log=$STATE/$1.log
  label="registry 127.0.0.1:$port"
  [[ $role == auth-registry ]] && label="registry with auth 127.0.0.1:$port"
  step "$label"
  if [[ $role == auth-registry ]]; then
    # Credentials for tests; the password is never printed.
    umask_old=$(umask)
    umask 077
    printf 'AUTH_REGISTRY=127.0.0.1:%s\nAUTH_USER=%s\nAUTH_PASSWORD=%s\n' "$port" "$AUTH_USER" "$AUTH_PASSWORD" >"$AUTH_FILE.tmp"
    mv "$AUTH_FILE.tmp" "$AUTH_FILE"
    umask "$umask_old"
  fi
  case $mode in
    ours)
      ok "running, started by up.sh (pid $(owned_pid "$STATE/$role.pid" "$(registry_pattern "$role")"))"
      return
      ;;
    existing)
      ok "already answers ($(listener "$port" || echo '?')); not started by up.sh"
      return
      ;;
  esac
  write_registry_config "$role" "$port"
  if [[ $role == auth-registry ]]; then
    htpasswd -Bbn "$AUTH_USER" "$AUTH_PASSWORD" >"$STATE/htpasswd.tmp" 2>>"$LOG" || die "htpasswd failed"
    mv "$STATE/htpasswd.tmp" "$STATE/htpasswd"
  fi
  : >"$log"
  spawn "$log" docker-registry serve "$STATE/$role.yml"
  pid=$!
  echo "$pid" >"$STATE/$role.pid"
  CHANGED=1
  local i
  for ((i = 0; i < 100; i++)); do
    is_registry "$port" && break
    kill -0 "$pid" 2>/dev/null || die "docker-registry for 127.0.0.1:$port exited (see $log)" "$(tail -n 10 "$log")"
    sleep 0.1
  done
  is_registry "$port" || die "docker-registry (pid $pid) does not answer on 127.0.0.1:$port after 10s (see $log)"
  if [[ $role == auth-registry ]]; then
    [[ $(http_status "http://127.0.0.1:$port/v2/") == 401 && $(http_status "http://127.0.0.1:$port/v2/" -u "$AUTH_USER:$AUTH_PASSWORD") == 200 ]] ||
      die "registry on 127.0.0.1:$port does not check the credentials in $AUTH_FILE as expected (see $log)"
  fi
  ok "pid $pid, storage $DATA/$role-$port"
}

# --- base images (no Docker Hub: made from Debian packages) -----------------------

IMAGES_DIR=$CACHE/images

busybox_rootfs() { # ARCH DIR
  local arch=$1 dir=$2 applet
  local tmp=$dir.tmp
  rm -rf "$tmp" "$dir"
  mkdir -p "$tmp/unpacked"
  run dpkg-deb -x "$(deb_of busybox-static "$arch")" "$tmp/unpacked"
  mkdir -p "$tmp/rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,proc,sys,dev}
  local bb
  for bb in "$tmp/unpacked/bin/busybox" "$tmp/unpacked/usr/bin/busybox" ''; do [[ -x $bb ]] && break; done
  [[ -n $bb ]] || die "no bin/busybox or usr/bin/busybox in $(deb_of busybox-static "$arch")"
  install -m 0755 "$bb" "$tmp/rootfs/bin/busybox"
  chmod 1777 "$tmp/rootfs/tmp" "$tmp/rootfs/var/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$tmp/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/rootfs/etc/group"
  # Every applet as a link, from the list the native binary prints (same build for both arches).
  while read -r applet; do
    [[ $applet == */* && $applet != bin/busybox ]] || continue # not linuxrc
    [[ -e $tmp/rootfs/$applet ]] || ln -s /bin/busybox "$tmp/rootfs/$applet"
  done < <("$BUSYBOX_NATIVE" --list-full)
  mv "$tmp/rootfs" "$dir"
  rm -rf "$tmp"
}

# Base images are built once into OCI layouts in the cache ($IMAGES_DIR/*.oci), keyed
# by their recipe; a fresh registry gets them pushed from there byte for byte.
layout_key() { sha256sum | cut -c1-64; }
layout_ok() { [[ -f $1/index.json && -f $1/.key && $(cat "$1/.key") == "$2" ]]; }
layout_digest() { grep -o '"digest":"sha256:[0-9a-f]*"' "$1/index.json" | head -n 1 | cut -d'"' -f4; }

# build_layout LAYOUT KEY CONTEXT ARGS...: docker buildx build into an OCI layout.
# gzip, not zstd: images built FROM these keep their layers as they are, and readers
# expect gzip; level 1 halves the export of the 230 MB Go tree (81 MB instead of 71 MB).
build_layout() {
  local layout=$1 key=$2 ctx=$3
  shift 3
  rm -rf "$layout.tmp"
  run docker buildx build --provenance=false --sbom=false "$@" \
    --output "type=oci,tar=false,dest=$layout.tmp,compression=gzip,compression-level=1" "$ctx"
  rm -rf "$layout.tmp/ingest" "$layout"
  echo "$key" >"$layout.tmp/.key"
  mv "$layout.tmp" "$layout"
}

push_layout() { # LAYOUT REPO TAG...
  have node || die "node is needed to push $1 (tools/docker-engine/push-oci-layout.mjs)"
  run node "$HERE/push-oci-layout.mjs" "$1" "$REGISTRY" "${@:2}"
}

# shellcheck disable=SC2016 # ${TARGETARCH} is for the Dockerfile
BUSYBOX_DOCKERFILE='# Written by tools/docker-engine/up.sh: busybox-static from Debian, both arches.
FROM scratch
ARG TARGETARCH
COPY rootfs-${TARGETARCH}/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["sh"]
'

build_base_image() {
  step "image $BASE_IMAGE"
  if registry_has testbed/busybox 1; then
    ok "present"
    return
  fi
  fetch_debs "busybox-static:amd64" "busybox-static:arm64"
  local layout=$IMAGES_DIR/busybox.oci key note="pushed from the cache"
  key=$({
    echo "recipe 1"
    echo "$BUSYBOX_DOCKERFILE"
    deb_of busybox-static amd64
    deb_of busybox-static arm64
  } | layout_key)
  if ! layout_ok "$layout" "$key"; then
    local ctx=$IMAGES_DIR/busybox tmpbb
    rm -rf "$ctx"
    mkdir -p "$ctx"
    tmpbb=$(mktemp -d)
    run dpkg-deb -x "$(deb_of busybox-static "$ARCH")" "$tmpbb"
    BUSYBOX_NATIVE=$tmpbb/usr/bin/busybox
    [[ -x $BUSYBOX_NATIVE ]] || BUSYBOX_NATIVE=$tmpbb/bin/busybox
    busybox_rootfs amd64 "$ctx/rootfs-amd64"
    busybox_rootfs arm64 "$ctx/rootfs-arm64"
    rm -rf "$tmpbb"
    printf '%s' "$BUSYBOX_DOCKERFILE" >"$ctx/Dockerfile"
    build_layout "$layout" "$key" "$ctx" --platform linux/amd64,linux/arm64
    rm -rf "$ctx"
    note="built and pushed"
  fi
  push_layout "$layout" testbed/busybox 1 latest
  registry_has testbed/busybox 1 || die "pushed $BASE_IMAGE but the registry does not list it"
  CHANGED=1
  ok "$note (linux/amd64, linux/arm64)"
}

go_dockerfile() {
  cat <<EOF
# Written by tools/docker-engine/up.sh: Debian's Go $GO_VERSION on the test-bed busybox.
FROM base
# Two layers, compressed in parallel.
COPY tree/usr/lib/ /usr/lib/
COPY tree/usr/share/ /usr/share/
ENV GOROOT=/usr/lib/go-$GO_VERSION \\
    PATH=/root/go/bin:/usr/lib/go-$GO_VERSION/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    HOME=/root GOPATH=/root/go GOCACHE=/root/.cache/go-build \\
    CGO_ENABLED=0 GOTOOLCHAIN=local
CMD ["go", "version"]
EOF
}

build_go_image() {
  step "image $GO_IMAGE"
  if registry_has testbed/golang 1; then
    ok "present"
    return
  fi
  fetch_debs "$GO_PKG-go" "$GO_PKG-src"
  local layout=$IMAGES_DIR/golang.oci key note="pushed from the cache"
  key=$({
    echo "recipe 1 linux/$ARCH"
    go_dockerfile
    deb_of "$GO_PKG-go"
    deb_of "$GO_PKG-src"
    layout_digest "$IMAGES_DIR/busybox.oci"
  } | layout_key)
  if ! layout_ok "$layout" "$key"; then
    local ctx=$IMAGES_DIR/golang
    rm -rf "$ctx"
    unpack_tree "$ctx/tree" "$(deb_of "$GO_PKG-go")" "$(deb_of "$GO_PKG-src")"
    # The Go test suite and test data are not needed to build, and are half the size.
    rm -rf "$ctx/tree/usr/share/go-$GO_VERSION/test" "$ctx/tree/usr/share/doc"
    find "$ctx/tree/usr/share/go-$GO_VERSION/src" -type d -name testdata -prune -exec rm -rf {} +
    [[ -x $ctx/tree/usr/lib/go-$GO_VERSION/bin/go ]] ||
      die "$ctx/tree/usr/lib/go-$GO_VERSION/bin/go is missing after unpacking $GO_PKG-go"
    go_dockerfile >"$ctx/Dockerfile"
    build_layout "$layout" "$key" "$ctx" --platform "linux/$ARCH" \
      --build-context "base=oci-layout://$IMAGES_DIR/busybox.oci"
    rm -rf "$ctx"
    note="built and pushed"
  fi
  push_layout "$layout" testbed/golang 1
  registry_has testbed/golang 1 || die "pushed $GO_IMAGE but the registry does not list it"
  CHANGED=1
  ok "$note (linux/$ARCH, go $GO_VERSION)"
}

write_env_file() {
  local tmp=$ENV_FILE.tmp
  {
    echo "# Written by tools/docker-engine/up.sh; KEY=value lines, safe to source."
    echo "TESTBED_STATE_DIR=$STATE"
    echo "TESTBED_ENGINE=$([[ $ENGINE_MODE == existing ]] && echo existing || echo up.sh)"
    echo "REGISTRY=$REGISTRY"
    echo "AUTH_REGISTRY=$AUTH_REGISTRY"
    echo "AUTH_FILE=$AUTH_FILE"
    echo "BASE_IMAGE=$BASE_IMAGE"
    echo "GO_IMAGE=$GO_IMAGE"
    echo "PLATFORMS=linux/amd64,linux/arm64"
  } >"$tmp"
  if [[ -f $ENV_FILE ]] && cmp -s "$tmp" "$ENV_FILE"; then
    rm -f "$tmp"
  else
    mv "$tmp" "$ENV_FILE"
    CHANGED=1
  fi
}

main() {
  local t0
  t0=$(now_us)
  [[ -n $QEMU_FMT ]] || die "this machine is $(uname -m); the test bed knows amd64 and arm64 hosts only"
  mkdir -p "$STATE" || die "cannot create the state directory $STATE" "set NXDE_STATE_DIR to a writable directory"
  # One up.sh at a time (tests may call it in parallel).
  exec 9>"$STATE/up.lock"
  flock -w 900 9 || die "another up.sh holds $STATE/up.lock for 15 minutes"
  : >"$LOG"

  check_engine
  check_ports
  check_can_install
  mkdir -p "$CACHE" "$DATA"
  [[ ${#NEED_PKGS[@]} -gt 0 ]] && install_system_packages
  engine_binaries
  install_buildx
  setup_binfmt
  setup_daemon_json
  [[ $ENGINE_MODE == start || $ENGINE_MODE == ours ]] && start_dockerd
  start_registry registry "$REGISTRY_PORT" "$REG_MODE"
  start_registry auth-registry "$AUTH_REGISTRY_PORT" "$AUTH_MODE"
  build_base_image
  build_go_image
  write_env_file
  if [[ $CHANGED == 0 ]]; then
    say "already up: nothing to do ($(elapsed "$t0"))"
  else
    say "up ($(elapsed "$t0"))"
  fi
  say "env: $ENV_FILE (credentials for $AUTH_REGISTRY: $AUTH_FILE)"
}

main "$@"
