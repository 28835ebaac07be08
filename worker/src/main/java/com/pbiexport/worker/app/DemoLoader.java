package com.pbiexport.worker.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds the {@link Demo} in {@code demo-lib/} beside the worker's jar (filled by {@code ./mvnw package}; absent
 * from production images) and loads it in a class loader of its own whose parent is the worker's.
 */
final class DemoLoader {
    static final String DIRECTORY = "demo-lib";
    static final String BUILD_COMMAND = "./mvnw -B -q -DskipTests package";

    /** A demo and the class loader its threads must use (Kafka's broker loads classes by name through it). */
    record Loaded(Demo demo, ClassLoader classLoader) {
    }

    private DemoLoader() {
    }

    /** {@code demo-lib} next to the jar (or, when running from {@code target/classes}, in {@code target}). */
    static Path besideTheWorker() {
        try {
            Path codeSource = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return codeSource.toAbsolutePath().getParent().resolve(DIRECTORY);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of(DIRECTORY).toAbsolutePath();
        }
    }

    /** Loads the demo from {@code directory}; the exception says what is missing and how to build it. */
    static Loaded load(Path directory) {
        List<URL> jars = jars(directory);
        if (jars.isEmpty()) {
            throw new IllegalStateException(missing(directory, "does not exist or holds no jar"));
        }
        URLClassLoader loader = new URLClassLoader("demo", jars.toArray(URL[]::new), Demo.class.getClassLoader());
        Demo demo = ServiceLoader.load(Demo.class, loader).findFirst().orElseThrow(() ->
                new IllegalStateException(missing(directory, "holds no demo (no " + Demo.class.getName()
                        + " service in its jars)")));
        return new Loaded(demo, loader);
    }

    private static List<URL> jars(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().map(DemoLoader::url).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a jar path: " + jar, e);
        }
    }

    private static String missing(Path directory, String what) {
        return "The demo is not installed here: " + directory + " " + what + ". The demo and what only it needs"
                + " (the devstack: an embedded Kafka broker, the Entra ID and Power BI simulator) ship apart from"
                + " the worker, so production images leave them out. Build them from the repository root with "
                + BUILD_COMMAND + ", then run java -jar worker/target/export-worker.jar demo";
    }
}
