package com.pbiexport.worker.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the worker's version (from the jar manifest) and the JVM it runs on. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Print the version and exit.")
final class VersionCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The project version Maven wrote into {@code export-worker-version.properties} at build time. */
    static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("/export-worker-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "").strip();
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
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
