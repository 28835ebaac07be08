package com.pbiexport.demo;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.worker.app.Demo;
import com.pbiexport.worker.app.WorkerApp;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * The demo the worker's {@code demo} command runs (found through {@code META-INF/services}): a real embedded Kafka
 * broker and the Entra ID + Power BI simulator (default scenario), a GreenMail SMTP server on loopback for the e-mail
 * sink ({@link DemoMail}), the worker in this JVM, the sample requests of {@link DemoRun} and one line per outcome,
 * plus the message the e-mail request delivered, read back from the SMTP server. Exits 0 when every request got its
 * answer and that message's attachment has the SHA-256 of its completion event.
 */
public final class EmbeddedDemo implements Demo {

    @Override
    public int run(Options options) throws Exception {
        PrintWriter err = options.err();
        err.println("Starting the devstack (embedded Kafka broker + Entra ID and Power BI simulator)...");
        err.flush();
        try (DevStack stack = DevStack.builder().start(); DemoMail mail = DemoMail.start()) {
            err.println(mail.describe());
            err.flush();
            DemoRun demo = new DemoRun(stack, mail, options.output(), Clock.systemUTC(), options.out(), err,
                    options.json());
            demo.createTopics();
            try (WorkerApp worker = WorkerApp.start(demo.workerConfig(), Clock.systemUTC(), System.getenv())) {
                err.println("Worker running (metrics on http://127.0.0.1:" + worker.adminPort() + "/metrics). "
                        + "Publishing " + demo.sampleCount() + " sample requests...");
                err.flush();
                boolean complete = demo.publishAndAwait(options.timeout());
                if (options.keepRunning()) {
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
                        mail.close();
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
