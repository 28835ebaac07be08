package com.pbiexport.worker.intake;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/** What intake reports (metrics, readiness); called on the consumer thread. */
public interface IntakeObserver {
    default void received(String topic) { }

    default void paused(boolean paused) { }

    default void assigned(Collection<TopicPartition> assignment) { }

    default void committed(int partitions) { }

    default void pollFailed(Exception e) { }

    default void polledOk() { }

    IntakeObserver NONE = new IntakeObserver() { };
}
