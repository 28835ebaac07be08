package com.pbiexport.devstack.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker + controller) running inside this JVM on
 * ephemeral loopback ports, with its storage in a temp directory that {@link #close()} removes.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("exports", 3, Map.of());
 *     producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements Broker {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    /** Another process can take a port between our probe and Kafka's bind; a fresh pair almost always works. */
    private static final int BIND_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final BrokerPorts ports;
    private final Path directory;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, BrokerPorts ports, Path directory, Clock clock) {
        this.server = server;
        this.ports = ports;
        this.directory = directory;
        this.clock = clock;
    }

    /** Starts a broker with the default settings and waits (up to 60 s) until it serves requests. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String bootstrapServers() {
        return ports.bootstrapServers();
    }

    /** The temp directory holding {@code server.properties} and the broker's data; gone after {@link #close()}. */
    public Path directory() {
        return directory;
    }

    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        BrokerAdmin.createTopic(bootstrapServers(), name, partitions, configs, Deadline.after(clock, TOPIC_TIMEOUT));
    }

    /** Stops the broker, waits for its threads to finish and deletes its storage. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stopServer(server);
        } finally {
            BrokerStorage.deleteRecursively(directory);
        }
        log.info("embedded Kafka at {} stopped", bootstrapServers());
    }

    private static void stopServer(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    /** Settings for {@link EmbeddedKafka}; every {@code server.properties} key may be overridden. */
    public static final class Builder {
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private Supplier<BrokerPorts> portSource = BrokerPorts::allocate;

        private Builder() {
        }

        /** Overrides (or adds) one broker setting, e.g. {@code brokerProperty("num.partitions", "3")}. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Test hook: where port pairs come from, to prove the retry on a port taken by someone else. */
        Builder portSource(Supplier<BrokerPorts> portSource) {
            this.portSource = Objects.requireNonNull(portSource, "portSource");
            return this;
        }

        /** Formats fresh storage, starts the broker and waits until it answers an Admin describeCluster. */
        public EmbeddedKafka start() {
            Deadline deadline = Deadline.after(clock, startupTimeout);
            for (int attempt = 1; ; attempt++) {
                BrokerPorts ports = portSource.get();
                try {
                    return startOnce(ports, deadline);
                } catch (RuntimeException e) {
                    if (!isBindConflict(e) || attempt >= BIND_ATTEMPTS || deadline.passed()) {
                        throw e;
                    }
                    log.info("Kafka port {} or {} was taken meanwhile; retrying with fresh ports",
                            ports.broker(), ports.controller());
                }
            }
        }

        private EmbeddedKafka startOnce(BrokerPorts ports, Deadline deadline) {
            Path directory = createTempDirectory();
            try {
                Properties props = BrokerSettings.merge(
                        BrokerSettings.defaults(ports, directory.resolve("data")), overrides);
                Path propertiesFile = directory.resolve("server.properties");
                BrokerSettings.write(props, propertiesFile);
                BrokerStorage.format(propertiesFile);

                KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
                try {
                    server.startup();
                } catch (RuntimeException e) {
                    stopServer(server);
                    throw e;
                }
                EmbeddedKafka kafka = new EmbeddedKafka(server, ports, directory, clock);
                try {
                    BrokerAdmin.awaitReady(kafka.bootstrapServers(), deadline, () -> true, () -> "");
                } catch (RuntimeException e) {
                    kafka.close();
                    throw e;
                }
                log.info("embedded Kafka ready at {} (storage {})", kafka.bootstrapServers(), directory);
                return kafka;
            } catch (RuntimeException e) {
                BrokerStorage.deleteRecursively(directory);
                throw e;
            }
        }

        private static Path createTempDirectory() {
            try {
                return Files.createTempDirectory("devstack-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temp dir for Kafka", e);
            }
        }
    }

    private static boolean isBindConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }
}
