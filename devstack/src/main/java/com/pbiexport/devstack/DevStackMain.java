package com.pbiexport.devstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.SimProfile;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.devstack.sim.Faults;
import com.pbiexport.devstack.sim.RealisticDefaults;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar devstack/target/devstack.jar [--scenario FILE] [--no-kafka] [--faults JSON] [--profile realistic|clean] [--seed N]
 * [--bind-address ADDR] [--advertised-host HOST] [--kafka-port N] [--entra-port N] [--powerbi-port N] [--admin-port N] [--tls-dir DIR]}: starts the
 * devstack, prints ONE JSON line on stdout when ready (URLs, default ids and credentials), logs to stderr,
 * and stops cleanly on SIGTERM/Ctrl-C with exit code 0. Bad arguments: a message on stderr and exit code 2.
 */
public final class DevStackMain {
    static final int EXIT_OK = 0;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private static final String USAGE = """
            usage: java -jar devstack.jar [--scenario FILE] [--no-kafka] [--faults JSON] [--profile realistic|clean] [--seed N]
                                          [--bind-address ADDR] [--advertised-host HOST] [--kafka-port N] [--entra-port N]
                                          [--powerbi-port N] [--admin-port N] [--tls-dir DIR]
              --scenario FILE  scenario JSON (default: the built-in scenario, see devstack/README.md)
              --no-kafka       do not start the embedded Kafka broker
              --faults JSON    initial fault settings, e.g. '{"powerBiErrorRate":0.1,"forced429Count":3}'
              --profile NAME   realistic (default: messy like the real services) or clean (deterministic)
              --seed N         seed of the realistic profile's draws (replays a run)
              --bind-address ADDR     address every listener binds (default 127.0.0.1; anything else exposes the
                                      simulators to the network)
              --advertised-host HOST  host in every URL handed out and in Kafka's advertised listener (default: the
                                      bind address, or 127.0.0.1 when binding 0.0.0.0 or ::)
              --kafka-port N, --entra-port N, --powerbi-port N, --admin-port N
                                      fixed listener ports, 1-65535 (default or 0: a random free port)
              --tls-dir DIR    serve Entra ID and Power BI over https with a self-signed certificate for the
                               advertised host (and localhost, 127.0.0.1), made at start; writes its trust store
                               DIR/truststore.p12 (PKCS12, password devstack) and DIR/devstack.pem for clients
            Prints one JSON line on stdout when ready; stop with SIGTERM or Ctrl-C.""";

    private DevStackMain() { }

    /** Parsed command line. */
    record Options(Scenario scenario, boolean kafka, FaultSettings faults, InetAddress bindAddress,
                   Optional<String> advertisedHost, Ports ports, Optional<Path> tlsDir) {

        /** The one-line warning when the simulators listen beyond loopback; empty when they do not. */
        Optional<String> exposureWarning() {
            return bindAddress.isLoopbackAddress() ? Optional.empty() : Optional.of("devstack: WARNING: listening on "
                    + bindAddress.getHostAddress() + ": the simulators (test credentials, fault controls) are"
                    + " reachable from the network");
        }
    }

    /** A command-line mistake: its message is shown with the usage, exit code 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        // stdout carries exactly one line (the ready line): anything a library prints goes to stderr instead
        PrintStream stdout = System.out;
        System.setOut(System.err);
        System.exit(run(args, stdout));
    }

    static int run(String[] args, PrintStream stdout) {
        Options options;
        try {
            options = parse(List.of(args));
        } catch (UsageException e) {
            System.err.println("devstack: " + e.getMessage());
            System.err.println(USAGE);
            return EXIT_USAGE;
        }
        if (options == null) {
            System.err.println(USAGE);
            return EXIT_OK;
        }
        options.exposureWarning().ifPresent(System.err::println);
        CountDownLatch stop = new CountDownLatch(1);
        DevStack stack;
        try {
            DevStack.Builder builder = DevStack.builder().scenario(options.scenario()).kafka(options.kafka())
                    .faults(options.faults()).bindAddress(options.bindAddress()).ports(options.ports());
            options.advertisedHost().ifPresent(builder::advertisedHost);
            options.tlsDir().ifPresent(builder::tls);
            stack = builder.start();
        } catch (RuntimeException e) {
            System.err.println("devstack: failed to start: " + e);
            e.printStackTrace(System.err);
            return EXIT_START_FAILED;
        }
        // SIGTERM/SIGINT end the wait below, so main closes everything and exits 0 (a plain shutdown hook would
        // leave the JVM's 143/130); the hook stays as a safety net for other ways the JVM is stopped
        installSignalHandlers(stop);
        Thread hook = new Thread(stack::close, "devstack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stdout.println(readyLine(stack));
        stdout.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println("devstack: stopping");
        stack.close();
        return EXIT_OK;
    }

    /**
     * sun.misc.Signal (module jdk.unsupported) is the JDK's only way to turn SIGTERM into an orderly exit 0;
     * javac warns about it and the warning cannot be suppressed. Where it is missing, the hook still cleans up.
     */
    private static void installSignalHandlers(CountDownLatch stop) {
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop.countDown());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                System.err.println("devstack: cannot handle SIG" + name + " (" + e.getMessage() + "); relying on the shutdown hook");
            }
        }
    }

    /** The options, or null when help was asked for. */
    static Options parse(List<String> args) throws UsageException {
        Scenario scenario = null;
        boolean kafka = true;
        String faultsJson = null;
        SimProfile profile = null;
        Long seed = null;
        InetAddress bindAddress = InetAddress.getLoopbackAddress();
        String advertisedHost = null;
        int[] ports = new int[4]; // kafka, entra, powerbi, admin
        Path tlsDir = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--no-kafka" -> kafka = false;
                case "--scenario" -> scenario = loadScenario(value(args, ++i, a));
                case "--faults" -> faultsJson = value(args, ++i, a);
                case "--profile" -> {
                    String v = value(args, ++i, a);
                    profile = SimProfile.parse(v).orElseThrow(() ->
                            new UsageException("--profile must be 'realistic' or 'clean', was '" + v + "'"));
                }
                case "--seed" -> seed = parseSeed(value(args, ++i, a));
                case "--bind-address" -> bindAddress = parseAddress(value(args, ++i, a));
                case "--advertised-host" -> advertisedHost = parseHost(value(args, ++i, a));
                case "--kafka-port" -> ports[0] = parsePort(a, value(args, ++i, a));
                case "--entra-port" -> ports[1] = parsePort(a, value(args, ++i, a));
                case "--powerbi-port" -> ports[2] = parsePort(a, value(args, ++i, a));
                case "--admin-port" -> ports[3] = parsePort(a, value(args, ++i, a));
                case "--tls-dir" -> tlsDir = Path.of(value(args, ++i, a));
                default -> throw new UsageException("unknown argument '" + a + "'");
            }
        }
        Scenario chosen = scenario == null ? Scenario.defaultScenario() : scenario;
        if (profile != null || seed != null) {  // the command line wins over the scenario file
            chosen = chosen.withProfile(profile != null ? profile : chosen.simProfile().orElse(null),
                    seed != null ? seed : chosen.seed());
        }
        // --faults merges over the profile's own defaults (small transport-fault rates when realistic)
        FaultSettings base = RealisticDefaults.faults(chosen.simProfile().orElse(SimProfile.REALISTIC));
        return new Options(chosen, kafka, faultsJson == null ? base : parseFaults(faultsJson, base), bindAddress,
                Optional.ofNullable(advertisedHost), new Ports(ports[0], ports[1], ports[2], ports[3]),
                Optional.ofNullable(tlsDir));
    }

    private static InetAddress parseAddress(String value) throws UsageException {
        try {
            if (value.isBlank()) {
                throw new UnknownHostException(value);
            }
            return InetAddress.getByName(value.strip());
        } catch (UnknownHostException e) {
            throw new UsageException("--bind-address must be an address of this machine, e.g. 0.0.0.0, was '"
                    + value + "'");
        }
    }

    private static String parseHost(String value) throws UsageException {
        String host = value.strip();
        if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
            throw new UsageException("--advertised-host must be a host name or address, was '" + value + "'");
        }
        return host;
    }

    private static int parsePort(String option, String value) throws UsageException {
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new UsageException(option + " must be a port 1-65535 (0: random), was '" + value + "'");
    }

    private static long parseSeed(String value) throws UsageException {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--seed must be an integer, was '" + value + "'");
        }
    }

    private static String value(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    private static Scenario loadScenario(String file) throws UsageException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new UsageException("--scenario: no such file " + path.toAbsolutePath());
        }
        try {
            return Scenario.load(path);
        } catch (RuntimeException e) {
            throw new UsageException("--scenario " + file + ": " + e.getMessage());
        }
    }

    private static FaultSettings parseFaults(String json, FaultSettings base) throws UsageException {
        Faults faults = new Faults(Clock.systemUTC());
        faults.set(base);
        try {
            return faults.merge(json.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--faults: " + e.getMessage());
        }
    }

    /** The ready line: URLs, the default scenario's ids and credentials, and the scenario's name. */
    static String readyLine(DevStack stack) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kafkaBootstrap", stack.kafka().map(k -> k.bootstrapServers()).orElse(null));
        line.put("entraUrl", stack.entraUrl());
        line.put("powerBiUrl", stack.powerBiUrl());
        line.put("adminUrl", stack.adminUrl());
        line.put("defaults", stack.defaults());
        line.put("scenario", stack.scenario().name());
        line.put("profile", stack.realism().profile().wireName());
        line.put("seed", stack.realism().seed());
        try {
            return new ObjectMapper().writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
