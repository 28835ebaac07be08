package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Stops the intake of a request partition whose records are mostly dead letters, instead of draining a whole topic
 * of garbage (a producer bug, a wrong topic) into the dead-letter topic. Per partition it looks at the last
 * {@link Settings#lastRecords} records handed out within {@link Settings#window}; when at least
 * {@link Settings#minRecords} of them are there and at least {@link Settings#ratio} of them were dead letters, the
 * breaker <b>opens</b>: the partition is paused and put back to its first record not handed out (nothing is skipped,
 * nothing lost), and one warning says what happened and how it resumes.
 *
 * <p>Resuming: after {@link Settings#coolDown} the breaker is <b>half-open</b>: the partition resumes and the next
 * {@value #PROBE_RECORDS} records decide: mostly dead letters again (the same ratio) opens it for another cool-down,
 * otherwise it closes. The state is in memory: a restart, or the partition moving to another instance, starts closed
 * (at most {@code minRecords} more dead letters before it opens again there).
 *
 * <p>Owned by the consumer thread (not thread-safe), except {@link #openPartitions()}, read by metrics. The intake
 * loop asks {@link #admit} before handing out each record and calls {@link #beforePoll} before each poll; the
 * verdicts come from the parser ({@link #parsed}), which runs on the consumer thread inside the handler, so the
 * breaker learns of each record through {@link #guard}.
 */
public final class DeadLetterBreaker {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterBreaker.class);
    /** Records a half-open partition lets through before deciding. */
    public static final int PROBE_RECORDS = 10;

    /**
     * The tuning ({@code intake.deadLetterBreaker.*}).
     *
     * @param enabled     false: never opens
     * @param ratio       share of dead letters (0-1] that opens the breaker
     * @param lastRecords how many of a partition's latest records are looked at
     * @param minRecords  fewest records (within the window) before it may open: a few bad records never stop intake
     * @param window      records older than this do not count: a slow trickle of garbage is not a flood
     * @param coolDown    how long an open partition stays stopped before a probe
     */
    public record Settings(boolean enabled, double ratio, int lastRecords, int minRecords, Duration window,
                           Duration coolDown) {
        public static final double DEFAULT_RATIO = 0.9;
        public static final int DEFAULT_LAST_RECORDS = 100;
        public static final int DEFAULT_MIN_RECORDS = 50;
        public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
        public static final Duration DEFAULT_COOL_DOWN = Duration.ofMinutes(10);

        public Settings {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(coolDown, "coolDown");
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("ratio must be in (0, 1], was " + ratio);
            }
            if (minRecords < 1 || lastRecords < minRecords) {
                throw new IllegalArgumentException("need 1 <= minRecords <= lastRecords, was " + minRecords + " and "
                        + lastRecords);
            }
        }

        public static Settings defaults() {
            return new Settings(true, DEFAULT_RATIO, DEFAULT_LAST_RECORDS, DEFAULT_MIN_RECORDS, DEFAULT_WINDOW,
                    DEFAULT_COOL_DOWN);
        }

        public static Settings disabled() {
            return new Settings(false, DEFAULT_RATIO, DEFAULT_LAST_RECORDS, DEFAULT_MIN_RECORDS, DEFAULT_WINDOW,
                    DEFAULT_COOL_DOWN);
        }
    }

    /** Where a partition stands. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private record Seen(Instant at, String deadLetterReason) { }

    private static final class Partition {
        final Deque<Seen> recent = new ArrayDeque<>();
        State state = State.CLOSED;
        Instant probeAt;
        int probed;
        int probeDeadLetters;
        /** Set when it opened: the next record of the partition offered to {@link #admit} is where it rewinds to. */
        boolean rewind;
        int trips;
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    private volatile int open;
    /** The verdict of the record being handed out, set by {@link #parsed} while {@link #guard}'s handler runs. */
    private String pendingReason;
    private boolean handling;

    public DeadLetterBreaker(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A breaker that never opens (tests, {@code enabled: false}). */
    public static DeadLetterBreaker disabled() {
        return new DeadLetterBreaker(Settings.disabled(), Clock.systemUTC());
    }

    public Settings settings() {
        return settings;
    }

    /** Partitions not closed (open or probing). Safe from any thread: the metrics gauge. */
    public int openPartitions() {
        return open;
    }

    public State state(TopicPartition tp) {
        Partition p = partitions.get(tp);
        return p == null ? State.CLOSED : p.state;
    }

    /**
     * Counts one record of {@code tp} handed out; {@code deadLetterReason} is null when it was not dead-lettered.
     * Returns true when this record opened the breaker.
     */
    public boolean recorded(TopicPartition tp, long offset, String deadLetterReason) {
        if (!settings.enabled()) {
            return false;
        }
        Instant now = clock.instant();
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
        if (p.state == State.HALF_OPEN) {
            p.probed++;
            p.probeDeadLetters += deadLetterReason == null ? 0 : 1;
            if (p.probed < PROBE_RECORDS) {
                return false;
            }
            if (p.probeDeadLetters >= settings.ratio() * p.probed) {
                open(p, now);
                log.warn("dead-letter breaker of {} opened again: {} of {} probe records were dead letters; intake of "
                        + "the partition stays stopped until {} (or a restart)", tp, p.probeDeadLetters, p.probed,
                        p.probeAt);
                return true;
            }
            p.state = State.CLOSED;
            p.recent.clear();
            updateOpen();
            log.info("dead-letter breaker of {} closed: {} of {} probe records were dead letters; intake resumed",
                    tp, p.probeDeadLetters, p.probed);
            return false;
        }
        if (p.state == State.OPEN) {
            return false; // handed out before the partition stopped (cannot happen through admit); not counted
        }
        p.recent.addLast(new Seen(now, deadLetterReason));
        while (p.recent.size() > settings.lastRecords()) {
            p.recent.removeFirst();
        }
        Instant oldest = now.minus(settings.window());
        while (!p.recent.isEmpty() && p.recent.peekFirst().at().isBefore(oldest)) {
            p.recent.removeFirst();
        }
        long dead = p.recent.stream().filter(s -> s.deadLetterReason() != null).count();
        if (p.recent.size() < settings.minRecords() || dead < settings.ratio() * p.recent.size()) {
            return false;
        }
        Map<String, Long> reasons = new TreeMap<>(p.recent.stream().filter(s -> s.deadLetterReason() != null)
                .collect(Collectors.groupingBy(Seen::deadLetterReason, Collectors.counting())));
        int seen = p.recent.size();
        open(p, now);
        log.warn("DEAD-LETTER BREAKER OPEN for {}: {} of its last {} records (within {}) were dead letters {}; the "
                        + "last at offset {}. Intake of this partition is STOPPED so the topic is not drained into the "
                        + "dead-letter topic (other partitions go on). It probes {} records again at {} "
                        + "(intake.deadLetterBreaker.coolDown) and closes if they are mostly valid; a restart also "
                        + "resumes it. Fix the producer: the dead letters' dlq.* headers name the records.",
                tp, dead, seen, settings.window(), reasons, offset, PROBE_RECORDS, p.probeAt);
        return true;
    }

    private void open(Partition p, Instant now) {
        p.state = State.OPEN;
        p.probeAt = now.plus(settings.coolDown());
        p.rewind = true;
        p.trips++;
        p.recent.clear();
        updateOpen();
    }

    /**
     * Asked by the intake loop before it hands out {@code record}: false when the record's partition is open. The
     * first refused record of an opening is where the partition is rewound to ({@code seek}); the partition's
     * other records waiting in {@code waiting} are dropped (they are read again after the rewind) and it is paused.
     */
    public boolean admit(Consumer<?, ?> consumer, ConsumerRecord<?, ?> record,
                         Iterable<? extends ConsumerRecord<?, ?>> waiting) {
        if (!settings.enabled()) {
            return true;
        }
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        Partition p = partitions.get(tp);
        if (p == null || p.state != State.OPEN) {
            return true;
        }
        if (p.rewind) {
            p.rewind = false;
            consumer.pause(List.of(tp));
            consumer.seek(tp, record.offset()); // nothing after the opening record is lost: read again on resume
        }
        for (Iterator<? extends ConsumerRecord<?, ?>> it = waiting.iterator(); it.hasNext(); ) {
            ConsumerRecord<?, ?> r = it.next();
            if (r.partition() == tp.partition() && r.topic().equals(tp.topic())) {
                it.remove();
            }
        }
        return false;
    }

    /**
     * Before each poll: forgets partitions no longer assigned, keeps open ones paused (the loop's own pausing may
     * have resumed them), and lets those whose cool-down has passed probe. When the whole intake is paused
     * ({@code intakePaused}), a probing partition resumes with the rest.
     */
    public void beforePoll(Consumer<?, ?> consumer, boolean intakePaused) {
        if (partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        if (partitions.keySet().retainAll(assigned)) {
            updateOpen();
        }
        if (open == 0) {
            return;
        }
        Instant now = clock.instant();
        Set<TopicPartition> stopped = new HashSet<>();
        partitions.forEach((tp, p) -> {
            if (p.state != State.OPEN) {
                return;
            }
            if (!now.isBefore(p.probeAt)) {
                p.state = State.HALF_OPEN;
                p.probed = 0;
                p.probeDeadLetters = 0;
                p.rewind = false;
                log.info("dead-letter breaker of {}: cool-down over, probing the next {} records", tp, PROBE_RECORDS);
                if (!intakePaused) {
                    consumer.resume(List.of(tp));
                }
            } else {
                stopped.add(tp);
            }
        });
        if (!stopped.isEmpty()) {
            consumer.pause(stopped);
        }
    }

    /**
     * The handler the intake loop gets: {@code inner} (the router), with each record's verdict (dead letter or not,
     * learnt from {@link #parsed} while {@code inner} runs) counted.
     */
    public RecordHandler guard(RecordHandler inner) {
        return (record, finished) -> {
            pendingReason = null;
            handling = true;
            RecordHandler.Cancellation c;
            try {
                c = inner.handle(record, finished);
            } finally {
                handling = false;
            }
            recorded(new TopicPartition(record.topic(), record.partition()), record.offset(), pendingReason);
            return c;
        };
    }

    /**
     * The parser's listener: an {@link ParseResult.Unparseable} result is exactly what the router dead-letters.
     * Ignored outside {@link #guard} (another caller of the parser).
     */
    public void parsed(ParseResult result) {
        if (handling && result instanceof ParseResult.Unparseable u) {
            pendingReason = u.reason().name();
        }
    }

    /** How often the partition's breaker opened (tests, logs). */
    public int trips(TopicPartition tp) {
        Partition p = partitions.get(tp);
        return p == null ? 0 : p.trips;
    }

    private void updateOpen() {
        open = (int) partitions.values().stream().filter(p -> p.state != State.CLOSED).count();
    }
}
