package com.pbiexport.worker.intake;

import com.pbiexport.worker.publish.Outbox;
import com.pbiexport.worker.publish.RecordSender;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Exactly-once: the consumer thread owns a transactional producer and, each loop iteration, runs one transaction
 * with everything the {@link Outbox} collected (answers, dead letters, job states, tombstones) and the committable
 * offsets ({@code sendOffsetsToTransaction} with the consumer's group metadata, so a member the group has moved on
 * from cannot commit). The records' futures complete only once the transaction committed.
 *
 * <p>A failed or aborted transaction (broker away, timeout) keeps its records for the next one, after a backoff.
 * Fencing (another producer with our transactional id, or a group generation that moved on) recreates the
 * producer and drops the records of partitions this member no longer owns: their next owner answers them.
 */
public final class TransactionalDelivery implements Delivery {
    private static final Logger log = LoggerFactory.getLogger(TransactionalDelivery.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Why a record was never committed: its request's partition moved to another member first. */
    public static final class Dropped extends KafkaException {
        Dropped(String message) {
            super(message);
        }
    }

    private final Outbox outbox;
    private final Supplier<Producer<byte[], byte[]>> producers;
    private final Clock clock;
    /** Entries taken from the outbox and not committed yet, oldest first. Consumer thread only. */
    private final List<Outbox.Entry> pending = new ArrayList<>();
    private Producer<byte[], byte[]> producer;
    private int failures;
    private Instant retryAt = Instant.MIN;
    private long transactions;
    /** A transaction whose commit timed out: it may have committed, so only the same commit may be retried. */
    private InDoubt inDoubt;

    private record InDoubt(List<Outbox.Entry> batch, Map<TopicPartition, OffsetAndMetadata> offsets) { }

    /**
     * @param producers makes a new transactional producer (same {@code transactional.id} every time); called on
     *                  the consumer thread at the first commit and again after fencing
     */
    public TransactionalDelivery(Outbox outbox, Supplier<Producer<byte[], byte[]>> producers, Clock clock) {
        this.outbox = outbox;
        this.producers = producers;
        this.clock = clock;
    }

    /** Transactions committed so far (tests, logs). */
    public long transactionsCommitted() {
        return transactions;
    }

    /**
     * Initialises the transactional producer before the first poll: a restarted instance (same
     * {@code transactional.id}) thereby aborts its predecessor's open transaction, whose records would otherwise
     * hold back the {@code read_committed} job-state load (and hide the "running" states written after it) until
     * {@code transaction.timeout.ms}. A failure here is retried at the first commit.
     */
    @Override
    public void open() {
        ready();
    }

    @Override
    public void commit(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, boolean due,
                       Committed onCommitted) {
        outbox.drainTo(pending);
        if (pending.isEmpty() && (!due || offsets.isEmpty())) {
            return;
        }
        if (clock.instant().isBefore(retryAt)) {
            return;
        }
        transact(consumer, offsets, onCommitted);
    }

    @Override
    public void commitNow(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets,
                          Committed onCommitted) {
        outbox.drainTo(pending);
        if (!pending.isEmpty() || !offsets.isEmpty()) {
            transact(consumer, offsets, onCommitted);
        }
    }

    @Override
    public void handOver(Consumer<?, ?> consumer, Collection<TopicPartition> revoked,
                         Map<TopicPartition, OffsetAndMetadata> offsets, Committed onCommitted) {
        commitNow(consumer, offsets, onCommitted);
        drop(partitionIn(revoked), "handed over before its transaction committed");
    }

    @Override
    public void lost(Collection<TopicPartition> partitions) {
        outbox.drainTo(pending);
        drop(partitionIn(partitions), "its partition was lost");
    }

    @Override
    public void close() {
        outbox.drainTo(pending);
        drop(e -> true, "the worker stopped");
        discardProducer();
    }

    /** One transaction: the pending records, then the offsets, then commit. True when it committed. */
    private boolean transact(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets,
                             Committed onCommitted) {
        if (consumer.groupMetadata().generationId() < 0) {
            // not a member (left after a missed max.poll.interval, or not joined yet): the broker would accept
            // offsets without a generation, so wait until the next poll rejoined and told us what we still own
            return false;
        }
        if (!ready()) {
            return false;
        }
        if (inDoubt != null) {
            Map<TopicPartition, OffsetAndMetadata> settled = inDoubt.offsets();
            if (!resolveInDoubt(consumer, onCommitted)) {
                return false;
            }
            Map<TopicPartition, OffsetAndMetadata> rest = new HashMap<>(offsets);
            rest.entrySet().removeIf(e -> e.getValue().equals(settled.get(e.getKey()))); // committed just now
            if (pending.isEmpty() && rest.isEmpty()) {
                return true;
            }
            offsets = rest;
        }
        List<Outbox.Entry> batch = List.copyOf(pending);
        Set<Outbox.Entry> rejected = Collections.newSetFromMap(new IdentityHashMap<>());
        boolean committing = false;
        try {
            producer.beginTransaction();
            for (Outbox.Entry e : batch) {
                for (ProducerRecord<byte[], byte[]> r : e.records()) {
                    producer.send(r, (meta, error) -> {
                        if (unsendable(error)) {
                            rejected.add(e); // this record can never be sent: do not block the others behind it
                        }
                    });
                }
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            committing = true;
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException
                 | CommitFailedException e) {
            fenced(consumer, e);
            return false;
        } catch (TimeoutException e) {
            if (committing) {
                // the commit may have happened: retry that same commit, never send these records again
                log.warn("commit of {} record set(s) timed out; retrying the commit: {}", batch.size(), e.toString());
                inDoubt = new InDoubt(batch, offsets);
            } else {
                failed(batch, rejected, e);
            }
            backOff();
            return false;
        } catch (KafkaException | IllegalStateException e) {
            failed(batch, rejected, e);
            backOff();
            return false;
        }
        committed(batch, offsets, onCommitted);
        return true;
    }

    /** Retries the commit that timed out. True when it is settled (committed, or known to be aborted). */
    private boolean resolveInDoubt(Consumer<?, ?> consumer, Committed onCommitted) {
        InDoubt d = inDoubt;
        try {
            producer.commitTransaction();
        } catch (TimeoutException e) {
            backOff();
            return false;
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException
                 | CommitFailedException e) {
            inDoubt = null;
            fenced(consumer, e);
            return false;
        } catch (KafkaException | IllegalStateException e) {
            inDoubt = null; // definitely not committed: its records are still pending, for the next transaction
            failed(d.batch(), Set.of(), e);
            backOff();
            return false;
        }
        inDoubt = null;
        committed(d.batch(), d.offsets(), onCommitted);
        return true;
    }

    private void committed(List<Outbox.Entry> batch, Map<TopicPartition, OffsetAndMetadata> offsets,
                           Committed onCommitted) {
        Set<Outbox.Entry> done = Collections.newSetFromMap(new IdentityHashMap<>());
        done.addAll(batch);
        pending.removeIf(done::contains);
        failures = 0;
        retryAt = Instant.MIN;
        transactions++;
        batch.forEach(e -> e.done().complete(null));
        if (!offsets.isEmpty()) {
            onCommitted.committed(offsets);
        }
    }

    /** Not committed, for sure (the commit was never asked for, or failed outright): retried in the next one. */
    private void failed(List<Outbox.Entry> batch, Set<Outbox.Entry> rejected, RuntimeException e) {
        log.warn("transaction of {} record set(s) failed, retrying them in the next one: {}", batch.size(),
                e.toString());
        abort();
        failRejected(rejected);
    }

    /** The group (or a newer instance with our id) moved on: what we no longer own is the next owner's now. */
    private void fenced(Consumer<?, ?> consumer, RuntimeException e) {
        log.warn("transaction fenced ({}); recreating the producer and keeping only records of partitions "
                + "still assigned", e.toString());
        discardProducer();
        Set<Integer> owned = consumer.assignment().stream().map(TopicPartition::partition)
                .collect(Collectors.toSet());
        drop(en -> en.requestPartition() != RecordSender.NO_PARTITION
                && !owned.contains(en.requestPartition()), "the group moved on before its transaction committed");
        backOff();
    }

    /** Makes sure a producer with initialised transactions exists (init also aborts our unfinished ones). */
    private boolean ready() {
        if (producer != null) {
            return true;
        }
        Producer<byte[], byte[]> p = null;
        try {
            p = producers.get();
            p.initTransactions();
            producer = p;
            return true;
        } catch (KafkaException e) {
            log.warn("cannot start the transactional producer, retrying: {}", e.toString());
            if (p != null) {
                closeQuietly(p);
            }
            backOff();
            return false;
        }
    }

    private void abort() {
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            // the producer is in a state only a new one (re-initialised) can leave
            discardProducer();
        }
    }

    private void failRejected(Set<Outbox.Entry> rejected) {
        if (!rejected.isEmpty()) {
            pending.removeIf(rejected::contains);
            rejected.forEach(e -> e.done().completeExceptionally(
                    new KafkaException("a record of request partition " + e.requestPartition() + " cannot be sent")));
        }
    }

    private void drop(Predicate<Outbox.Entry> which, String why) {
        List<Outbox.Entry> dropped = new ArrayList<>();
        pending.removeIf(e -> which.test(e) && dropped.add(e));
        if (!dropped.isEmpty()) {
            log.info("{} record set(s) not committed: {}", dropped.size(), why);
            dropped.forEach(e -> e.done().completeExceptionally(new Dropped("not committed: " + why)));
        }
    }

    private static Predicate<Outbox.Entry> partitionIn(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        return e -> numbers.contains(e.requestPartition());
    }

    private static boolean unsendable(Exception error) {
        return error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException;
    }

    private void backOff() {
        failures++;
        long millis = Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(failures, 6));
        retryAt = clock.instant().plusMillis(millis);
    }

    private void discardProducer() {
        inDoubt = null; // a new producer's initTransactions settles whatever the old one left open
        if (producer != null) {
            closeQuietly(producer);
            producer = null;
        }
    }

    private static void closeQuietly(Producer<byte[], byte[]> p) {
        try {
            p.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.debug("closing the transactional producer failed: {}", e.toString());
        }
    }
}
