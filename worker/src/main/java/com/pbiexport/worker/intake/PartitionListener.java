package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Told by the consumer thread which request partitions it gained or gave up (inside its rebalance listener) and
 * which offsets it committed. Runs on the consumer thread: must finish well within {@code max.poll.interval.ms}.
 */
public interface PartitionListener {
    void assigned(Collection<TopicPartition> partitions);

    void released(Collection<TopicPartition> partitions);

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

    /** Tells each listener in order. */
    static PartitionListener all(PartitionListener... listeners) {
        List<PartitionListener> list = List.of(listeners);
        return new PartitionListener() {
            @Override
            public void assigned(Collection<TopicPartition> partitions) {
                list.forEach(l -> l.assigned(partitions));
            }

            @Override
            public void released(Collection<TopicPartition> partitions) {
                list.forEach(l -> l.released(partitions));
            }

            @Override
            public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
                list.forEach(l -> l.committed(offsets));
            }
        };
    }
}
