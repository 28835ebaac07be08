# shellcheck shell=bash
# Sourced by deploy/podman/*.sh: one way to call Podman on this kind of machine (see containers.conf) and the
# names of the local base images. Overridable: PODMAN_RUNTIME (default runc: crun refuses the hybrid cgroup
# setup of our CI sandbox), CONTAINERS_CONF, JRE_BASE_IMAGE, JDK_BASE_IMAGE.
PODMAN_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PODMAN_DIR/containers.conf}"
PODMAN_RUNTIME="${PODMAN_RUNTIME:-runc}"
JRE_BASE_IMAGE="${JRE_BASE_IMAGE:-localhost/pbi-export-base-jre17:bookworm}"
JDK_BASE_IMAGE="${JDK_BASE_IMAGE:-localhost/pbi-export-base-jdk17:bookworm}"
# the project's two images as the images and compose stages build them (podman_build)
WORKER_IMAGE="${WORKER_IMAGE:-localhost/pbi-export-worker:local}"
DEVSTACK_IMAGE="${DEVSTACK_IMAGE:-localhost/pbi-export-devstack:local}"

pm() { podman --runtime "$PODMAN_RUNTIME" "$@"; }

# podman run without systemd logs that it cannot set up health-check timers; the checks here run by hand
# pm_run SECONDS ARGS...: podman run bounded in time
pm_run() {
  local limit=$1; shift
  timeout "$limit" podman --runtime "$PODMAN_RUNTIME" run "$@" 2> >(grep -v 'unable to get systemd connection' >&2)
}

# podman_build DOCKERFILE IMAGE LOGFILE [podman build options...]: builds DOCKERFILE from the repository root (the
# current directory) with the local bases as BUILD_IMAGE/RUNTIME_IMAGE, bounded in time, its output in LOGFILE
# (the last lines shown when it fails). A Maven build stage reads the host's ~/.m2 through a read-only volume as a
# second local repository (maven.repo.local.tail): only what it lacks comes from Maven Central; the wrapper's
# unpacked Maven is mounted too. --format docker keeps HEALTHCHECK (the OCI format drops it).
podman_build() {
  local dockerfile=$1 image=$2 logfile=$3; shift 3
  local m2="${MAVEN_USER_HOME:-$HOME/.m2}"
  local opts=(--format docker --network=host
    --build-arg "BUILD_IMAGE=$JDK_BASE_IMAGE" --build-arg "RUNTIME_IMAGE=$JRE_BASE_IMAGE")
  if [ -d "$m2/repository" ]; then
    opts+=(-v "$m2/repository:/m2-host/repository:ro"
      --build-arg "MAVEN_ARGS=-Dmaven.repo.local.tail=/m2-host/repository -Dmaven.repo.local.tail.ignoreAvailability=true")
  fi
  [ -d "$m2/wrapper/dists" ] && opts+=(-v "$m2/wrapper:/root/.m2/wrapper:ro")
  timeout 900 podman --runtime "$PODMAN_RUNTIME" build "${opts[@]}" "$@" -f "$dockerfile" -t "$image" . \
    >"$logfile" 2>&1 || { tail -40 "$logfile" >&2; die "podman build -f $dockerfile"; }
}

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
