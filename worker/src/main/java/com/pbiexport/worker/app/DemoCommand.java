package com.pbiexport.worker.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The end-to-end demo on the embedded local stack: a real Kafka broker, the Entra ID + Power BI simulator
 * (default scenario), the worker, a set of sample requests (some deliberately misconfigured) and one line per
 * outcome. Exits 0 when every request got its answer. The demo itself lives in module {@code demo} and is loaded
 * from {@code demo-lib/} beside the jar ({@link DemoLoader}); where that is absent (production images) the
 * command says what is missing and exits 1.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Run the worker end to end on the embedded devstack with sample requests.")
final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--keep-running", description = "Keep the stack and the worker up after the samples (Ctrl-C stops).")
    boolean keepRunning;

    @Option(names = "--json", description = "Print each outcome event as one JSON line ({\"type\":...,\"data\":...}).")
    boolean json;

    @Option(names = "--output", paramLabel = "DIR", description = "Where the filesystem sink stores files (default: ${DEFAULT-VALUE}).")
    Path output = Path.of("demo-output");

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait for all outcomes (default: ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofMinutes(3);

    @Override
    public Integer call() throws Exception {
        DemoLoader.Loaded loaded = DemoLoader.load(DemoLoader.besideTheWorker());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // the broker and the threads it starts resolve classes by name through the context class loader
        thread.setContextClassLoader(loaded.classLoader());
        try {
            return loaded.demo().run(new Demo.Options(keepRunning, json, output.toAbsolutePath(), timeout,
                    spec.commandLine().getOut(), spec.commandLine().getErr()));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
