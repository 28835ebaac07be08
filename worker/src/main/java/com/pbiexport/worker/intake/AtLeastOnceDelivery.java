package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * At-least-once: answers go straight to the idempotent producer; the consumer commits an offset once every record
 * below it was answered and acknowledged. A crash between acknowledgement and commit answers again (same
 * {@code ce_id}, so consumers can drop the copy). For brokers without transactions.
 */
public final class AtLeastOnceDelivery implements Delivery {
    private static final Logger log = LoggerFactory.getLogger(AtLeastOnceDelivery.class);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(15);

    @Override
    public void commit(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, boolean due,
                       Committed onCommitted) {
        if (!due || offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error == null) {
                    onCommitted.committed(committed); // the callback runs on the consumer thread, inside poll()
                } else {
                    log.warn("async commit failed (will retry): {}", error.toString());
                }
            });
        } catch (KafkaException e) {
            log.warn("commit failed (will retry): {}", e.toString());
        }
    }

    @Override
    public void commitNow(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets,
                          Committed onCommitted) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
            onCommitted.committed(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("commit failed; uncommitted records will be redelivered: {}", e.toString());
        }
    }

    @Override
    public void handOver(Consumer<?, ?> consumer, Collection<TopicPartition> revoked,
                         Map<TopicPartition, OffsetAndMetadata> offsets, Committed onCommitted) {
        // the job states of exports just started are flushed by jobstate.JobStateStore when it releases the partitions
        commitNow(consumer, offsets, onCommitted);
    }

    @Override
    public void lost(Collection<TopicPartition> partitions) {
        // answers already sent stay sent: the next owner recognises them by their "done" job state
    }

    @Override
    public void close() {
        // the shared producer belongs to the application
    }
}
