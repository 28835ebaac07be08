#!/bin/sh
# Kafka's command-line tools by the names of Kafka's own bin/ scripts (symbolic links to this file).
set -eu
case "$(basename "$0")" in
  kafka-topics.sh) main=org.apache.kafka.tools.TopicCommand ;;
  kafka-broker-api-versions.sh) main=org.apache.kafka.tools.BrokerApiVersionsCommand ;;
  kafka-storage.sh) main=kafka.tools.StorageTool ;;
  *) echo "unknown Kafka tool: $0" >&2; exit 2 ;;
esac
exec java -Xmx256m -XX:TieredStopAtLevel=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp '/opt/kafka/libs/*' "$main" "$@"
