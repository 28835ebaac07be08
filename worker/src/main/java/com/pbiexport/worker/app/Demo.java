package com.pbiexport.worker.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The end-to-end demo, as the {@code demo} command runs it. Implemented by module {@code demo} (the embedded
 * devstack, sample requests, one line per outcome), which ships apart from the worker in {@code demo-lib/} beside
 * the jar and is found with {@link java.util.ServiceLoader}: the worker's own classpath, and so every production
 * image, carries no devstack, Kafka broker or Scala jar.
 */
public interface Demo {

    /** What the {@code demo} command was asked; {@code out} takes the outcome lines, {@code err} the progress. */
    record Options(boolean keepRunning, boolean json, Path output, Duration timeout, PrintWriter out,
                   PrintWriter err) {
    }

    /** Runs the demo; returns the exit code (0 when every sample request got its answer). */
    int run(Options options) throws Exception;
}
