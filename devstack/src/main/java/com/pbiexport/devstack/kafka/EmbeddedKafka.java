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
    private final String bootstrapServers;
    private final Path directory;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path directory, Clock clock) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
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
        return bootstrapServers;
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
        private String bindHost = BrokerPorts.HOST;
        private String advertisedHost = BrokerPorts.HOST;
        private int clientPort;

        private Builder() {
        }

        /**
         * The client listener: bound on {@code bindHost} (an IP literal, IPv6 in brackets) and {@code port}
         * (0: random, the default), advertised to clients as {@code advertisedHost}. Default: 127.0.0.1 for both.
         * The controller listener stays on loopback.
         */
        public Builder clientListener(String bindHost, int port, String advertisedHost) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Kafka port must be 0 (random) or 1-65535, was " + port);
            }
            this.bindHost = Objects.requireNonNull(bindHost, "bindHost");
            this.advertisedHost = Objects.requireNonNull(advertisedHost, "advertisedHost");
            this.clientPort = port;
            return this;
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
                BrokerPorts drawn = portSource.get();
                BrokerPorts ports = clientPort == 0 ? drawn : new BrokerPorts(clientPort, drawn.controller());
                try {
                    return startOnce(ports, deadline);
                } catch (RuntimeException e) {
                    // a fixed port taken by someone else stays taken: only random ports are worth a retry
                    if (clientPort != 0 || !isBindConflict(e) || attempt >= BIND_ATTEMPTS || deadline.passed()) {
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
                Map<String, String> settings = BrokerSettings.defaults(ports, directory.resolve("data"));
                String bootstrap = advertisedHost + ":" + ports.broker();
                settings.put("listeners", "PLAINTEXT://" + bindHost + ":" + ports.broker()
                        + ",CONTROLLER://" + ports.controllerAddress());
                settings.put("advertised.listeners",
                        "PLAINTEXT://" + bootstrap + ",CONTROLLER://" + ports.controllerAddress());
                Properties props = BrokerSettings.merge(settings, overrides);
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
                EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, directory, clock);
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
