package com.pbiexport.worker.it.process;

import com.pbiexport.worker.app.Main;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of a worker JVM started by {@link WorkerProcess}: runs {@link Main} unchanged, plus one daemon
 * thread that halts the JVM when its standard input ends. The test JVM holds that pipe open, so a test JVM that
 * dies (Failsafe timeout, Ctrl-C) never leaves orphaned workers consuming from the broker.
 */
public final class ChildMain {
    private ChildMain() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // the parent never writes: anything read is ignored, only the end matters
                }
            } catch (IOException ignored) {
                // a broken pipe means the parent is gone, as does the end of the stream
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Main.main(args);
    }
}
