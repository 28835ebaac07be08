# shellcheck shell=bash
# Sourced by deploy/podman/*.sh: one way to call Podman on this kind of machine (see containers.conf) and the
# names of the local base images. Overridable: PODMAN_RUNTIME (default runc: crun refuses the hybrid cgroup
# setup of our CI sandbox), CONTAINERS_CONF, JRE_BASE_IMAGE, JDK_BASE_IMAGE.
PODMAN_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PODMAN_DIR/containers.conf}"
PODMAN_RUNTIME="${PODMAN_RUNTIME:-runc}"
JRE_BASE_IMAGE="${JRE_BASE_IMAGE:-localhost/pbi-export-base-jre17:bookworm}"
JDK_BASE_IMAGE="${JDK_BASE_IMAGE:-localhost/pbi-export-base-jdk17:bookworm}"

pm() { podman --runtime "$PODMAN_RUNTIME" "$@"; }

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# Installs what the images stage needs from Debian when missing (CI machines start without it).
ensure_podman_packages() {
  local need=()
  command -v podman >/dev/null 2>&1 || need+=(podman)
  command -v runc >/dev/null 2>&1 || need+=(runc)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  command -v newuidmap >/dev/null 2>&1 || need+=(uidmap)
  if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || die "missing ${need[*]}: install them (apt-get install ${need[*]}) or run as root"
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}
