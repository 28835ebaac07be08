#!/usr/bin/env bash
# The images stage of CI (.ci/run), on a machine with Podman and no registry: builds the local base images
# (build-local-bases.sh), builds worker/Dockerfile and devstack/Dockerfile with them, and runs the images for real:
#   1. the worker image's `version` prints the project version (pom.xml);
#   1b. the worker image's /app/lib holds no devstack, broker, Scala or test jar (a lean production artifact);
#   2. the devstack image, with its embedded broker (clean profile: no random faults), writes its ready line (broker, Entra ID, Power BI, admin URLs);
#   3. the worker image's `run` (deploy/compose/worker.yaml, the compose configuration, plus environment overrides)
#      against that broker and simulators turns /health/ready green, and the image's HEALTHCHECK
#      (docker/healthcheck.sh) reports healthy;
#   4. `doctor` from the worker image exits 0 for the devstack's good tenant;
#   5. requests sent by the worker image's `submit` all get their outcome (read back by an independent consumer,
#      Outcomes.java): two files, checked byte for byte (size, SHA-256) in the volume mounted as the sink root,
#      and two failures with the codes the scenario dictates; nothing dead-lettered.
# Every container has a name and is removed on exit; every wait is bounded; host network, loopback only.
# Any failure exits non-zero (also when Podman cannot run: no silent skip). Needs root (apt, debootstrap).
# Usage: deploy/podman/images-test.sh      Env: KEEP_IMAGES=false removes the two built images at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/podman/podman-env.sh
. deploy/podman/podman-env.sh
# shellcheck source=deploy/podman/scenario.sh
. deploy/podman/scenario.sh

stage_start=$(date +%s)
lap=$stage_start
timing() { local now; now=$(date +%s); log "$1: $(( now - lap )) s"; lap=$now; }

NAME="pbi-images-test-$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pbi-images-test.XXXXXX")
CONTAINERS=()

cleanup() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    for c in "${CONTAINERS[@]}"; do
      log "--- last log lines of $c"
      pm logs --tail 40 "$c" 2>&1 | cut -c1-400 >&2 || true
    done
  fi
  for c in "${CONTAINERS[@]}"; do timeout 60 podman --runtime "$PODMAN_RUNTIME" rm -f -t 5 "$c" >/dev/null 2>&1 || true; done
  if [ "${KEEP_IMAGES:-true}" = false ]; then pm rmi -f "$WORKER_IMAGE" "$DEVSTACK_IMAGE" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
  log "images stage $([ $rc -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - stage_start )) s"
}
trap cleanup EXIT

running() { [ "$(pm inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ] || die "container $1 stopped"; }
# wait_for SECONDS WHAT CONTAINER COMMAND...: polls COMMAND every second until it succeeds; fails when CONTAINER
# stops or after SECONDS (with COMMAND's last complaint).
wait_for() {
  local limit=$1 what=$2 container=$3; shift 3
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>"$WORK/wait.err"; do
    running "$container"
    [ "$(date +%s)" -lt "$deadline" ] || die "$what: not within $limit s ($(tail -1 "$WORK/wait.err"))"
    sleep 1
  done
}
# a free loopback port in 20000-29999 (nothing answers on it)
free_port() {
  local p
  for p in $(shuf -i 20000-29999 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port found"
}
json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2"; }

# --- Podman itself, then the bases
ensure_podman_packages
pm info >/dev/null 2>&1 || { pm info >&2 || true; die "podman cannot run here"; }
deploy/podman/build-local-bases.sh
timing "local base images"

# --- Build both images with the local bases (podman-env.sh: podman_build)
podman_build worker/Dockerfile "$WORKER_IMAGE" "$WORK/build.log"
timing "worker image build"
podman_build devstack/Dockerfile "$DEVSTACK_IMAGE" "$WORK/build.log"
timing "devstack image build"

# --- 1. version
project_version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
CONTAINERS+=("$NAME-version")
version=$(pm_run 120 --name "$NAME-version" --network=host --no-healthcheck \
  "$WORKER_IMAGE" version) || die "worker image: version failed"
case "$version" in
  "export-worker $project_version "*) log "ok: version: $version" ;;
  *) die "worker image: version printed '$version', expected export-worker $project_version" ;;
esac

# --- 1b. a lean production image (issue 13 item 8): /app/lib holds no devstack, Kafka broker, Scala, ZooKeeper
# or test jar, and no demo-lib is shipped (the demo says it is not installed)
CONTAINERS+=("$NAME-lib")
lib=$(pm_run 120 --name "$NAME-lib" --network=host --no-healthcheck --entrypoint /bin/sh \
  "$WORKER_IMAGE" -c 'ls /app/lib; ls -d /app/demo-lib 2>/dev/null || true') || die "worker image: cannot list /app/lib"
echo "$lib" | grep -q '^kafka-clients-' || die "worker image: /app/lib has no kafka-clients jar: the listing is wrong"
forbidden=$(echo "$lib" | grep -E '^(devstack|testkit|demo|kafka_2\.|kafka-server|kafka-storage|kafka-raft|kafka-metadata|scala-|zookeeper|junit|opentest4j|testcontainers)|^/app/demo-lib' || true)
[ -z "$forbidden" ] || die "worker image: /app/lib carries jars production must not: $forbidden"
log "ok: /app/lib: $(echo "$lib" | wc -l) jars, no devstack, broker, Scala or test jar"

# --- 2. devstack image with its broker: the ready line
mkdir -p "$WORK/run" "$WORK/files"
chmod 0777 "$WORK/run" "$WORK/files"   # the images run as uid 10001
CONTAINERS+=("$NAME-devstack")
pm_run 60 -d --name "$NAME-devstack" --network=host --health-interval disable -e DEVSTACK_KAFKA=true \
  -e JVM_MAX_RAM_PERCENTAGE=50 -m 768m -v "$WORK/run:/run/devstack" "$DEVSTACK_IMAGE" --profile clean >/dev/null
ready="$WORK/run/ready.json"
wait_for 120 "devstack ready line" "$NAME-devstack" grep -q '"adminUrl":"http' "$ready"
KAFKA=$(json_field kafkaBootstrap "$ready"); ENTRA=$(json_field entraUrl "$ready")
POWERBI=$(json_field powerBiUrl "$ready"); ADMIN=$(json_field adminUrl "$ready")
if [ -z "$KAFKA" ] || [ -z "$ENTRA" ] || [ -z "$POWERBI" ] || [ -z "$ADMIN" ]; then
  die "devstack ready line lacks a URL: $(cat "$ready")"
fi
pm healthcheck run "$NAME-devstack" >/dev/null || die "devstack image HEALTHCHECK not healthy"
log "ok: devstack ready line: broker $KAFKA, Entra $ENTRA, Power BI $POWERBI"
timing "devstack start"

# --- 3. worker run, ready, healthy
ADMIN_PORT=$(free_port)
worker_env=(-e "ENTRA_URL=$ENTRA" -e "POWERBI_URL=$POWERBI" -e "PBIEXPORT_KAFKA_BOOTSTRAP_SERVERS=$KAFKA"
  -e PBIEXPORT_TOPICS_CREATE=true -e "PBIEXPORT_ADMIN_PORT=$ADMIN_PORT" -e PBIEXPORT_ADMIN_BIND_ADDRESS=127.0.0.1
  -e PBIEXPORT_INSTANCE_ID=images-test -e CONTOSO_CLIENT_SECRET=devstack-secret-not-for-production
  -v "$PWD/deploy/compose/worker.yaml:/etc/pbi-export/worker.yaml:ro")
CONTAINERS+=("$NAME-worker")
pm_run 60 -d --name "$NAME-worker" --network=host --health-interval disable -m 768m "${worker_env[@]}" \
  -v "$WORK/files:/var/lib/pbi-export/files" "$WORKER_IMAGE" >/dev/null
wait_for 120 "worker /health/ready" "$NAME-worker" docker/healthcheck.sh "$ADMIN_PORT" /health/ready
log "ok: worker ready on 127.0.0.1:$ADMIN_PORT"
health=$(pm healthcheck run "$NAME-worker" 2>&1) || die "worker image HEALTHCHECK: $health"
log "ok: worker image HEALTHCHECK (docker/healthcheck.sh): ${health:-healthy}"
timing "worker start"

# --- 4. doctor against the good tenant
WS=3d5e0000-0000-4000-a000-000000000001
CONTAINERS+=("$NAME-doctor")
pm_run 120 --name "$NAME-doctor" --network=host --no-healthcheck \
  "${worker_env[@]}" "$WORKER_IMAGE" doctor --config /etc/pbi-export/worker.yaml --tenant contoso \
  --workspace "$WS" --report 7e000000-0000-4000-a000-000000000001 --format PDF >"$WORK/doctor.txt" 2>&1 \
  || { cat "$WORK/doctor.txt" >&2; die "doctor did not exit 0 for tenant contoso"; }
log "ok: doctor exit 0 for contoso"
timing "doctor"

# --- 5. requests in (the image's submit), every outcome out (scenario.sh)
run_scenario host "$KAFKA" "$NAME-worker" "$WORK/files" "images-test-$$"
timing "submit and outcomes"
