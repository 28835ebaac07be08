package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The consumer thread. It alone touches the {@link Consumer}: polls, hands records to the {@link RecordHandler}
 * while the in-flight budget allows, pauses the assignment when it is full and resumes it after, and commits
 * offsets up to the lowest unfinished record through its {@link Delivery} (plain commits at-least-once; with
 * exactly-once, one transaction per iteration carrying the queued answers and the offsets). Completions arrive
 * from other threads through a queue.
 * On revocation it cancels the partition's unfinished work (the next owner runs it again, resuming running
 * exports from the job-state topic), lets the {@link PartitionListener} wait for ExportTo calls still being
 * answered so their job states go into the final commit, and commits what is finished. The listener hears of
 * every assignment change and commit. On {@link #shutdown} it stops taking records, lets in-flight work finish
 * within the drain timeout, commits and closes the consumer.
 */
public final class IntakeLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(IntakeLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private record Done(TopicPartition tp, long offset) { }

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final RecordHandler handler;
    private final int maxQueued;
    private final Duration commitInterval;
    private final Duration drainTimeout;
    private final Clock clock;
    private final IntakeObserver observer;
    private final PartitionListener partitions;
    private final Delivery delivery;
    private final Duration handOverPatience;

    private final OffsetTracker tracker = new OffsetTracker();
    private final Queue<Done> completions = new ConcurrentLinkedQueue<>();
    private final Queue<ConsumerRecord<byte[], byte[]>> waiting = new ArrayDeque<>();
    private final Map<TopicPartition, Map<Long, RecordHandler.Cancellation>> handles = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private DeadLetterBreaker breaker = DeadLetterBreaker.disabled();
    private boolean paused;
    private volatile int handedOut; // written by the consumer thread only
    private Instant lastCommit;

    /**
     * Tells {@code partitions} (the router, which hands them to jobstate.JobStates) about every assignment change
     * and makes answers and offsets durable through {@code delivery}; a revocation waits up to
     * {@code handOverPatience} for ExportTo calls still being answered (keep it well below
     * {@code max.poll.interval.ms}: the wait runs inside the rebalance).
     */
    public IntakeLoop(Consumer<byte[], byte[]> consumer, String topic, RecordHandler handler, int maxQueued,
                      Duration commitInterval, Duration drainTimeout, Clock clock, IntakeObserver observer,
                      PartitionListener partitions, Delivery delivery, Duration handOverPatience) {
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1, was " + maxQueued);
        }
        this.consumer = consumer;
        this.topic = topic;
        this.handler = handler;
        this.maxQueued = maxQueued;
        this.commitInterval = commitInterval;
        this.drainTimeout = drainTimeout;
        this.clock = clock;
        this.observer = observer == null ? IntakeObserver.NONE : observer;
        this.partitions = partitions == null ? PartitionListener.NONE : partitions;
        this.delivery = delivery;
        this.handOverPatience = handOverPatience;
    }

    @Override
    public void run() {
        lastCommit = clock.instant();
        try {
            delivery.open();
            consumer.subscribe(List.of(topic), new Rebalance());
            while (!stopping) {
                pollOnce();
            }
            drain();
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
            drain();
        } finally {
            try {
                delivery.close();
            } catch (RuntimeException e) {
                log.warn("closing the delivery failed: {}", e.toString());
            }
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("closing the consumer failed: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    /**
     * Stops a partition whose records are mostly dead letters (see {@link DeadLetterBreaker}; its {@code guard} must
     * wrap this loop's handler so it learns each record's verdict). Call before {@link #run}.
     */
    public IntakeLoop guardedBy(DeadLetterBreaker deadLetterBreaker) {
        this.breaker = Objects.requireNonNull(deadLetterBreaker, "deadLetterBreaker");
        return this;
    }

    /** Asks the loop to stop; returns at once. Safe from any thread. */
    public void shutdown() {
        stopping = true;
        consumer.wakeup();
    }

    /** Waits until the loop has drained, committed and closed the consumer. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records handed to the handler and not finished yet. Read from other threads for metrics only. */
    public int inFlight() {
        return handedOut;
    }

    private void pollOnce() {
        applyCompletions();
        handOutWaiting();
        adjustPause();
        breaker.beforePoll(consumer, paused); // keeps stopped partitions paused, lets cooled-down ones probe
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
            observer.polledOk();
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // e.g. the broker is away or authorisation failed: keep running, readiness reports it
            observer.pollFailed(e);
            log.warn("polling {} failed, retrying: {}", topic, e.toString());
            return;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
            observer.received(topic);
            tracker.received(new TopicPartition(r.topic(), r.partition()), r.offset());
            waiting.add(r);
        }
        handOutWaiting();
        applyCompletions();
        commitIfDue(false);
    }

    private void handOutWaiting() {
        while (handedOut < maxQueued && !waiting.isEmpty()) {
            ConsumerRecord<byte[], byte[]> r = waiting.poll();
            if (!breaker.admit(consumer, r, waiting)) {
                continue; // its partition is stopped: rewound to this record, read again once it resumes
            }
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            long offset = r.offset();
            handedOut++;
            RecordHandler.Cancellation c;
            try {
                c = handler.handle(r, () -> completions.add(new Done(tp, offset)));
            } catch (RuntimeException e) {
                // a handler must not throw; if it does, the record stays unfinished and is redelivered
                log.error("handler failed on {}@{}; the record will be redelivered", tp, offset, e);
                c = RecordHandler.Cancellation.NONE;
            }
            handles.computeIfAbsent(tp, k -> new HashMap<>()).put(offset, c);
        }
    }

    private void applyCompletions() {
        Done d;
        while ((d = completions.poll()) != null) {
            Map<Long, RecordHandler.Cancellation> h = handles.get(d.tp());
            if (h != null && h.remove(d.offset()) != null) {
                handedOut--;
            }
            tracker.finished(d.tp(), d.offset());
        }
    }

    private void adjustPause() {
        boolean full = handedOut >= maxQueued || !waiting.isEmpty();
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
            observer.paused(true);
        } else if (!full && paused) {
            consumer.resume(consumer.paused());
            paused = false;
            observer.paused(false);
        }
    }

    private void commitIfDue(boolean sync) {
        Instant now = clock.instant();
        boolean due = sync || Duration.between(lastCommit, now).compareTo(commitInterval) >= 0;
        if (due) {
            lastCommit = now;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
        if (sync) {
            delivery.commitNow(consumer, offsets, this::committed);
        } else {
            delivery.commit(consumer, offsets, due, this::committed);
        }
    }

    /** Offsets are durable: runs on this thread (inside poll() for asynchronous commits). */
    private void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        tracker.committed(offsets);
        observer.committed(offsets.size());
        partitions.committed(offsets);
    }

    private void drain() {
        waiting.clear();
        Instant until = clock.instant().plus(drainTimeout);
        try {
            if (!consumer.assignment().isEmpty()) {
                consumer.pause(consumer.assignment());
            }
            while (handedOut > 0 && clock.instant().isBefore(until)) {
                applyCompletions();
                try {
                    consumer.poll(Duration.ofMillis(100)); // keeps group membership while paused; returns nothing
                } catch (WakeupException e) {
                    // shutdown()'s own wakeup, still pending when it arrived outside poll: keep draining
                }
                commitIfDue(false); // exactly-once: answers count as published only once their transaction ran
            }
            applyCompletions();
            handOverUnfinished();
            commitIfDue(true);
        } catch (WakeupException e) {
            applyCompletions();
            commitIfDue(true);
        } catch (KafkaException e) {
            log.warn("final commit failed; uncommitted records will be redelivered: {}", e.toString());
        }
        if (handedOut > 0) {
            log.warn("{} exports were still running at shutdown; they will run again on the next owner", handedOut);
            handles.values().forEach(m -> m.values().forEach(RecordHandler.Cancellation::cancel));
        }
    }

    /**
     * A graceful stop is a hand-over, not a crash: what is still running is cancelled and the listener hands it
     * over (ExportTo calls being answered, the owner's claims given back) before the final commit carries it.
     */
    private void handOverUnfinished() {
        if (handedOut > 0 && !consumer.assignment().isEmpty()) {
            handles.values().forEach(m -> m.values().forEach(RecordHandler.Cancellation::cancel));
            partitions.revoking(new HashSet<>(consumer.assignment()), handOverPatience);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // lost (not revoked): another member may already own them, so committing is not allowed
            release(partitions, false);
        }

        private void release(Collection<TopicPartition> partitions, boolean commit) {
            applyCompletions();
            Set<TopicPartition> revoked = new HashSet<>(partitions);
            waiting.removeIf(r -> revoked.contains(new TopicPartition(r.topic(), r.partition())));
            // cancel first, so no ExportTo of these partitions begins after the listener stopped waiting
            for (TopicPartition tp : revoked) {
                Map<Long, RecordHandler.Cancellation> h = handles.remove(tp);
                if (h != null) {
                    h.values().forEach(RecordHandler.Cancellation::cancel);
                    handedOut -= h.size();
                }
            }
            try {
                if (commit) {
                    // the next owner must see the job state of every export accepted before it loads the states
                    IntakeLoop.this.partitions.revoking(revoked, handOverPatience);
                    applyCompletions();
                    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
                    offsets.keySet().retainAll(revoked);
                    delivery.handOver(consumer, revoked, offsets, IntakeLoop.this::committed);
                } else {
                    // lost (not revoked): another member may already own them, so committing is not allowed
                    delivery.lost(revoked);
                }
            } catch (KafkaException e) {
                // also a wakeup (shutdown) during the commit: the listener must still forget the partitions
                log.warn("commit on revocation failed; records will be redelivered: {}", e.toString());
            }
            tracker.forget(revoked);
            IntakeLoop.this.partitions.released(revoked);
            if (!revoked.isEmpty()) {
                log.info("partitions {}: {}", commit ? "revoked" : "lost", revoked);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // before any record of these partitions is handed out: their running exports can then be resumed
            IntakeLoop.this.partitions.assigned(partitions);
            observer.assigned(consumer.assignment());
            if (paused) {
                consumer.pause(partitions); // newly assigned partitions obey the current budget
            }
        }
    }
}
