package com.pbiexport.worker.app;

import com.pbiexport.devstack.DevStack;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The end-to-end demo on the embedded local stack: a real Kafka broker, the Entra ID + Power BI simulator
 * (default scenario), the worker, a set of sample requests (some deliberately misconfigured) and one line per
 * outcome. Exits 0 when every request got its answer.
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
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.println("Starting the devstack (embedded Kafka broker + Entra ID and Power BI simulator)...");
        err.flush();
        try (DevStack stack = DevStack.builder().start()) {
            DemoRun demo = new DemoRun(stack, output.toAbsolutePath(), Clock.systemUTC(), out, err, json);
            demo.createTopics();
            try (WorkerApp worker = WorkerApp.start(demo.workerConfig(), Clock.systemUTC(), System.getenv())) {
                err.println("Worker running (metrics on http://127.0.0.1:" + worker.adminPort() + "/metrics). "
                        + "Publishing " + demo.sampleCount() + " sample requests...");
                err.flush();
                boolean complete = demo.publishAndAwait(timeout);
                if (keepRunning) {
                    err.println("Still running. Kafka " + stack.kafkaBootstrap() + ", Power BI " + stack.powerBiUrl()
                            + ", Entra " + stack.entraUrl() + ". Submit more with: java -jar worker/target/export-worker.jar"
                            + " submit --bootstrap-servers " + stack.kafkaBootstrap() + " --tenant contoso --workspace "
                            + stack.defaults().workspaceId() + " --report " + stack.defaults().reportId()
                            + " --format PDF. Ctrl-C stops.");
                    err.flush();
                    CountDownLatch closed = new CountDownLatch(1);
                    // the JVM waits for shutdown hooks only: close everything inside the hook
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        worker.close();
                        stack.close();
                        closed.countDown();
                    }, "demo-shutdown"));
                    demo.followOutcomes(closed);
                }
                return complete ? 0 : 1;
            }
        }
    }
}
