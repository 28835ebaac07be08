package com.pbiexport.devstack;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged {@code devstack.jar} (what the devstack image and the demo run) holds the stack, not test fixtures:
 * its classes use no test library, and its manifest Class-Path carries none. Fixtures live in module testkit,
 * benchmarks in the test sources (issue 12 item 4).
 */
class DevStackJarIT {
    private static final Path JAR = Path.of(System.getProperty("devstack.jar", "target/devstack.jar"));

    @Test
    void classesUseNoTestLibrary() throws Exception {
        assertThat(JAR).as("built by mvn package").exists();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            JavaClasses classes = new ClassFileImporter().importJar(jar);
            assertThat(classes).as("classes in " + JAR).isNotEmpty();
            noClasses().should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.opentest4j..",
                            "org.testcontainers..", "org.assertj..", "com.pbiexport.testkit..")
                    .because("tests get their fixtures from module testkit, at test scope")
                    .check(classes);
            assertThat(classes.stream().map(c -> c.getSimpleName()))
                    .doesNotContain("KafkaFixture", "TestAbort", "TestcontainersKafka", "SimulatorBench");
        }
    }

    @Test
    void manifestClassPathCarriesNoTestLibrary() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            assertThat(Arrays.asList(classPath.trim().split("\\s+")))
                    .anySatisfy(e -> assertThat(e).startsWith("lib/kafka_2.13-"))
                    .noneMatch(e -> e.matches("lib/(junit|opentest4j|testcontainers|assertj|testkit|docker-java).*"));
        }
    }
}
