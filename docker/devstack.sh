#!/bin/sh
# Launcher of the devstack image: the Entra ID + Power BI simulator, without Kafka by default (compose runs
# apache/kafka); DEVSTACK_KAFKA=true also starts its embedded single-node broker (deploy/podman/images-test.sh).
# Its one ready line (URLs, broker, default ids) goes to /run/devstack/ready.json for the workers; logs to stderr.
set -eu
mkdir -p /run/devstack
rm -f /run/devstack/ready.json
kafka_flag=--no-kafka
[ "${DEVSTACK_KAFKA:-false}" = true ] && kafka_flag=
# shellcheck disable=SC2086
exec java -XX:MaxRAMPercentage="${JVM_MAX_RAM_PERCENTAGE:-75}" -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} \
  -jar /app/devstack.jar $kafka_flag "$@" > /run/devstack/ready.json
