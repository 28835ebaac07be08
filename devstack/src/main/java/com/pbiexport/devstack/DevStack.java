package com.pbiexport.devstack;

import com.pbiexport.devstack.admin.AdminApi;
import com.pbiexport.devstack.entra.EntraCredentials;
import com.pbiexport.devstack.entra.EntraSimulator;
import com.pbiexport.devstack.kafka.EmbeddedKafka;
import com.pbiexport.devstack.powerbi.PowerBiApi;
import com.pbiexport.devstack.powerbi.engine.SimExportEngine;
import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Report;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.sim.AccessTokens;
import com.pbiexport.devstack.sim.Cloud;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.devstack.sim.Faults;
import com.pbiexport.devstack.sim.ForcedAnswers;
import com.pbiexport.devstack.sim.ForeignHosts;
import com.pbiexport.devstack.sim.Realism;
import com.pbiexport.devstack.sim.RealisticDefaults;
import com.pbiexport.devstack.sim.SimProfile;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole local stack in one object: an embedded Kafka broker, the Entra ID token endpoint, the Power BI
 * REST API (backed by {@link SimExportEngine}) and the admin API, each HTTP service on its own server, on
 * loopback and an ephemeral port unless {@link Builder#bindAddress} and {@link Builder#ports} say otherwise.
 * This class is the composition root: every part is built here.
 *
 * <pre>{@code
 * try (DevStack stack = DevStack.builder().kafka(false).start()) {
 *     String tokenUrl = stack.entraUrl() + "/" + stack.defaults().tenantId() + "/oauth2/v2.0/token";
 *     ...
 * }
 * }</pre>
 */
public final class DevStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevStack.class);
    /**
     * Handler threads of the Power BI server. Handlers sleep through their latency (the realistic profile's
     * 20-400 ms, about 150 ms on average, plus any {@code powerBiLatencyMillis}) and through rate-bounded downloads,
     * so most threads wait rather than compute. 500 concurrent exports polled every second keep about 75 handlers
     * asleep on average and several times that in the long tail; 64 threads (the former size) would queue polls
     * behind sleepers, 256 leave room for the tail and for downloads. Sleeping threads cost memory, not CPU.
     */
    static final int POWER_BI_THREADS = 256;
    static final int ENTRA_THREADS = 16;
    static final int ADMIN_THREADS = 4;

    private final Scenario scenario;
    private final Faults faults;
    private final Counters counters;
    private final SimExportEngine engine;
    private final EmbeddedKafka kafka;
    private final String entraUrl;
    private final String powerBiUrl;
    private final String adminUrl;
    private final Defaults defaults;
    /** What to stop, newest first. */
    private final Deque<AutoCloseable> closeables;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Security-test hooks: issued tokens, rotatable app credentials, staged foreign hosts (set after start). */
    private AccessTokens accessTokens;
    private EntraCredentials entraCredentials;
    private ForeignHosts foreignHosts;
    private Realism realism;
    private ForcedAnswers forcedAnswers;

    /**
     * The default scenario's ids and credentials a script or test needs first: the first tenant, its first
     * app and secret, its first workspace, and the first Power BI and paginated reports.
     */
    public record Defaults(String tenantId, String clientId, String clientSecret, String workspaceId, String reportId,
                           String paginatedReportId) {

        static Defaults of(Scenario scenario) {
            Tenant t = scenario.tenants().isEmpty() ? null : scenario.tenants().get(0);
            if (t == null) {
                return new Defaults(null, null, null, null, null, null);
            }
            App app = t.apps().isEmpty() ? null : t.apps().get(0);
            return new Defaults(t.id(),
                    app == null ? null : app.clientId(),
                    app == null || app.secrets().isEmpty() ? null : app.secrets().get(0).value(),
                    t.workspaces().isEmpty() ? null : t.workspaces().get(0).id(),
                    t.reports().stream().filter(r -> !r.paginated()).findFirst().map(Report::id).orElse(null),
                    t.reports().stream().filter(Report::paginated).findFirst().map(Report::id).orElse(null));
        }
    }

    private DevStack(Builder b, EmbeddedKafka kafka, SimExportEngine engine, Deque<AutoCloseable> closeables,
                     String entraUrl, String powerBiUrl, String adminUrl, Faults faults, Counters counters) {
        this.scenario = b.scenario;
        this.kafka = kafka;
        this.engine = engine;
        this.closeables = closeables;
        this.entraUrl = entraUrl;
        this.powerBiUrl = powerBiUrl;
        this.adminUrl = adminUrl;
        this.faults = faults;
        this.counters = counters;
        this.defaults = Defaults.of(b.scenario);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Kafka bootstrap servers ({@code 127.0.0.1:port}); throws when started with {@code kafka(false)}. */
    public String kafkaBootstrap() {
        return kafka().orElseThrow(() -> new IllegalStateException(
                "this DevStack was started without Kafka (kafka(false) / --no-kafka)")).bootstrapServers();
    }

    /** The embedded broker, e.g. to create topics; empty when started without Kafka. */
    public Optional<EmbeddedKafka> kafka() {
        return Optional.ofNullable(kafka);
    }

    /** Base URL of the token endpoint: POST {@code <entraUrl>/<tenant>/oauth2/v2.0/token}. */
    public String entraUrl() {
        return entraUrl;
    }

    /** Base URL of the Power BI REST API: {@code <powerBiUrl>/v1.0/myorg/groups/...}. */
    public String powerBiUrl() {
        return powerBiUrl;
    }

    /** Base URL of the admin API: {@code <adminUrl>/admin/faults}, {@code /admin/counters}, ... */
    public String adminUrl() {
        return adminUrl;
    }

    public Scenario scenario() {
        return scenario;
    }

    public Faults faults() {
        return faults;
    }

    /** Live counters; call {@link #refreshGauges()} first when reading {@code concurrentExports.*}. */
    public Counters counters() {
        return counters;
    }

    /** Brings the lazily maintained {@code concurrentExports.*} gauges up to date. */
    public void refreshGauges() {
        engine.sweep();
    }

    public Defaults defaults() {
        return defaults;
    }

    /** The simulator's token signer: {@link AccessTokens#issued()} lists every token Entra handed out. */
    public AccessTokens accessTokens() {
        return accessTokens;
    }

    /** The apps' live credentials: add and remove secrets/certificates while running (rotation). */
    public EntraCredentials entraCredentials() {
        return entraCredentials;
    }

    /** Test hook: make Power BI's error answers the k-th observed one of each situation (a diagnosis matrix). */
    public ForcedAnswers forcedAnswers() {
        return forcedAnswers;
    }

    /** The profile and seed the simulators run with. */
    public Realism realism() {
        return realism;
    }

    /** Opt-in hostile file locations of the Power BI simulator (off by default). */
    public ForeignHosts foreignHosts() {
        return foreignHosts;
    }

    /** Stops the HTTP servers and the broker; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeAll(closeables);
        log.info("devstack stopped");
    }

    private static void closeAll(Deque<AutoCloseable> closeables) {
        for (AutoCloseable c; (c = closeables.pollFirst()) != null; ) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("error while stopping {}", c, e);
            }
        }
    }

    public static final class Builder {
        private Scenario scenario = Scenario.defaultScenario();
        private boolean kafka = true;
        /** null = the profile's defaults ({@link RealisticDefaults#faults}). */
        private FaultSettings faults;
        private Clock clock = Clock.systemUTC();
        private SimProfile profile;
        private Long seed;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private String advertisedHost;
        private Ports ports = Ports.RANDOM;
        private Path tlsDir;

        private Builder() { }

        /**
         * Serve Entra ID and Power BI over https with a self-signed certificate for the advertised host (and
         * localhost, 127.0.0.1), made at start; its trust store and PEM are written into {@code dir}
         * ({@link TlsIdentity}). Default: plain http. The admin API stays http.
         */
        public Builder tls(Path dir) {
            this.tlsDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Where every listener binds (default: loopback). A non-loopback address exposes the simulators. */
        public Builder bindAddress(InetAddress bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * The host every URL the stack hands out carries (default: the bind address, or 127.0.0.1 when binding the
         * wildcard address).
         */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = Objects.requireNonNull(advertisedHost, "advertisedHost");
            return this;
        }

        /** Fixed listener ports (default {@link Ports#RANDOM}). */
        public Builder ports(Ports ports) {
            this.ports = Objects.requireNonNull(ports, "ports");
            return this;
        }

        /** The host in the URLs: the explicit one, else the bind address unless it is the wildcard. */
        String advertised() {
            return advertisedHost != null ? advertisedHost : Addresses.advertised(bindAddress);
        }

        /**
         * The simulators' profile: {@link SimProfile#REALISTIC} unless the scenario file or this call says otherwise
         * (this call wins). A test that picks {@link SimProfile#CLEAN} says why next to the call.
         */
        public Builder profile(SimProfile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
            return this;
        }

        /** The realistic profile's seed (default: the scenario's, else {@link Realism#DEFAULT_SEED}). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The profile and seed in force: this builder's, else the scenario's, else realistic with the default seed. */
        Realism realism() {
            SimProfile p = profile != null ? profile : scenario.simProfile().orElse(SimProfile.REALISTIC);
            long s = seed != null ? seed : scenario.seed() != null ? scenario.seed() : Realism.DEFAULT_SEED;
            return new Realism(p, s);
        }

        public Builder scenario(Scenario scenario) {
            this.scenario = Objects.requireNonNull(scenario, "scenario");
            return this;
        }

        /** Whether to start the embedded Kafka broker (default true; takes a few seconds). */
        public Builder kafka(boolean kafka) {
            this.kafka = kafka;
            return this;
        }

        /**
         * Fault settings in force from the start (change them later with {@link DevStack#faults()} or the admin API).
         * Unset: all off in the clean profile, small transport-fault rates in the realistic one
         * ({@link RealisticDefaults#faults}).
         */
        public Builder faults(FaultSettings faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /** The simulators' clock (token times, export timing, expiry); Kafka always uses real time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Starts everything; on failure stops what already started and throws. */
        public DevStack start() {
            Deque<AutoCloseable> closeables = new ArrayDeque<>();
            try {
                Realism realism = realism();
                Faults liveFaults = new Faults(clock, realism);
                liveFaults.set(faults != null ? faults : RealisticDefaults.faults(realism.profile()));
                // the simulated servers' clock: off by a seeded skew (realistic) for everything Entra and Power BI
                // stamp and check; fault windows (entraOutageUntil) stay on the caller's clock
                Clock serverClock = Clock.offset(clock, realism.clockSkew());
                Counters counters = new Counters();
                AccessTokens tokens = new AccessTokens();
                EmbeddedKafka broker = null;
                if (kafka) {
                    broker = EmbeddedKafka.builder()
                            .clientListener(Addresses.literal(bindAddress), ports.kafka(), advertised()).start();
                    closeables.push(broker);
                }
                TlsIdentity tls = tlsDir == null ? null : TlsIdentity.create(advertised(), tlsDir);
                EntraCredentials credentials = new EntraCredentials(scenario);
                ForeignHosts foreignHosts = new ForeignHosts();
                ForcedAnswers forcedAnswers = new ForcedAnswers();
                EntraSimulator entra = new EntraSimulator(scenario, tokens, credentials, liveFaults, counters, serverClock,
                        realism);
                closeables.push(entra);
                String entraUrl = serve("entra", entra, ENTRA_THREADS, ports.entra(), tls, closeables);
                SimExportEngine engine = new SimExportEngine(scenario, liveFaults, counters, serverClock, realism);
                PowerBiApi powerBi = new PowerBiApi(scenario, cloud(scenario), tokens, engine, liveFaults, counters,
                        serverClock, foreignHosts, realism, forcedAnswers);
                String powerBiUrl = serve("powerbi", powerBi, POWER_BI_THREADS, ports.powerBi(), tls,
                        closeables);
                String adminUrl = serve("admin", new AdminApi(scenario, liveFaults, counters, engine::sweep),
                        ADMIN_THREADS, ports.admin(), null, closeables);
                DevStack stack = new DevStack(this, broker, engine, closeables, entraUrl, powerBiUrl, adminUrl,
                        liveFaults, counters);
                stack.accessTokens = tokens;
                stack.entraCredentials = credentials;
                stack.foreignHosts = foreignHosts;
                stack.realism = realism;
                stack.forcedAnswers = forcedAnswers;
                log.info("devstack '{}' ({} profile, seed {}) up: entra {}, power bi {}, admin {}, kafka {}", scenario.name(), realism.profile().wireName(),
                        realism.seed(), entraUrl, powerBiUrl, adminUrl, broker == null ? "off" : broker.bootstrapServers());
                return stack;
            } catch (RuntimeException | Error e) {
                closeAll(closeables);
                throw e;
            }
        }

        /** The cloud the Power BI API answers as: the first tenant's (all tenants of a scenario share one). */
        private static Cloud cloud(Scenario scenario) {
            return scenario.tenants().stream().findFirst()
                    .flatMap(t -> Cloud.byName(t.cloud())).orElse(Cloud.PUBLIC);
        }

        private String serve(String name, HttpHandler handler, int threads, int port, TlsIdentity tls,
                             Deque<AutoCloseable> closeables) {
            return Listeners.serve(new InetSocketAddress(bindAddress, port), advertised(), name, handler, threads, tls,
                    closeables);
        }
    }
}
