package com.pbiexport.worker.it.process;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.kafka.EmbeddedKafka;
import com.pbiexport.worker.config.Topics;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.TestClients;
import com.pbiexport.worker.jobstate.JobState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One crash test's topics on the devstack broker, a producer of requests, and ONE {@code read_committed} reader of
 * everything the workers write: outcomes, dead letters and job states. What a {@code read_committed} reader
 * sees is what the tests count: aborted transactions of a killed worker must not show up as outcomes.
 * Not thread-safe: use it from the test thread.
 */
public final class CrashLane implements AutoCloseable {
    private final Topics topics;
    private final String groupId;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> reader;
    /** Every outcome (results and dead letters), by record key = requestId, duplicates kept. */
    private final Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
    private final List<Outcome> deadLetters = new ArrayList<>();
    /** Every exportId a committed job-state record named for a request (running or done), in order. */
    private final Map<String, Set<String>> recordedExports = new LinkedHashMap<>();
    /** Request partition of every request published. */
    private final Map<String, Integer> requestPartitions = new LinkedHashMap<>();
    private final String bootstrap;

    private CrashLane(String bootstrap, Topics topics, String groupId) {
        this.topics = topics;
        this.groupId = groupId;
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(TestClients.producer(bootstrap));
        this.reader = new KafkaConsumer<>(TestClients.readCommitted(bootstrap));
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(topics.results(), topics.deadLetter(), topics.jobState())) {
            reader.partitionsFor(t, Duration.ofSeconds(30))
                    .forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        reader.assign(parts);
        reader.seekToBeginning(parts);
    }

    /** Creates {@code partitions} partitions for requests, results and job state (compacted), one dead-letter. */
    public static CrashLane create(DevStack stack, String name, int partitions) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 6);
        Topics topics = new Topics("crash." + id + ".requests", "crash." + id + ".results",
                "crash." + id + ".jobstate", "crash." + id + ".deadletter");
        EmbeddedKafka kafka = stack.kafka().orElseThrow();
        kafka.createTopic(topics.requests(), partitions, Map.of());
        kafka.createTopic(topics.results(), partitions, Map.of());
        kafka.createTopic(topics.jobState(), partitions, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(topics.deadLetter(), 1, Map.of());
        return new CrashLane(stack.kafkaBootstrap(), topics, "crash-" + id);
    }

    /** The same on a broker the test runs itself (a {@code KafkaProcess} it kills and restarts). */
    public static CrashLane create(com.pbiexport.devstack.kafka.Broker broker, String name, int partitions) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 6);
        Topics topics = new Topics("crash." + id + ".requests", "crash." + id + ".results",
                "crash." + id + ".jobstate", "crash." + id + ".deadletter");
        broker.createTopic(topics.requests(), partitions, Map.of());
        broker.createTopic(topics.results(), partitions, Map.of());
        broker.createTopic(topics.jobState(), partitions, Map.of("cleanup.policy", "compact"));
        broker.createTopic(topics.deadLetter(), 1, Map.of());
        return new CrashLane(broker.bootstrapServers(), topics, "crash-" + id);
    }

    /** Every outcome the reader saw (results and dead letters, duplicates kept), in the order read. */
    public List<Outcome> allOutcomes() {
        return outcomes.values().stream().flatMap(List::stream).toList();
    }

    public Topics topics() {
        return topics;
    }

    public String groupId() {
        return groupId;
    }

    /**
     * Publishes a request as a binary-mode CloudEvent keyed by its requestId (not the tenant), so requests
     * spread over every partition and therefore over every worker.
     */
    public String publish(ExportRequested request) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.build(UUID.randomUUID().toString(), CloudEventHeaders.TYPE_REQUESTED, "/crash-it",
                Instant.now(), request.requestId()).forEach(headers::add);
        try {
            RecordMetadata sent = producer.send(new ProducerRecord<>(topics.requests(), null,
                    request.requestId().getBytes(StandardCharsets.UTF_8), EventCodec.shared().write(request),
                    headers)).get(30, TimeUnit.SECONDS);
            requestPartitions.put(request.requestId(), sent.partition());
        } catch (Exception e) {
            throw new AssertionError("could not publish to " + topics.requests() + ": " + e, e);
        }
        return request.requestId();
    }

    /** Reads until every request has an outcome or the time is up; returns the requests still without one. */
    public Set<String> awaitOutcomes(Collection<String> requestIds, Duration timeout) {
        Set<String> missing = new LinkedHashSet<>(requestIds);
        Instant until = Instant.now().plus(timeout);
        do {
            readOnce();
            missing.removeAll(outcomes.keySet());
        } while (!missing.isEmpty() && Instant.now().isBefore(until));
        return missing;
    }

    /** Reads for a while (late duplicates, transactions that commit late). */
    public void readFor(Duration settle) {
        Instant until = Instant.now().plus(settle);
        while (Instant.now().isBefore(until)) {
            readOnce();
        }
    }

    /** Reads whatever is there now (keeps the reader's view of job states current during a run). */
    public void readNow() {
        readOnce();
    }

    /** The count of committed job-state records naming an export (distinct exportIds over all requests). */
    public int recordedExportCount() {
        return recordedExports.values().stream().mapToInt(Set::size).sum();
    }

    /** The requests published to these request partitions. */
    public List<String> requestsIn(Set<Integer> partitions) {
        return requestPartitions.entrySet().stream().filter(e -> partitions.contains(e.getValue()))
                .map(Map.Entry::getKey).toList();
    }

    /** The {@code ce_source} of the first outcome of the request (names the instance), or null. */
    public String answeredBy(String requestId) {
        List<Outcome> os = outcomes.getOrDefault(requestId, List.of());
        return os.isEmpty() ? null : os.get(0).header(CloudEventHeaders.SOURCE);
    }

    /**
     * The request partitions the group assigned to the member whose Kafka {@code client.id} is {@code clientId}
     * (the worker's is {@code <instanceId>-intake}), as the group coordinator describes it now.
     */
    public Set<Integer> assignedTo(String clientId) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(groupId)).all()
                    .get(30, TimeUnit.SECONDS).get(groupId);
            Set<Integer> parts = new java.util.TreeSet<>();
            for (MemberDescription m : g.members()) {
                if (m.clientId().equals(clientId)) {
                    m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topics.requests()))
                            .forEach(tp -> parts.add(tp.partition()));
                }
            }
            return parts;
        } catch (Exception e) {
            throw new AssertionError("cannot describe group " + groupId + ": " + e, e);
        }
    }

    /** The first outcome the reader saw for {@code requestId}. */
    public Outcome outcomeOf(String requestId) {
        List<Outcome> os = outcomes.getOrDefault(requestId, List.of());
        if (os.isEmpty()) {
            throw new AssertionError("no outcome for " + requestId);
        }
        return os.get(0);
    }

    /** What the reader has seen for these requests. */
    public Tally tally(Collection<String> requestIds) {
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> startedAgainAfterRecord = new ArrayList<>();
        List<String> completedByAnotherExport = new ArrayList<>();
        int total = 0;
        int completed = 0;
        int duplicates = 0;
        for (String id : requestIds) {
            List<Outcome> os = outcomes.getOrDefault(id, List.of());
            total += os.size();
            if (os.isEmpty()) {
                missing.add(id);
            } else if (os.size() > 1) {
                duplicates += os.size() - 1;
                duplicated.add(id + " x" + os.size());
            }
            for (Outcome o : os) {
                if (o.isCompleted()) {
                    completed++;
                } else {
                    failures.add(id + ": " + o.describe());
                }
            }
            Set<String> recorded = recordedExports.getOrDefault(id, Set.of());
            if (recorded.size() > 1) {
                startedAgainAfterRecord.add(id + " " + recorded);
            }
            if (!recorded.isEmpty() && !os.isEmpty() && os.get(0).isCompleted()) {
                String first = recorded.iterator().next();
                String done = EventCodec.shared().read(os.get(0).value(), ExportCompleted.class).exportId();
                if (!first.equals(done)) {
                    completedByAnotherExport.add(id + " recorded " + first + " completed " + done);
                }
            }
        }
        return new Tally(requestIds.size(), total, completed, duplicates, deadLetters.size(), missing, duplicated,
                failures, startedAgainAfterRecord, completedByAnotherExport, recordedExportCount());
    }

    /**
     * What a {@code read_committed} reader saw for a set of requests.
     *
     * @param startedAgainAfterRecord requests whose committed job state named more than one exportId: an export
     *                                recorded as running was started again instead of resumed
     * @param completedByAnotherExport requests completed by an export other than the first one recorded
     * @param recordedExports         distinct exportIds recorded in job state (all requests of the lane)
     */
    public record Tally(int requests, int outcomes, int completed, int duplicates, int deadLetters,
                        List<String> missing, List<String> duplicated, List<String> failures,
                        List<String> startedAgainAfterRecord, List<String> completedByAnotherExport,
                        int recordedExports) {

        public String summary() {
            return "requests=" + requests + " outcomes=" + outcomes + " completed=" + completed + " failed="
                    + failures.size() + " duplicates=" + duplicates + " missing=" + missing.size() + " deadLetters="
                    + deadLetters + " recordedExports=" + recordedExports + " startedAgainAfterRecord="
                    + startedAgainAfterRecord.size() + " completedByAnotherExport=" + completedByAnotherExport.size();
        }
    }

    private void readOnce() {
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (r.topic().equals(topics.jobState())) {
                if (r.value() != null && key != null) {
                    JobState.fromJson(r.value()).map(JobState::exportId).filter(e -> !e.isBlank())
                            .ifPresent(e -> recordedExports.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(e));
                }
                continue;
            }
            Outcome o = Outcome.of(r);
            if (r.topic().equals(topics.deadLetter())) {
                deadLetters.add(o);
            }
            if (key != null) {
                outcomes.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
            }
        }
    }


    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        reader.close(Duration.ofSeconds(5));
    }


}
