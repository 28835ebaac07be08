package com.pbiexport.worker.testing;

import com.pbiexport.devstack.sim.ManualClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A scheduler that runs nothing until the test moves time (Kafka's {@code MockTime} and {@code MockScheduler}):
 * both the timer pool and the io pool of the code under test. Tasks run on the test's thread, in the order of their
 * due time (then submission), and the {@link ManualClock} is moved to each task's due time before it runs, so
 * every wait is exact and a whole export's life takes milliseconds. {@code execute} is "due now".
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ManualClock clock;
    private final PriorityQueue<Task<?>> tasks = new PriorityQueue<>();
    private long sequence;
    private boolean shutdown;

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    public ManualClock clock() {
        return clock;
    }

    /** Runs every task due by now + {@code duration}, moving the clock to each, and leaves the clock there. */
    public void advance(Duration duration) {
        Instant until = clock.instant().plus(duration);
        runUntil(() -> false, until);
        if (clock.instant().isBefore(until)) {
            clock.set(until);
        }
    }

    /** Runs the tasks due now (and those they make due now). */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /**
     * Runs tasks in time order until {@code done} holds or no task is due within {@code atMost}; the clock stays at
     * the last task run. Returns whether {@code done} holds.
     */
    public boolean runUntil(BooleanSupplier done, Duration atMost) {
        return runUntil(done, clock.instant().plus(atMost));
    }

    private boolean runUntil(BooleanSupplier done, Instant until) {
        while (!done.getAsBoolean()) {
            Task<?> next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due.isAfter(until)) {
                    return false;
                }
                tasks.poll();
            }
            if (next.due.isAfter(clock.instant())) {
                clock.set(next.due);
            }
            next.run();
        }
        return true;
    }

    /** Tasks waiting (periodic ones included). */
    public synchronized int pending() {
        return tasks.size();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(() -> {
            command.run();
            return null;
        }, delay, unit, 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(callable, delay, unit, 0);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return scheduleWithFixedDelay(command, initialDelay, period, unit); // no task ever runs late here
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be positive, was " + delay);
        }
        return add(() -> {
            command.run();
            return null;
        }, initialDelay, unit, unit.toNanos(delay));
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    private synchronized <V> Task<V> add(Callable<V> body, long delay, TimeUnit unit, long periodNanos) {
        if (shutdown) {
            throw new RejectedExecutionException("the scheduler is shut down");
        }
        Task<V> t = new Task<>(body, clock.instant().plusNanos(unit.toNanos(Math.max(0, delay))), sequence++,
                periodNanos);
        tasks.add(t);
        return t;
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(tasks);
        tasks.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isShutdown();
    }

    private final class Task<V> implements ScheduledFuture<V>, Runnable {
        private final Callable<V> body;
        private final long sequence;
        private final long periodNanos;
        private final CompletableFuture<V> result = new CompletableFuture<>();
        private Instant due;

        Task(Callable<V> body, Instant due, long sequence, long periodNanos) {
            this.body = body;
            this.due = due;
            this.sequence = sequence;
            this.periodNanos = periodNanos;
        }

        @Override
        public void run() {
            try {
                V v = body.call();
                if (periodNanos == 0) {
                    result.complete(v);
                    return;
                }
            } catch (Exception e) {
                result.completeExceptionally(e);
                return;
            }
            synchronized (ManualScheduler.this) {
                if (!result.isDone() && !shutdown) {
                    due = clock.instant().plusNanos(periodNanos);
                    tasks.add(this);
                }
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), due).toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> o = (Task<?>) other;
            int byDue = due.compareTo(o.due);
            return byDue != 0 ? byDue : Long.compare(sequence, o.sequence);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (ManualScheduler.this) {
                tasks.remove(this);
            }
            return result.cancel(false);
        }

        @Override
        public boolean isCancelled() {
            return result.isCancelled();
        }

        @Override
        public boolean isDone() {
            return result.isDone();
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            return result.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return result.get(timeout, unit);
        }
    }
}
