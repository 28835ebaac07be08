#!/usr/bin/env bash
# Builds the two local base images the Dockerfiles take as BUILD_IMAGE / RUNTIME_IMAGE on a machine that has
# Podman but no image registry (our CI): Debian bookworm + OpenJDK 17 (JDK for the build stage, JRE for the
# runtime stage), straight from the Debian mirror apt already uses, trusting the machine's extra CA certificates
# (so a build stage reaches Maven Central the way the host does). An image that already exists is kept.
# Usage: deploy/podman/build-local-bases.sh [--rebuild]      Needs root (debootstrap, chroot).
set -euo pipefail
# shellcheck source=deploy/podman/podman-env.sh
. "$(dirname "$0")/podman-env.sh"

rebuild=false
[ "${1:-}" = "--rebuild" ] && rebuild=true

# The Debian mirror apt is configured with (deb822 sources first, then sources.list); DEBIAN_MIRROR wins.
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local m=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
      /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

# One debootstrap (minbase bookworm + the JRE + the machine's extra CAs) imported as the JRE base; the JDK base is
# the same root file system plus the JDK package, installed with apt in a chroot (a delta of about 60 MB).
build_bases() {
  local rootfs started
  if ! $rebuild && pm image exists "$JRE_BASE_IMAGE" && pm image exists "$JDK_BASE_IMAGE"; then
    log "$JRE_BASE_IMAGE and $JDK_BASE_IMAGE exist: kept (--rebuild to make them again)"
    return
  fi
  started=$(date +%s)
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/pbi-base.XXXXXX")
  # shellcheck disable=SC2064
  trap "umount '$rootfs/proc' 2>/dev/null || true; rm -rf '$rootfs' '$rootfs.log'" EXIT
  log "debootstrap bookworm + openjdk-17-jre-headless from $(debian_mirror)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$rootfs" \
    "$(debian_mirror)" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; die "debootstrap"; }
  mount -t proc proc "$rootfs/proc"   # the Java keystore hook of update-ca-certificates runs a JVM
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >>"$rootfs.log" 2>&1 || die "update-ca-certificates in the base"
  fi
  import_rootfs "$rootfs" "$JRE_BASE_IMAGE"
  log "$JRE_BASE_IMAGE built in $(( $(date +%s) - started )) s"
  echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/pbi-unsafe-io"
  { chroot "$rootfs" apt-get update -qq && chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless; } >>"$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log" >&2; die "JDK in the base"; }
  rm -f "$rootfs/etc/dpkg/dpkg.cfg.d/pbi-unsafe-io"
  import_rootfs "$rootfs" "$JDK_BASE_IMAGE"
  log "$JDK_BASE_IMAGE built, both bases in $(( $(date +%s) - started )) s"
}

# import_rootfs DIR IMAGE: the file system (without /proc's contents and apt's caches) as a one-layer image
import_rootfs() {
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*
  tar -C "$1" --exclude=./proc/* -c . | pm import -q --change 'CMD ["/bin/bash"]' - "$2" >/dev/null
}

ensure_podman_packages
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot)"
build_bases
