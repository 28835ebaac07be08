package com.pbiexport.devstack.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same single-node KRaft broker as {@link EmbeddedKafka}, but in a separate JVM so a test can
 * {@link #kill()} it (SIGKILL: no flush, no controlled shutdown) and {@link #restart()} it on the same ports
 * with the same storage, as a crashed broker comes back in production.
 *
 * <p>The child runs {@code kafka.Kafka server.properties} (through {@link KafkaProcessMain}, which stops it if
 * this JVM dies) with this JVM's {@code java.class.path}: the test classpath in tests, {@code devstack.jar}
 * (whose manifest lists {@code lib/*}) when run from the jar. Its output goes to {@link #logFile()}, never to
 * our stdout. Lifecycle methods are synchronized, so a test thread may kill or restart the broker while other
 * threads use it through their own clients.
 */
public final class KafkaProcess implements Broker {

    private static final Logger log = LoggerFactory.getLogger(KafkaProcess.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;
    /**
     * After a SIGKILL the restarted broker is refused (DUPLICATE_BROKER_REGISTRATION) until the dead
     * incarnation's session expires: 9 s by default. A shorter session makes a crash-restart test that much faster;
     * heartbeats stay on loopback inside one JVM, so 4 s leaves a margin on a loaded machine.
     */
    static final Map<String, String> CRASH_FRIENDLY_DEFAULTS =
            Map.of("broker.session.timeout.ms", "4000", "broker.heartbeat.interval.ms", "1000");
    private static final String BROKER_LOGGING = "com/pbiexport/devstack/kafka/broker-logback.xml";
    private static final String BIND_FAILURE = "Address already in use";
    /** Small heap and quick JIT: a test broker handles little traffic and should start fast on 2 cores. */
    static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    private final Path directory;
    private final Path propertiesFile;
    private final Path logFile;
    private final List<String> jvmOptions;
    private final String classpath;
    private final Map<String, String> overrides;
    private final Duration startupTimeout;
    private final Clock clock;
    private final Thread reaper = new Thread(this::destroyOnExit, "kafka-process-reaper");
    private BrokerPorts ports;
    /** The node id that must be listed as an unfenced broker before this one counts as ready; 0: any node. */
    private int nodeId;
    private Process process;
    private boolean closed;

    private KafkaProcess(Builder builder, Path directory) {
        this.directory = directory;
        this.propertiesFile = directory.resolve("server.properties");
        this.logFile = directory.resolve("broker.log");
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.classpath = builder.classpath;
        this.overrides = Map.copyOf(builder.overrides);
        this.startupTimeout = builder.startupTimeout;
        this.clock = builder.clock;
    }

    /** Starts a broker JVM with default settings and waits (up to 60 s) until it serves requests. */
    public static KafkaProcess start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized String bootstrapServers() {
        return ports.bootstrapServers();
    }

    /** Temp directory with {@code server.properties}, {@code broker.log} and the data; gone after close. */
    public Path directory() {
        return directory;
    }

    /** The child JVM's stdout and stderr, appended across restarts. */
    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Process id of the current broker JVM. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("the broker process is not running");
        }
        return process.pid();
    }

    /** SIGKILLs the broker JVM and waits until it is gone. The storage stays for {@link #restart()}. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit(process, KILL_TIMEOUT);
        log.info("Kafka broker process {} killed", process.pid());
    }

    /** Stops the broker gracefully (SIGTERM, SIGKILL after 30 s). The storage stays for {@link #restart()}. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(process, STOP_TIMEOUT)) {
            log.warn("Kafka broker process {} ignored SIGTERM for {}; killing it", process.pid(), STOP_TIMEOUT);
            kill();
        }
    }

    /**
     * Starts the broker again on the same ports with the same storage (stopping it first if it still runs) and
     * waits until it serves requests. Clients configured with {@link #bootstrapServers()} reconnect by themselves.
     */
    public synchronized void restart() {
        requireOpen();
        stop();
        launchUntilReady(Deadline.after(clock, startupTimeout), false);
    }

    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        BrokerAdmin.createTopic(bootstrapServers(), name, partitions, configs, Deadline.after(clock, TOPIC_TIMEOUT));
    }

    /** Stops the broker JVM and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            removeReaper();
            BrokerStorage.deleteRecursively(directory);
        }
    }

    private void firstStart() {
        Runtime.getRuntime().addShutdownHook(reaper);
        launchUntilReady(Deadline.after(clock, startupTimeout), true);
    }

    /**
     * A node of a {@link KafkaCluster}: {@code directory} already holds its formatted storage and
     * {@code server.properties}, its ports are fixed (the other voters know them). Not started: the cluster
     * launches every node first, since none becomes ready before a quorum of controllers runs.
     */
    static KafkaProcess clusterNode(Builder builder, Path directory, BrokerPorts ports, int nodeId) {
        KafkaProcess node = new KafkaProcess(builder, directory);
        node.ports = ports;
        node.nodeId = nodeId;
        Runtime.getRuntime().addShutdownHook(node.reaper);
        return node;
    }

    /** Starts the child JVM of a {@link #clusterNode} without waiting for it. */
    synchronized void launchNode() {
        requireOpen();
        process = launch();
    }

    /** Waits until the broker answers on its own address and is a registered, unfenced broker. */
    synchronized void awaitReady(Deadline deadline) {
        Process current = process;
        BrokerAdmin.awaitReady(ports.bootstrapServers(), nodeId, deadline, current::isAlive, this::logTail);
    }

    /** Whether a child JVM died while binding one of its ports (only worth a retry with fresh ports). */
    synchronized boolean diedOfBindFailure() {
        return process != null && !process.isAlive() && logSince(0).contains(BIND_FAILURE);
    }

    /**
     * Launches the child until it is ready. A port taken between our probe and the child's bind kills the child
     * early: on first start we then pick fresh ports (and reformat, since the controller address is part of the
     * formatted storage); on restart the ports must stay, so we try again until the deadline.
     */
    private void launchUntilReady(Deadline deadline, boolean mayChangePorts) {
        while (true) {
            if (mayChangePorts) {
                ports = BrokerPorts.allocate();
                prepareStorage();
            }
            long logOffset = logSize();
            process = launch();
            try {
                BrokerAdmin.awaitReady(ports.bootstrapServers(), nodeId, deadline, process::isAlive, this::logTail);
                log.info("Kafka broker process {} ready at {} (dir {})", process.pid(), bootstrapServers(), directory);
                return;
            } catch (RuntimeException e) {
                boolean died = !process.isAlive();
                kill();
                if (!died || !logSince(logOffset).contains(BIND_FAILURE) || deadline.passed()) {
                    throw e;
                }
                log.info("Kafka broker process could not bind port {} or {}; trying again",
                        ports.broker(), ports.controller());
            }
        }
    }

    private void prepareStorage() {
        Path dataDir = directory.resolve("data");
        BrokerStorage.deleteRecursively(dataDir);
        Properties props = BrokerSettings.merge(BrokerSettings.defaults(ports, dataDir), overrides);
        BrokerSettings.write(props, propertiesFile);
        BrokerStorage.format(propertiesFile);
    }

    private Process launch() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // Kafka at INFO into broker.log, whatever logback config the parent's classpath carries.
        command.add("-Dlogback.configurationFile=" + BROKER_LOGGING);
        command.add("-cp");
        command.add(classpath);
        command.add(KafkaProcessMain.class.getName());
        command.add(propertiesFile.toString());
        try {
            appendToLog("---- starting broker on " + ports.bootstrapServers() + " ----");
            // stdin stays a pipe on purpose: KafkaProcessMain stops the broker when it closes, i.e. when we die
            return new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker JVM", e);
        }
    }

    private void appendToLog(String line) throws IOException {
        Files.writeString(logFile, line + System.lineSeparator(), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private long logSize() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** What the current child wrote, so an old run's bind failure is not mistaken for this one's. */
    private String logSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return " Last lines of " + logFile + ":" + System.lineSeparator()
                    + String.join(System.lineSeparator(), tail);
        } catch (IOException | UncheckedIOException e) {
            return " (no broker log at " + logFile + ")";
        }
    }

    private static boolean awaitExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this KafkaProcess is closed");
        }
    }

    /** JVM shutdown hook: a test run that ends abruptly must not leave a broker behind. */
    private void destroyOnExit() {
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
        }
    }

    private void removeReaper() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException | IllegalArgumentException alreadyShuttingDownOrRemoved) {
            // nothing to undo
        }
    }

    /** Settings for {@link KafkaProcess}. */
    public static final class Builder {
        private final Map<String, String> overrides = new LinkedHashMap<>(CRASH_FRIENDLY_DEFAULTS);
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private String classpath = System.getProperty("java.class.path");
        private Duration startupTimeout = EmbeddedKafka.DEFAULT_STARTUP_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Overrides (or adds) one broker setting. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Replaces the child's JVM options (default {@link #DEFAULT_JVM_OPTIONS}). */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** Classpath of the child JVM; defaults to this JVM's {@code java.class.path}. */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
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

        /** Formats fresh storage in a temp dir, starts the broker JVM and waits until it is ready. */
        public KafkaProcess start() {
            Path directory;
            try {
                directory = Files.createTempDirectory("devstack-kafka-process-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temp dir for Kafka", e);
            }
            KafkaProcess kafka = new KafkaProcess(this, directory);
            try {
                kafka.firstStart();
                return kafka;
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
        }
    }
}
