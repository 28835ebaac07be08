package com.pbiexport.worker.app;

import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.ConfigLoader;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.LoadedConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.doctor.Doctor;
import com.pbiexport.worker.diagnose.doctor.DoctorConnections;
import com.pbiexport.worker.diagnose.doctor.DoctorReport;
import com.pbiexport.worker.diagnose.doctor.DoctorRequest;
import com.pbiexport.worker.diagnose.doctor.DoctorTarget;
import com.pbiexport.worker.diagnose.doctor.Sleeper;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.net.ProxyProbe;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiEndpoint;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code doctor}: checks, in order, every prerequisite of exporting for one configured tenant and names the first
 * broken one with the same code and fix the worker's {@code ExportFailed} would carry. Exit codes: 0 every check
 * passed, 1 a check failed, 2 bad usage or configuration. Prints claims, never the secret or the token.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Check credentials, token, workspace, capacity, report and format for a "
        + "tenant and name the first broken prerequisite (exit 0 ok, 1 a check failed, 2 usage/config error).")
public final class DoctorCommand implements Callable<Integer> {
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> FORMATS =
            Set.of("PDF", "PPTX", "PNG", "ACCESSIBLEPDF", "XLSX", "DOCX", "CSV", "XML", "MHTML", "IMAGE");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML or JSON configuration file.")
    Path config;

    @Option(names = "--tenant", required = true, paramLabel = "ALIAS", description = "Configured tenant alias.")
    String tenant;

    @Option(names = "--workspace", paramLabel = "ID", description = "Workspace (group) id to check.")
    String workspace;

    @Option(names = "--report", paramLabel = "ID", description = "Report id to check (with --workspace; without it "
            + "the My-workspace route is checked, which a service principal cannot use).")
    String report;

    @Option(names = "--format", paramLabel = "F", description = "Export format to check against the report type.")
    String format;

    @Option(names = "--profile", paramLabel = "ID", description = "Service principal profile id "
            + "(X-PowerBI-Profile-Id); default: the tenant's defaultProfileId.")
    String profile;

    @Option(names = "--trial", description = "Also run one real export end to end (start, poll, download, delete).")
    boolean trial;

    @Option(names = "--trial-timeout", paramLabel = "DURATION", description = "Upper bound on the trial export "
            + "(ISO-8601, default PT5M).")
    Duration trialTimeout = DoctorRequest.DEFAULT_TRIAL_TIMEOUT;

    @Option(names = "--json", description = "Print one JSON object {ok, checks[{name, status, detail, fix}]}.")
    boolean json;

    @Override
    public Integer call() {
        LoadedConfig loaded = ConfigLoader.loadWithWarnings(config, System.getenv());
        if (!json) {
            loaded.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        }
        DoctorRequest request = request(loaded.config());
        DoctorReport result = diagnose(loaded.config(), tenant, request, System.getenv(), Clock.systemUTC());
        spec.commandLine().getOut().print(json ? result.toJson() + "\n" : result.toText());
        spec.commandLine().getOut().flush();
        return result.exitCode();
    }

    /** The arguments as a request; bad ids or formats are usage errors (exit 2), named with their option. */
    private DoctorRequest request(WorkerConfig cfg) {
        TenantConfig t = tenantConfig(cfg, tenant);
        List<String> problems = new ArrayList<>();
        requireGuid("--workspace", workspace, problems);
        requireGuid("--report", report, problems);
        requireGuid("--profile", profile, problems);
        String f = format == null ? null : format.strip().toUpperCase(Locale.ROOT);
        if (f != null && !FORMATS.contains(f)) {
            problems.add("--format must be one of " + FORMATS.stream().sorted().toList() + ", was '" + format + "'");
        }
        if (trial && (workspace == null || report == null)) {
            problems.add("--trial needs --workspace and --report");
        }
        if (trialTimeout.isNegative() || trialTimeout.isZero()) {
            problems.add("--trial-timeout must be positive, was " + trialTimeout);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new DoctorRequest(Optional.ofNullable(workspace), Optional.ofNullable(report), Optional.ofNullable(f),
                Optional.ofNullable(profile).or(t::defaultProfileId), trial, trialTimeout);
    }

    private static void requireGuid(String option, String value, List<String> problems) {
        if (value != null && !GUID.matcher(value.strip()).matches()) {
            problems.add(option + " must be a GUID such as 00000000-0000-0000-0000-000000000000, was '" + value + "'");
        }
    }

    private static TenantConfig tenantConfig(WorkerConfig cfg, String alias) {
        TenantConfig t = cfg.tenants().get(alias);
        if (t == null) {
            throw new IllegalArgumentException("--tenant '" + alias + "' is not configured; configured tenants: "
                    + cfg.tenants().keySet().stream().sorted().toList());
        }
        return t;
    }

    /**
     * Runs the doctor for a configured tenant, wired exactly as the worker wires that tenant (same credential
     * reading, token source and Power BI client). For tests and embedding; the CLI calls it too.
     *
     * @throws IllegalArgumentException when the alias is not configured
     */
    public static DoctorReport diagnose(WorkerConfig cfg, String alias, DoctorRequest request,
                                        Map<String, String> env, Clock clock) {
        return diagnose(cfg, alias, request, env, clock, Sleeper.SYSTEM);
    }

    /** The same, with the waits of the trial export going through {@code sleeper} (tests). */
    public static DoctorReport diagnose(WorkerConfig cfg, String alias, DoctorRequest request,
                                        Map<String, String> env, Clock clock, Sleeper sleeper) {
        TenantConfig t = tenantConfig(cfg, alias);
        try (Connections connections = new Connections(cfg, alias, t, env, clock)) {
            return new Doctor(new Classifier(), clock, sleeper).run(target(alias, t,
                    cfg.diagnose().adminApiProbe()), request, connections);
        }
    }

    /** What the doctor needs to know about the tenant, including which cloud the API root's host belongs to. */
    static DoctorTarget target(String alias, TenantConfig t, boolean askAdminApi) {
        URI root = t.effectivePowerBiApiUrl();
        Optional<DoctorTarget.CloudAudience> rootCloud = Arrays.stream(CloudName.values())
                .filter(c -> root.getHost() != null && root.getHost().equalsIgnoreCase(URI.create(c.apiRoot()).getHost()))
                .findFirst().map(DoctorCommand::audience);
        List<DoctorTarget.CloudAudience> siblings = Arrays.stream(CloudName.values())
                .filter(c -> c != t.cloud() && c.authorityHost().equalsIgnoreCase(t.cloud().authorityHost()))
                .map(DoctorCommand::audience).toList();
        return new DoctorTarget(alias, t.cloud().displayName(), t.cloud().powerBiResource(), root, rootCloud, siblings,
                t.clientId(), askAdminApi);
    }

    private static DoctorTarget.CloudAudience audience(CloudName c) {
        return new DoctorTarget.CloudAudience(c.displayName(), c.powerBiResource(), c.powerBiScope());
    }

    /** Token sources and Power BI clients built like {@link WorkerApp}'s, closed together. */
    private static final class Connections implements DoctorConnections {
        private final WorkerConfig cfg;
        private final String alias;
        private final TenantConfig tenant;
        private final Map<String, String> env;
        private final Clock clock;
        private final List<AutoCloseable> opened = new ArrayList<>();
        private final TokenService tokens;
        private final PowerBiClient client;
        private final ProxyConfig proxy;

        Connections(WorkerConfig cfg, String alias, TenantConfig tenant, Map<String, String> env, Clock clock) {
            this.cfg = cfg;
            this.alias = alias;
            this.tenant = tenant;
            this.env = env;
            this.clock = clock;
            this.proxy = ProxyConfig.resolve(cfg.http().proxy(), env, System.getProperties());
            this.tokens = tokenService(tenant.effectiveScope());
            this.client = client(tokens.forTenant(alias));
        }

        @Override
        public String readCredential() {
            CredentialConfig c = tenant.credential();
            CredentialSource source = Credentials.from(alias, c, env);
            String setting = "tenants." + alias + ".credential";
            try {
                if (source instanceof CredentialSource.Secret s && c instanceof CredentialConfig.Secret conf) {
                    String value = s.value().get();
                    if (value == null || value.isBlank()) {
                        throw unreadable(setting + ".secret is empty: set exactly one of value, env or file");
                    }
                    return "client secret " + conf.env().map(e -> "from environment variable " + e)
                            .or(() -> conf.file().map(f -> "from file " + f))
                            .orElse("inline in the configuration (development only)") + " is present (value not shown)";
                }
                if (source instanceof CredentialSource.Certificate cert) {
                    if (!Files.isReadable(cert.pkcs12File()) || Files.size(cert.pkcs12File()) == 0) {
                        throw unreadable(setting + ".certificate.pkcs12File " + cert.pkcs12File()
                                + " is missing, empty or not readable");
                    }
                    cert.password().get(); // env/file must be readable; an empty password is legitimate
                    return "certificate " + cert.pkcs12File() + " and its password are readable";
                }
                if (source instanceof CredentialSource.AssertionFile a) {
                    if (!Files.isReadable(a.file()) || Files.readString(a.file()).isBlank()) {
                        throw unreadable(setting + ".assertionFile.file " + a.file()
                                + " is missing, empty or not readable");
                    }
                    return "client assertion file " + a.file() + " is readable (content not shown)";
                }
                throw unreadable(setting + ": unsupported credential kind " + c.kind());
            } catch (IOException | RuntimeException e) {
                if (e instanceof TokenAcquisitionException t) {
                    throw t;
                }
                // Credentials' messages name the setting and the variable or file, never the value
                throw unreadable(e.getMessage() == null ? setting + " cannot be read" : e.getMessage());
            }
        }

        private TokenAcquisitionException unreadable(String description) {
            return new TokenAcquisitionException(new TokenFailure(alias, Optional.empty(), Optional.empty(),
                    Optional.empty(), description, TokenFailure.Kind.CREDENTIAL_UNREADABLE, Optional.empty()));
        }

        @Override
        public List<ProxyProbe.Outcome> proxies() {
            return List.of(ProxyProbe.probe("Entra ID", tenant.effectiveAuthorityUrl(), proxy, cfg.http().connectTimeout()),
                    ProxyProbe.probe("Power BI", tenant.effectivePowerBiApiUrl(), proxy, cfg.http().connectTimeout()));
        }

        @Override
        public TokenSource tokens() {
            return tokens.forTenant(alias);
        }

        @Override
        public PowerBiClient powerBi() {
            return client;
        }

        @Override
        public PowerBiClient powerBiWithScope(String scope) {
            return client(tokenService(scope).forTenant(alias));
        }

        private TokenService tokenService(String scope) {
            TenantCredentials credentials = new TenantCredentials(alias, tenant.tenantId(), tenant.clientId(),
                    URI.create("https://" + tenant.cloud().authorityHost()), scope,
                    Credentials.from(alias, tenant.credential(), env), tenant.authorityUrl());
            TokenPolicy d = TokenPolicy.defaults();
            TokenService service = TokenService.create(List.of(credentials), new TokenPolicy(
                    cfg.tokens().refreshAtFraction(), cfg.tokens().requestTimeout(), cfg.tokens().minRefreshInterval(),
                    cfg.http().connectTimeout(), d.expiryMargin()), clock, proxy);
            opened.add(service);
            return service;
        }

        private PowerBiClient client(TokenSource source) {
            PowerBiClient c = new PowerBiClient(new PowerBiEndpoint(tenant.effectivePowerBiApiUrl()), source,
                    new PowerBiHttpSettings(cfg.http().connectTimeout(), cfg.http().responseTimeout(), 4, proxy), clock);
            opened.add(c);
            return c;
        }

        @Override
        public void close() {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception ignored) {
                    // keep closing the others
                }
            }
        }
    }
}
