package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Which offsets of each partition are still unfinished, so the consumer commits only up to the lowest
 * unfinished record (a record is finished once its outcome or dead letter is durably published).
 * Owned by the consumer thread: not thread-safe on purpose; completions reach it through a queue.
 */
final class OffsetTracker {
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

    private static final class PartitionState {
        final NavigableSet<Long> unfinished = new TreeSet<>();
        long nextToCommit = -1;   // last committed position (offset of the next record to read)
        long highestSeen = -1;
    }

    void received(TopicPartition tp, long offset) {
        PartitionState s = partitions.computeIfAbsent(tp, k -> new PartitionState());
        s.unfinished.add(offset);
        s.highestSeen = Math.max(s.highestSeen, offset);
    }

    /** Marks a record finished; false when the partition is no longer tracked (revoked meanwhile). */
    boolean finished(TopicPartition tp, long offset) {
        PartitionState s = partitions.get(tp);
        return s != null && s.unfinished.remove(offset);
    }

    int unfinishedCount() {
        return partitions.values().stream().mapToInt(s -> s.unfinished.size()).sum();
    }

    int unfinishedCount(TopicPartition tp) {
        PartitionState s = partitions.get(tp);
        return s == null ? 0 : s.unfinished.size();
    }

    /**
     * Offsets that can be committed now and were not committed yet: for each partition, the lowest
     * unfinished offset, or one past the highest seen when all are finished.
     */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, s) -> {
            if (s.highestSeen < 0) {
                return;
            }
            long position = s.unfinished.isEmpty() ? s.highestSeen + 1 : s.unfinished.first();
            if (position > s.nextToCommit) {
                out.put(tp, new OffsetAndMetadata(position));
            }
        });
        return out;
    }

    /** Records that the given offsets were committed. */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            PartitionState s = partitions.get(tp);
            if (s != null) {
                s.nextToCommit = Math.max(s.nextToCommit, om.offset());
            }
        });
    }

    /** Forgets revoked partitions: their unfinished records will be consumed again by the next owner. */
    void forget(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }
}
