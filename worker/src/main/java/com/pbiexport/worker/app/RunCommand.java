package com.pbiexport.worker.app;

import com.pbiexport.worker.config.ConfigLoader;
import com.pbiexport.worker.config.LoadedConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the worker until SIGTERM/Ctrl-C, then shuts down gracefully. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Run the worker with a configuration file (environment overrides apply).")
final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML or JSON configuration file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadWithWarnings(config, System.getenv());
        loaded.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        WorkerApp app = WorkerApp.start(loaded.config(), Clock.systemUTC());
        CountDownLatch closed = new CountDownLatch(1);
        // the JVM waits for shutdown hooks, not for this thread: the graceful close must run inside the hook
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            closed.countDown();
        }, "shutdown"));
        spec.commandLine().getErr().println("export worker " + loaded.config().instanceId() + " running; admin port "
                + app.adminPort());
        closed.await();
        return 0;
    }
}
