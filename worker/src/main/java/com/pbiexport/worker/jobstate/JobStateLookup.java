package com.pbiexport.worker.jobstate;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Optional;

/**
 * The last known state of a request's export, if one was recorded and not yet ended by a tombstone. The
 * {@link JobStateStore} loads them when request partitions are assigned; a fixed lookup (tests) ignores the
 * assignment calls.
 */
@FunctionalInterface
public interface JobStateLookup {
    Optional<JobState> find(String requestId);

    /**
     * Whether states of request partition {@code partition} can be written: false when the job-state topic has
     * no partition with that number (a send there would block on metadata for {@code max.block.ms}).
     */
    default boolean writable(int partition) {
        return true;
    }

    /** Request partitions gained: load their states before any of their records is handed out. */
    default void assigned(Collection<TopicPartition> partitions) {
    }

    /** Request partitions given up: make this instance's pending writes durable, then forget their states. */
    default void released(Collection<TopicPartition> partitions) {
    }

    JobStateLookup NONE = requestId -> Optional.empty();
}
