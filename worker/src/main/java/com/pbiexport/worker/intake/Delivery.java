package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;

/**
 * How the consumer thread makes results and offsets durable ({@code delivery.mode}): {@link AtLeastOnceDelivery}
 * commits offsets of records whose answers were acknowledged; {@link TransactionalDelivery} sends the queued
 * answers and the offsets in one Kafka transaction. Called on the consumer thread only.
 */
public sealed interface Delivery permits AtLeastOnceDelivery, TransactionalDelivery {

    /** Told which offsets became durable (the tracker, metrics and the job-state tombstones follow them). */
    @FunctionalInterface
    interface Committed {
        void committed(Map<TopicPartition, OffsetAndMetadata> offsets);
    }

    /** Before the first poll (so before any job state is loaded): gets ready to deliver. */
    default void open() {
    }

    /** Each loop iteration: publishes what is queued and commits {@code offsets} when {@code due}. */
    void commit(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, boolean due,
                Committed onCommitted);

    /** Commits {@code offsets} (and whatever is queued) now, waiting for the broker: shutdown. */
    void commitNow(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, Committed onCommitted);

    /**
     * {@code revoked} are being given up while this member still owns them: makes their queued records (the job
     * states of exports just started, answers) and {@code offsets} durable before the next owner reads them, and
     * drops what could not be. Their in-flight starts have ended (or were abandoned) by now.
     */
    void handOver(Consumer<?, ?> consumer, Collection<TopicPartition> revoked,
                  Map<TopicPartition, OffsetAndMetadata> offsets, Committed onCommitted);

    /** {@code partitions} were lost: another member may own them already, so nothing of them may be committed. */
    void lost(Collection<TopicPartition> partitions);

    /** Releases what the mode holds (the transactional producer); the last call. */
    void close();
}
