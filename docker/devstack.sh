#!/bin/sh
# Launcher of the devstack image: the Entra ID + Power BI simulator (no Kafka: compose runs apache/kafka). Its one
# ready line (URLs, default ids) goes to /run/devstack/ready.json for the worker replicas; logs go to stderr.
set -eu
mkdir -p /run/devstack
rm -f /run/devstack/ready.json
# shellcheck disable=SC2086
exec java -XX:MaxRAMPercentage="${JVM_MAX_RAM_PERCENTAGE:-75}" -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} \
  -jar /app/devstack.jar --no-kafka "$@" > /run/devstack/ready.json
