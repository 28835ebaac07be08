package com.pbiexport.devstack.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the broker JVM that {@link KafkaProcess} starts: runs {@code kafka.Kafka server.properties}
 * unchanged, plus a watchdog so the broker never outlives the JVM that started it. The parent keeps our
 * stdin open; when it dies - even by SIGKILL, when no shutdown hook runs - the pipe closes, we read end of
 * stream and shut Kafka down (halting if its shutdown hangs).
 */
public final class KafkaProcessMain {

    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private KafkaProcessMain() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> exitWhenClosed(System.in), "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(args);
    }

    private static void exitWhenClosed(InputStream parentPipe) {
        try {
            while (parentPipe.read() != -1) {
                // the parent never writes; anything read is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the same thing as end of stream
        }
        System.err.println("KafkaProcessMain: parent process is gone; stopping the broker");
        ScheduledExecutorService backstop = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "halt-backstop");
            thread.setDaemon(true);
            return thread;
        });
        backstop.schedule(() -> Runtime.getRuntime().halt(1), SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        System.exit(0);
    }
}
