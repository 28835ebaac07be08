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

# build_base IMAGE PACKAGE: debootstrap a minbase bookworm with PACKAGE, add the host's extra CAs, import it.
build_base() {
  local image="$1" package="$2" rootfs started
  if ! $rebuild && pm image exists "$image"; then
    log "$image exists: kept (--rebuild to make it again)"
    return
  fi
  started=$(date +%s)
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/pbi-base.XXXXXX")
  log "debootstrap $image ($package) from $(debian_mirror)"
  debootstrap --variant=minbase --include="$package,ca-certificates" bookworm "$rootfs" "$(debian_mirror)" \
    >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; rm -rf "$rootfs" "$rootfs.log"; die "debootstrap $image"; }
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    # the Java keystore hook runs a JVM, which wants /proc
    mount -t proc proc "$rootfs/proc"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1 || { umount "$rootfs/proc"; die "update-ca-certificates in $image"; }
    umount "$rootfs/proc"
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs.log"
  tar -C "$rootfs" -c . | pm import --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
  rm -rf "$rootfs"
  log "$image built in $(( $(date +%s) - started )) s"
}

ensure_podman_packages
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot)"
# both at once: mostly waiting on the mirror
build_base "$JRE_BASE_IMAGE" openjdk-17-jre-headless &
jre=$!
build_base "$JDK_BASE_IMAGE" openjdk-17-jdk-headless &
jdk=$!
wait "$jre" || die "JRE base"
wait "$jdk" || die "JDK base"
