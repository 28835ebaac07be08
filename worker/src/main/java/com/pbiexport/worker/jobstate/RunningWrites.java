package com.pbiexport.worker.jobstate;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Keeps one key's job states in order when "running" is written by the immediate producer and "done" by the
 * consumer thread's transaction: two producers, so the log order is the order of the sends only if the second send
 * waits for the first one's acknowledgement. Per request partition, {@link #then} starts an answer only after
 * every "running" write {@link #add added} before it settled (acknowledged or given up by the producer), so a
 * request's "done" is never appended before its own "running". One entry per request partition (bounded by the
 * partition count). Thread-safe: writes are added on export threads, answers start on export or producer threads.
 */
final class RunningWrites {
    private static final CompletableFuture<Void> NONE = CompletableFuture.completedFuture(null);

    /** Per request partition: completes (never fails) once every write added so far settled. */
    private final Map<Integer, CompletableFuture<Void>> settled = new ConcurrentHashMap<>();

    /** A "running" write of request partition {@code partition} was sent. */
    void add(int partition, CompletableFuture<Void> write) {
        CompletableFuture<Void> s = write.handle((v, e) -> null);
        settled.merge(partition, s, (before, next) -> before.isDone() ? next : CompletableFuture.allOf(before, next));
    }

    /**
     * Runs {@code next} once the writes of {@code partition} added so far settled: at once when they did, else on
     * the thread that settles the last one (a producer's callback thread: {@code next} must not block).
     */
    CompletableFuture<Void> then(int partition, Supplier<CompletableFuture<Void>> next) {
        return settled.getOrDefault(partition, NONE).thenCompose(v -> next.get());
    }

    /** Request partitions with writes not settled yet (tests, logs). */
    int unsettled() {
        return (int) settled.values().stream().filter(f -> !f.isDone()).count();
    }
}
