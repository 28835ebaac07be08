package com.pbiexport.testkit;

import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.opentest4j.TestAbortedException;

import com.pbiexport.devstack.kafka.Broker;
import com.pbiexport.devstack.kafka.EmbeddedKafka;

/**
 * The one way integration tests get a Kafka broker.
 *
 * <p>By default a real in-process {@link EmbeddedKafka}. With system property {@code kafka.fixture=testcontainers}
 * (or environment variable {@code KAFKA_FIXTURE=testcontainers}) a Testcontainers Kafka running the official
 * {@code apache/kafka} image instead (image overridable with {@code kafka.fixture.image}); without a Docker engine or
 * without Testcontainers on the classpath that choice aborts the calling test (JUnit reports it skipped) with a
 * message that says what is missing. Testcontainers is only touched on that path, so the default never needs it.
 *
 * <p>Test scope only (module {@code testkit}): it aborts tests through JUnit's {@link TestAbortedException} and
 * may load Testcontainers, neither of which belongs on the devstack's or the worker's runtime classpath.
 */
public final class KafkaFixture {

    public static final String PROPERTY = "kafka.fixture";
    public static final String ENVIRONMENT = "KAFKA_FIXTURE";
    public static final String IMAGE_PROPERTY = "kafka.fixture.image";

    /** Where the broker comes from. */
    public enum Kind {
        EMBEDDED, TESTCONTAINERS;

        static Kind parse(String value, String source) {
            String normalised = value.trim().toLowerCase(Locale.ROOT);
            for (Kind kind : values()) {
                if (kind.name().toLowerCase(Locale.ROOT).equals(normalised)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException(
                    source + " must be 'embedded' or 'testcontainers', was '" + value + "'");
        }
    }

    private KafkaFixture() {
    }

    /** Starts the broker chosen by {@code kafka.fixture} / {@code KAFKA_FIXTURE} (embedded when neither is set). */
    public static Broker start() {
        return start(chosenKind(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT)));
    }

    public static Broker start(Kind kind) {
        return switch (kind) {
            case EMBEDDED -> EmbeddedKafka.start();
            case TESTCONTAINERS -> startTestcontainers(KafkaFixture::dockerAvailable);
        };
    }

    /** The system property wins over the environment variable; blank counts as unset. */
    static Kind chosenKind(String property, String environment) {
        if (property != null && !property.isBlank()) {
            return Kind.parse(property, "system property " + PROPERTY);
        }
        if (environment != null && !environment.isBlank()) {
            return Kind.parse(environment, "environment variable " + ENVIRONMENT);
        }
        return Kind.EMBEDDED;
    }

    /** Package-private so a test can stand in for the Docker probe and check the abort message anywhere. */
    static Broker startTestcontainers(BooleanSupplier dockerProbe) {
        if (!testcontainersOnClasspath()) {
            throw new TestAbortedException("kafka.fixture=testcontainers needs org.testcontainers:testcontainers-kafka on the"
                    + " classpath; add it as a test dependency or unset kafka.fixture to use the embedded broker");
        }
        if (!dockerProbe.getAsBoolean()) {
            throw new TestAbortedException("kafka.fixture=testcontainers needs a Docker engine; none found (Testcontainers"
                    + " could not reach DOCKER_HOST or the default socket). Start Docker, or unset kafka.fixture"
                    + " (and KAFKA_FIXTURE) to use the embedded broker");
        }
        String image = Optional.ofNullable(System.getProperty(IMAGE_PROPERTY)).filter(s -> !s.isBlank())
                .orElse(TestcontainersKafka.DEFAULT_IMAGE);
        return TestcontainersKafka.start(image);
    }

    private static boolean testcontainersOnClasspath() {
        try {
            Class.forName("org.testcontainers.kafka.KafkaContainer", false, KafkaFixture.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean dockerAvailable() {
        try {
            return TestcontainersKafka.dockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
