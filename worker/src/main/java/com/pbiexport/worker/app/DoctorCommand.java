package com.pbiexport.worker.app;

import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.ConfigLoader;
import com.pbiexport.worker.config.LoadedConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.doctor.Doctor;
import com.pbiexport.worker.diagnose.doctor.DoctorReport;
import com.pbiexport.worker.diagnose.doctor.DoctorRequest;
import com.pbiexport.worker.diagnose.doctor.DoctorTarget;
import com.pbiexport.worker.diagnose.doctor.Sleeper;
import com.pbiexport.worker.diagnose.probe.CloudProbe;
import com.pbiexport.worker.tenant.TenantConnection;
import com.pbiexport.worker.tenant.TenantConnections;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
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
 * {@code doctor}: checks the worker's Kafka and sinks once ({@link DoctorInfraChecks}), then, in order, every
 * prerequisite of exporting for one configured tenant and names the first
 * broken one with the same code and fix the worker's {@code ExportFailed} would carry. Exit codes: 0 every check
 * passed, 1 a check failed, 2 bad usage or configuration. Prints claims, never the secret or the token.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Check Kafka (broker, topics, group, transactional id) and the sinks once, then credentials, "
        + "token, workspace, capacity, report and format for a tenant, and name the first broken prerequisite (exit 0 ok, 1 a check failed, 2 usage/config error).")
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
        // kafka and sink do not depend on the tenant: once per run, listed first, never skipped by a tenant failure
        DoctorReport result = diagnose(loaded.config(), tenant, request, System.getenv(), Clock.systemUTC())
                .withFirst(DoctorInfraChecks.run(loaded.config(), System.getenv()));
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
     * reading, token source and Power BI client: {@link TenantConnections}). For tests and embedding; the CLI calls
     * it too.
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
        try (TenantConnection connections = TenantConnections.resolvingProxy(cfg, env, clock).open(alias)) {
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
        List<DoctorTarget.CloudAudience> siblings = CloudProbe.siblings(t.cloud()).stream()
                .map(DoctorCommand::audience).toList();
        return new DoctorTarget(alias, t.cloud().displayName(), t.cloud().powerBiResource(), root, rootCloud, siblings,
                t.clientId(), askAdminApi);
    }

    private static DoctorTarget.CloudAudience audience(CloudName c) {
        return new DoctorTarget.CloudAudience(c.displayName(), c.powerBiResource(), c.powerBiScope());
    }
}
