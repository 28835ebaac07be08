package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * Told by the consumer thread which request partitions it gained or gave up (inside its rebalance listener) and
 * which offsets it committed. Runs on the consumer thread: must finish well within {@code max.poll.interval.ms}.
 */
public interface PartitionListener {
    void assigned(Collection<TopicPartition> partitions);

    void released(Collection<TopicPartition> partitions);

    /**
     * {@code partitions} are about to be given up (revoked, not lost) and their work was cancelled: the last chance
     * to finish what the next owner must see (the job state of an export whose ExportTo is still being answered),
     * waiting at most {@code patience}. Called before the final commit of these partitions.
     */
    default void revoking(Collection<TopicPartition> partitions, Duration patience) {
    }

    /** Offsets durably committed: every record below them is done for good. */
    default void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    PartitionListener NONE = new PartitionListener() {
        @Override
        public void assigned(Collection<TopicPartition> partitions) {
        }

        @Override
        public void released(Collection<TopicPartition> partitions) {
        }
    };
}
