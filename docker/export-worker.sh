#!/bin/sh
# Launcher of the worker image: container-aware JVM settings (heap from the cgroup memory limit, exit on OOM so
# the orchestrator restarts the pod), then the CLI (run, submit, doctor, version...). Extra JVM flags: JAVA_OPTS.
set -eu
# shellcheck disable=SC2086
exec java -XX:MaxRAMPercentage="${JVM_MAX_RAM_PERCENTAGE:-75}" -XX:InitialRAMPercentage=25 \
  -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -Djava.security.egd=file:/dev/urandom \
  ${JAVA_OPTS:-} -jar /app/export-worker.jar "$@"
