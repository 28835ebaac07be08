package com.pbiexport.worker.jobstate;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The job states of the request partitions this instance owns, read from the compacted job-state topic when
 * partitions are assigned: state partition p holds the states of request partition p's requests. Loading reads
 * each partition from the beginning up to its end offset (bounded by {@code loadTimeout}; what is not read in
 * time is simply started again), applying tombstones. Uses its own consumer (assigned, never in a group).
 * Loaded and released on the intake thread (inside the rebalance listener); {@link #find} and {@link #writable}
 * are also safe from other threads.
 */
public final class JobStateStore implements JobStateLookup {
    private static final Logger log = LoggerFactory.getLogger(JobStateStore.class);

    private final Consumer<byte[], byte[]> reader;
    private final String topic;
    private final Duration loadTimeout;
    private final Runnable flushWrites;
    private final Clock clock;
    /** End offsets counting records of transactions still open (read_uncommitted); none: the stable ones. */
    private Function<Collection<TopicPartition>, Map<TopicPartition, Long>> written = tps -> Map.of();
    /** request partition number -> requestId -> state. */
    private final Map<Integer, Map<String, JobState>> byPartition = new ConcurrentHashMap<>();
    /** Request partition numbers whose job-state partition exists. */
    private final Set<Integer> writable = ConcurrentHashMap.newKeySet();

    /**
     * @param reader      a consumer for the job-state topic ({@code read_committed}, no group, no auto commit)
     * @param flushWrites makes this instance's pending state writes durable before its partitions move on
     */
    public JobStateStore(Consumer<byte[], byte[]> reader, String topic, Duration loadTimeout, Runnable flushWrites,
                         Clock clock) {
        this.reader = reader;
        this.topic = topic;
        this.loadTimeout = loadTimeout;
        this.flushWrites = flushWrites == null ? () -> { } : flushWrites;
        this.clock = clock;
    }

    /**
     * Exactly-once: makes a load also wait (within its timeout) for what was written before it began but sits behind
     * a transaction still open, typically a killed predecessor's until {@code transaction.timeout.ms} aborts it: the
     * "running" states written outside transactions after that transaction began are invisible to
     * {@code read_committed} until then. If the wait runs out, what was read up to the stable offset is kept.
     */
    public JobStateStore waitingForOpenTransactions(
            Function<Collection<TopicPartition>, Map<TopicPartition, Long>> writtenEndOffsets) {
        this.written = writtenEndOffsets;
        return this;
    }

    @Override
    public Optional<JobState> find(String requestId) {
        for (Map<String, JobState> states : byPartition.values()) {
            JobState s = states.get(requestId);
            if (s != null) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** States currently known (for tests and logs). */
    public int size() {
        return byPartition.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public void assigned(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        numbers.removeAll(byPartition.keySet());
        if (numbers.isEmpty()) {
            return;
        }
        Instant started = clock.instant();
        try {
            List<TopicPartition> tps = existing(numbers);
            tps.forEach(tp -> writable.add(tp.partition()));
            if (tps.size() < numbers.size()) {
                log.warn("job-state topic {} has no partition for request partitions {}: their exports are not "
                        + "recorded and start again after a move; create it compacted, with as many partitions as the "
                        + "request topic", topic, numbers.stream().filter(n -> !writable.contains(n)).sorted().toList());
            }
            Map<Integer, Map<String, JobState>> loaded = load(tps, started.plus(loadTimeout));
            byPartition.putAll(loaded);
            log.info("loaded {} job state(s) of partitions {} of {} in {} ms", loaded.values().stream()
                    .mapToInt(Map::size).sum(), numbers, topic, Duration.between(started, clock.instant()).toMillis());
        } catch (KafkaException e) {
            // without states the requests are simply started again (at-least-once), never lost
            log.warn("cannot read job states from {}; their exports will start again: {}", topic, e.toString());
        }
    }

    @Override
    public boolean writable(int partition) {
        return writable.contains(partition);
    }

    @Override
    public void released(Collection<TopicPartition> partitions) {
        try {
            flushWrites.run();
        } catch (RuntimeException e) {
            log.warn("flushing job-state writes failed: {}", e.toString());
        }
        partitions.forEach(tp -> {
            byPartition.remove(tp.partition());
            writable.remove(tp.partition());
        });
    }

    private Map<TopicPartition, Long> writtenEnds(List<TopicPartition> tps) {
        try {
            return written.apply(tps);
        } catch (KafkaException e) {
            log.info("cannot ask for the job-state end offsets of open transactions; reading the stable ones: {}",
                    e.toString());
            return Map.of();
        }
    }

    private static boolean warned(TopicPartition tp, String what) {
        log.warn("job states of {}: {}", tp, what);
        return true;
    }

    private List<TopicPartition> existing(Set<Integer> numbers) {
        List<PartitionInfo> infos = reader.partitionsFor(topic, loadTimeout);
        List<TopicPartition> out = new ArrayList<>();
        if (infos != null) {
            infos.stream().filter(p -> numbers.contains(p.partition()))
                    .forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        }
        return out;
    }

    private Map<Integer, Map<String, JobState>> load(List<TopicPartition> tps, Instant until) {
        Map<Integer, Map<String, JobState>> out = new HashMap<>();
        tps.forEach(tp -> out.put(tp.partition(), new HashMap<>()));
        if (tps.isEmpty()) {
            return out;
        }
        reader.assign(tps);
        reader.seekToBeginning(tps);
        Map<TopicPartition, Long> stable = reader.endOffsets(tps, loadTimeout);
        Map<TopicPartition, Long> end = new HashMap<>(stable);
        writtenEnds(tps).forEach((tp, offset) -> end.merge(tp, offset, Math::max));
        end.entrySet().removeIf(e -> reader.position(e.getKey(), loadTimeout) >= e.getValue());
        while (!end.isEmpty() && clock.instant().isBefore(until)) {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                Map<String, JobState> states = out.get(r.partition());
                if (r.key() == null || states == null) {
                    continue;
                }
                String requestId = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    states.remove(requestId);
                } else {
                    // "done" stays until its tombstone: a "running" behind it is a late write of a past owner
                    JobState.fromJson(r.value()).ifPresent(s -> states.merge(requestId, s,
                            (before, next) -> before.isDone() ? before : next));
                }
            }
            end.entrySet().removeIf(e -> reader.position(e.getKey(), loadTimeout) >= e.getValue());
        }
        // read up to the stable offset: a consistent prefix (as without the wait); short of it, a tombstone may be missed
        end.keySet().removeIf(tp -> reader.position(tp, loadTimeout) >= stable.getOrDefault(tp, 0L)
                && warned(tp, "behind a transaction still open after " + loadTimeout + "; states written after it "
                + "start again"));
        if (!end.isEmpty()) {
            log.warn("job states of {} not fully read within {}; those requests start again", end.keySet(),
                    loadTimeout);
            end.keySet().forEach(tp -> out.remove(tp.partition())); // a partial read could miss a tombstone
        }
        reader.unsubscribe();
        return out;
    }
}
