package com.pbiexport.worker.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the worker's version (from the jar manifest) and the JVM it runs on. */
@Command(name = "version", description = "Print the version and exit.")
final class VersionCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void run() {
        spec.commandLine().getOut().println("export-worker " + version() + " (Java " + Runtime.version() + ")");
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"export-worker " + version()};
        }
    }
}
