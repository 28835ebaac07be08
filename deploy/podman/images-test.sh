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

stage_start=$(date +%s)
lap=$stage_start
timing() { local now; now=$(date +%s); log "$1: $(( now - lap )) s"; lap=$now; }

WORKER_IMAGE=localhost/pbi-export-worker:images-test
DEVSTACK_IMAGE=localhost/pbi-export-devstack:images-test
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
# podman run without systemd logs that it cannot set up health-check timers; the checks here run by hand
# pm_run SECONDS ARGS...: podman run bounded in time
pm_run() {
  local limit=$1; shift
  timeout "$limit" podman --runtime "$PODMAN_RUNTIME" run "$@" 2> >(grep -v 'unable to get systemd connection' >&2)
}
json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2"; }

# --- Podman itself, then the bases
ensure_podman_packages
pm info >/dev/null 2>&1 || { pm info >&2 || true; die "podman cannot run here"; }
deploy/podman/build-local-bases.sh
timing "local base images"

# --- Build both images with the local bases. The Maven build stage reads the host's ~/.m2 through a read-only
# volume as a second local repository (maven.repo.local.tail): only what it lacks comes from Maven Central.
m2="${MAVEN_USER_HOME:-$HOME/.m2}"
build_opts=(--format docker --network=host
  --build-arg "BUILD_IMAGE=$JDK_BASE_IMAGE" --build-arg "RUNTIME_IMAGE=$JRE_BASE_IMAGE")
if [ -d "$m2/repository" ]; then
  build_opts+=(-v "$m2/repository:/m2-host/repository:ro"
    --build-arg "MAVEN_ARGS=-Dmaven.repo.local.tail=/m2-host/repository -Dmaven.repo.local.tail.ignoreAvailability=true")
fi
# the Maven distribution the wrapper already unpacked on the host (else the wrapper downloads it)
[ -d "$m2/wrapper/dists" ] && build_opts+=(-v "$m2/wrapper:/root/.m2/wrapper:ro")
build_image() {
  local dockerfile=$1 image=$2
  timeout 900 podman --runtime "$PODMAN_RUNTIME" build "${build_opts[@]}" -f "$dockerfile" -t "$image" . \
    >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; die "podman build -f $dockerfile"; }
}
build_image worker/Dockerfile "$WORKER_IMAGE"
timing "worker image build"
build_image devstack/Dockerfile "$DEVSTACK_IMAGE"
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

# --- 5. requests in (the image's submit), every outcome out
id="images-test-$$"
requests=(
  "$id-pdf      $WS                                  7e000000-0000-4000-a000-000000000001 PDF"
  "$id-csv      $WS                                  7e000000-0000-4000-a000-000000000002 CSV"
  "$id-member   3d5e0000-0000-4000-a000-000000000002 7e000000-0000-4000-a000-000000000006 PDF"
  "$id-ppu      3d5e0000-0000-4000-a000-000000000004 7e000000-0000-4000-a000-000000000008 PDF"
)
script=""   # the submits run side by side in one container; each must exit 0
for r in "${requests[@]}"; do
  read -r rid ws report format <<<"$r"
  script+="/app/bin/export-worker submit --bootstrap-servers $KAFKA --tenant contoso --workspace $ws"
  script+=" --report $report --format $format --request-id $rid & pids=\"\$pids \$!\"; "
done
# shellcheck disable=SC2016 # expanded by the container's shell
script+='for p in $pids; do wait $p || exit 1; done'
CONTAINERS+=("$NAME-submit")
pm_run 180 --name "$NAME-submit" --network=host --no-healthcheck \
  --entrypoint /bin/sh "$WORKER_IMAGE" -c "$script" >"$WORK/submit.txt" 2>&1 \
  || { cat "$WORK/submit.txt" >&2; die "submit failed"; }
timing "submit ${#requests[@]} requests"

# the consumer runs on the JDK base (source launcher) with the Kafka client jars the worker image carries,
pm cp "$NAME-worker:/app/lib" "$WORK/lib"
# and the worker jar for its logback.xml (logs to stderr): /app/lib alone would log to stdout, into the outcomes
pm cp "$NAME-worker:/app/export-worker.jar" "$WORK/lib/export-worker.jar"
CONTAINERS+=("$NAME-outcomes")
pm_run 240 --name "$NAME-outcomes" --network=host --no-healthcheck \
  -v "$WORK/lib:/outcomes/lib:ro" -v "$PWD/deploy/podman/Outcomes.java:/outcomes/Outcomes.java:ro" \
  "$JDK_BASE_IMAGE" java -cp '/outcomes/lib/*' /outcomes/Outcomes.java "$KAFKA" pbi.export.results \
  pbi.export.deadletter "${#requests[@]}" 180 >"$WORK/outcomes.tsv" 2>"$WORK/outcomes.err" \
  || { cat "$WORK/outcomes.tsv" "$WORK/outcomes.err" >&2; die "not every request got its outcome"; }
timing "outcomes"

outcome() { awk -F'\t' -v id="$1" '$1 == id' "$WORK/outcomes.tsv"; }
expect_file() {
  local line type uri size sha path
  line=$(outcome "$1"); [ -n "$line" ] || die "$1: no outcome"
  IFS=$'\t' read -r _ type uri size sha <<<"$line"
  [[ "$type" == *export.completed* ]] || die "$1: expected ExportCompleted, got: $line"
  path="${uri#file://}"; path="${path#/var/lib/pbi-export/files/}"
  path=$(printf '%b' "${path//%/\\x}")   # the URI is percent-encoded
  [ -f "$WORK/files/$path" ] || die "$1: $uri not in the mounted volume ($WORK/files/$path)"
  [ "$(stat -c %s "$WORK/files/$path")" = "$size" ] || die "$1: size differs from the event's $size"
  [ "$(sha256sum "$WORK/files/$path" | cut -d' ' -f1)" = "$sha" ] || die "$1: SHA-256 differs from the event's"
  log "ok: $1 -> files/$path ($size bytes, SHA-256 matches)"
}
expect_failure() {
  local line
  line=$(outcome "$1"); [ -n "$line" ] || die "$1: no outcome"
  [[ "$line" == *export.failed*$'\t'"$2"$'\t'* ]] || die "$1: expected ExportFailed $2, got: $line"
  log "ok: $1 -> ExportFailed $2"
}
expect_file "$id-pdf"
expect_file "$id-csv"
expect_failure "$id-member" PBI_NOT_WORKSPACE_MEMBER
expect_failure "$id-ppu" PBI_PPU_NOT_SUPPORTED
! grep -q DeadLetter "$WORK/outcomes.tsv" || die "a request was dead-lettered: $(cat "$WORK/outcomes.tsv")"
[ "$(wc -l <"$WORK/outcomes.tsv")" -eq "${#requests[@]}" ] || die "unexpected outcomes: $(cat "$WORK/outcomes.tsv")"
