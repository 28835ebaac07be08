// Reads the worker's outcomes for deploy/podman/images-test.sh, as an independent Kafka client: every record of
// the results and dead-letter topics, one tab-separated line each on stdout, until COUNT outcomes were seen or
// the deadline passed (exit code 1). Runs with the source launcher on the kafka-clients and Jackson jars copied
// out of the worker image:
//   java -cp 'LIB/*' Outcomes.java BOOTSTRAP RESULTS_TOPIC DEADLETTER_TOPIC COUNT TIMEOUT_SECONDS
// Line: requestId  type  detail  sizeBytes  sha256   (detail: the file's uri or the error code; a dead letter
// prints "-  DeadLetter  -  -  -").
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class Outcomes {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        List<String> topics = List.of(args[1], args[2]);
        int expected = Integer.parseInt(args[3]);
        Instant deadline = Instant.now().plusSeconds(Long.parseLong(args[4]));
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "images-test-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        ObjectMapper json = new ObjectMapper();
        int seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(topics);
            while (seen < expected && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    seen++;
                    if (r.topic().equals(args[2])) {
                        System.out.println("-\tDeadLetter\t-\t-\t-");
                        continue;
                    }
                    JsonNode root = json.readTree(r.value());
                    JsonNode data = root.has("data") ? root.get("data") : root;
                    String type = root.has("data") ? root.path("type").asText() : header(r, "ce_type");
                    String detail = data.has("file") ? data.path("file").path("uri").asText()
                            : data.path("error").path("code").asText("-");
                    System.out.println(String.join("\t", data.path("requestId").asText("-"), type, detail,
                            data.path("file").path("sizeBytes").asText("-"), data.path("file").path("sha256").asText("-")));
                }
            }
        }
        if (seen < expected) {
            System.err.println("only " + seen + " of " + expected + " outcomes before the deadline");
            System.exit(1);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "-" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
