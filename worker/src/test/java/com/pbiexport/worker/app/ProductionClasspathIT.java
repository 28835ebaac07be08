package com.pbiexport.worker.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production artifact as built by {@code mvn package} (what worker/Dockerfile copies to {@code /app}): the
 * jar's manifest Class-Path and {@code lib/} carry no devstack, Kafka broker, Scala or ZooKeeper jar, nor any test
 * library (issue 13 item 8); the demo, shipped apart in {@code demo-lib/}, is missing there and says so.
 */
class ProductionClasspathIT {
    /** Jars that only the demo or the tests may carry. */
    private static final Pattern NOT_IN_PRODUCTION = Pattern.compile(
            "(devstack|testkit|export-worker-demo|kafka_2\\.1[0-9]|kafka-server|kafka-storage|kafka-raft|kafka-metadata"
                    + "|scala-library|scala-reflect|zookeeper|junit|opentest4j|testcontainers|assertj|greenmail).*\\.jar");

    private static final Path JAR = Path.of(System.getProperty("worker.jar", "target/export-worker.jar"));

    @TempDir
    Path tmp;

    @Test
    void manifestClassPathListsOnlyLibJarsThatExist() throws Exception {
        List<String> entries = manifestClassPath();
        assertThat(entries).isNotEmpty().allSatisfy(e -> {
            assertThat(e).startsWith("lib/");
            assertThat(JAR.resolveSibling(e)).exists();
        });
    }

    @Test
    void manifestClassPathHoldsNoDevstackBrokerScalaZookeeperOrTestJars() throws Exception {
        assertThat(manifestClassPath()).extracting(e -> e.substring("lib/".length()))
                .noneMatch(name -> NOT_IN_PRODUCTION.matcher(name).matches())
                .anyMatch(name -> name.matches("kafka-clients-[0-9.]+\\.jar"))
                // the e-mail sink's Jakarta Mail implementation is a runtime dependency, not a test one
                .anyMatch(name -> name.matches("angus-mail-[0-9.]+\\.jar"))
                .anyMatch(name -> name.matches("jakarta\\.mail-api-[0-9.]+\\.jar"));
    }

    @Test
    void libDirectoryHoldsNoDevstackBrokerScalaZookeeperOrTestJars() throws Exception {
        try (Stream<Path> files = Files.list(JAR.resolveSibling("lib"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .isNotEmpty()
                    .noneMatch(name -> NOT_IN_PRODUCTION.matcher(name).matches());
        }
    }

    /** The image's layout: {@code /app/export-worker.jar} and {@code /app/lib}, no {@code demo-lib}. */
    @Test
    void demoInTheProductionLayoutSaysWhatIsMissingAndExitsOne() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.copy(JAR, app.resolve("export-worker.jar"));
        Files.createSymbolicLink(app.resolve("lib"), JAR.resolveSibling("lib").toAbsolutePath());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", app.resolve("export-worker.jar").toString(), "demo")
                .redirectOutput(tmp.resolve("out.log").toFile()).redirectError(tmp.resolve("err.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(tmp.resolve("err.log"));
        assertThat(p.exitValue()).as(err).isEqualTo(1);
        assertThat(err).contains("The demo is not installed here: " + app.resolve("demo-lib") + " does not exist")
                .contains("./mvnw -B -q -DskipTests package");
    }

    private static List<String> manifestClassPath() throws Exception {
        assertThat(JAR).as("built by mvn package").exists();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            assertThat(classPath).as("Class-Path of " + JAR).isNotBlank();
            return Arrays.stream(classPath.trim().split("\\s+")).toList();
        }
    }
}
