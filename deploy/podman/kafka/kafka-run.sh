#!/bin/sh
# The broker of the test-only Kafka image: every KAFKA_* variable becomes a server.properties line the way
# apache/kafka's image does it (KAFKA_ dropped, lower case, "___" -> "-", "__" -> "_", "_" -> "."), except the
# JVM's KAFKA_HEAP_OPTS/KAFKA_OPTS; the storage is formatted once (CLUSTER_ID or a random one), then Kafka runs.
set -eu
props=/opt/kafka/config/server.properties
: >"$props"
env | grep '^KAFKA_' | while IFS='=' read -r name value; do
  case "$name" in KAFKA_HEAP_OPTS | KAFKA_OPTS) continue ;; esac
  key=$(printf '%s' "${name#KAFKA_}" | tr '[:upper:]' '[:lower:]' | sed 's/___/-/g; s/__/@/g; s/_/./g; s/@/_/g')
  printf '%s=%s\n' "$key" "$value" >>"$props"
done
grep -q '^log\.dirs=' "$props" || echo "log.dirs=/var/lib/kafka/data" >>"$props"
bin=/opt/kafka/bin
"$bin/kafka-storage.sh" format --ignore-formatted -c "$props" \
  -t "${CLUSTER_ID:-$("$bin/kafka-storage.sh" random-uuid)}" >&2
# shellcheck disable=SC2086 # word splitting of the JVM options is wanted
exec java ${KAFKA_HEAP_OPTS:-} ${KAFKA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
  -cp '/opt/kafka/libs/*' kafka.Kafka "$props"
