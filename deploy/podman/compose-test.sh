#!/usr/bin/env bash
# The compose stage of CI (.ci/run, after images-test.sh), on a machine with Podman and no registry: runs
# docker-compose.yml end to end with deploy/podman/compose.podman.yml (locally built images in place of apache/kafka,
# prom/prometheus and the project's images; no Grafana), through docker-compose (v1) against Podman's API socket:
#   1. `up` brings the stack up with docker-compose.yml's own depends_on conditions (kafka healthy -> kafka-init
#      completed -> devstack healthy -> the two workers); Podman without systemd runs no health check by itself,
#      so this script runs every container's check (`podman healthcheck run`) while `up` waits;
#   2. both workers answer /health/ready on their published loopback ports (8081, 8082);
#   3. requests sent with the worker image's `submit` on the compose network all get their outcome (scenario.sh:
#      two files checked byte for byte in the export-files volume, two failures with their codes);
#   4. Prometheus (published on 127.0.0.1:9090) scrapes both workers: up{job="export-worker"} is 1 for both
#      targets and each has pbiexport_ series;
# then `down`, and whatever is left of the project (containers, volumes, network) and the API service are removed,
# also on failure. Every wait is bounded; any failure exits non-zero (no silent skip). Needs root.
# Usage: deploy/podman/compose-test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/podman/podman-env.sh
. deploy/podman/podman-env.sh
# shellcheck source=deploy/podman/scenario.sh
. deploy/podman/scenario.sh

stage_start=$(date +%s)
lap=$stage_start
timing() { local now; now=$(date +%s); log "$1: $(( now - lap )) s"; lap=$now; }

KAFKA_IMAGE=localhost/pbi-export-kafka:local
PROMETHEUS_IMAGE=localhost/pbi-export-prometheus:local
PROJECT="pbicompose$$"
NAME="pbi-compose-test-$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pbi-compose-test.XXXXXX")
CONTAINERS=()
SERVICES=(kafka kafka-init devstack worker-1 worker-2 prometheus)   # all but grafana
compose() {
  timeout "$1" docker-compose -p "$PROJECT" -f docker-compose.yml -f deploy/podman/compose.podman.yml "${@:2}"
}
project_containers() { pm ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}'; }
service_pid=""

cleanup() {
  local rc=$? c
  if [ $rc -ne 0 ]; then
    for c in $(project_containers 2>/dev/null) "${CONTAINERS[@]}"; do
      log "--- last log lines of $c"
      pm logs --tail 30 "$c" 2>&1 | cut -c1-400 >&2 || true
    done
  fi
  if [ -n "$service_pid" ]; then
    compose 120 down -v -t 5 >"$WORK/down.log" 2>&1 || log "docker-compose down: $(tail -2 "$WORK/down.log")"
  fi
  # down removes containers side by side: one that others share a namespace with can stay; remove what is left
  for c in $(project_containers 2>/dev/null) "${CONTAINERS[@]}"; do
    timeout 60 podman --runtime "$PODMAN_RUNTIME" rm -f -t 5 "$c" >/dev/null 2>&1 || true
  done
  for v in devstack-run export-files prometheus-data; do pm volume rm -f "${PROJECT}_$v" >/dev/null 2>&1 || true; done
  pm network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
  if [ -n "$service_pid" ]; then kill "$service_pid" 2>/dev/null || true; fi
  rm -rf "$WORK"
  log "compose stage $([ $rc -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - stage_start )) s"
}
trap cleanup EXIT

# --- What the stage needs: Podman (podman-env.sh), docker-compose, and CNI's dnsname plugin (service names on the
# compose network; without it containers only reach each other by address)
ensure_podman_packages
need=()
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
[ -x /usr/lib/cni/dnsname ] || need+=(golang-github-containernetworking-plugin-dnsname)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing ${need[*]}: install them (apt-get install ${need[*]}) or run as root"
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
pm info >/dev/null 2>&1 || { pm info >&2 || true; die "podman cannot run here"; }
# the ports docker-compose.yml publishes on the host's loopback (Grafana's 3000 is not started)
for port in 29092 8081 8082 9090; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "127.0.0.1:$port is taken: the stack publishes it"; fi
done

# --- Images: the bases, the project's two images (as images-test.sh builds them), Kafka and Prometheus
deploy/podman/build-local-bases.sh
podman_build worker/Dockerfile "$WORKER_IMAGE" "$WORK/build.log"
podman_build devstack/Dockerfile "$DEVSTACK_IMAGE" "$WORK/build.log"
podman_build deploy/podman/kafka/Containerfile "$KAFKA_IMAGE" "$WORK/build.log"
podman_build deploy/podman/prometheus/Containerfile "$PROMETHEUS_IMAGE" "$WORK/build.log"
timing "images"

# --- Podman's Docker-compatible API for docker-compose, on a socket of our own
sock="$WORK/podman.sock"
podman --runtime "$PODMAN_RUNTIME" system service --time=0 "unix://$sock" >"$WORK/service.log" 2>&1 &
service_pid=$!
export DOCKER_HOST="unix://$sock"
deadline=$(( $(date +%s) + 30 ))
until curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; do
  [ "$(date +%s)" -lt "$deadline" ] || die "Podman API service not answering on $sock: $(tail -3 "$WORK/service.log")"
  sleep 1
done

# --- 1. up, with the health checks run by hand while it waits on them
compose 420 up -d --no-build "${SERVICES[@]}" >"$WORK/up.log" 2>&1 &
up_pid=$!
deadline=$(( $(date +%s) + 430 ))
while kill -0 "$up_pid" 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || die "docker-compose up did not finish: $(tail -5 "$WORK/up.log")"
  for c in $(project_containers); do pm healthcheck run "$c" >/dev/null 2>&1 || true; done
  sleep 2
done
wait "$up_pid" || { cat "$WORK/up.log" >&2; die "docker-compose up failed"; }
for c in $(project_containers); do
  case "$c" in *kafka-init*) continue ;; esac
  [ "$(pm inspect -f '{{.State.Running}}' "$c")" = true ] || die "$c is not running after up"
done
[ "$(pm inspect -f '{{.State.ExitCode}}' "${PROJECT}_kafka-init_1")" = 0 ] || die "kafka-init did not exit 0"
log "ok: up: $(project_containers | wc -l) containers (kafka-init completed)"
timing "up"

# --- 2. both workers ready on their published ports
for port in 8081 8082; do
  deadline=$(( $(date +%s) + 180 ))
  until docker/healthcheck.sh "$port" /health/ready >/dev/null 2>"$WORK/ready.err"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "worker on 127.0.0.1:$port not ready within 180 s ($(cat "$WORK/ready.err"))"
    sleep 2
  done
  log "ok: worker ready on 127.0.0.1:$port"
done
timing "workers ready"

# --- 3. requests in, every outcome out, files in the export-files volume
files=$(pm volume inspect -f '{{.Mountpoint}}' "${PROJECT}_export-files")
run_scenario "${PROJECT}_default" kafka:9092 "${PROJECT}_worker-1_1" "$files" "compose-test-$$"
timing "submit and outcomes"

# --- 4. Prometheus scrapes both workers (scrape interval 15 s)
# prom_count QUERY: how many series of an instant query have the value 1 (for `up`) or any value (else)
prom_series() {
  curl -sf --max-time 10 http://127.0.0.1:9090/api/v1/query --data-urlencode "query=$1" | python3 -c '
import json, sys
print(" ".join(sorted(r["metric"].get("instance", "?") for r in json.load(sys.stdin)["data"]["result"])))'
}
want="worker-1:8080 worker-2:8080"   # each replica by its service name on the compose network (prometheus.yml)
deadline=$(( $(date +%s) + 120 ))
until [ "$(prom_series 'up{job="export-worker"} == 1' 2>/dev/null)" = "$want" ] \
  && [ "$(prom_series 'count by (instance) ({__name__=~"pbiexport_.+", job="export-worker"})' 2>/dev/null)" = "$want" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || die "Prometheus does not scrape both workers within 120 s: up: \
$(prom_series 'up{job="export-worker"}' || true), with pbiexport_ series: \
$(prom_series 'count by (instance) ({__name__=~"pbiexport_.+"})' || true)"
  sleep 3
done
log "ok: Prometheus scrapes both workers ($want: up 1, pbiexport_ series)"
timing "Prometheus"
