package com.pbiexport.devstack.scenario;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.pbiexport.devstack.sim.Realism;
import com.pbiexport.devstack.sim.SimProfile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the simulator knows about the simulated Microsoft cloud: tenants with their app
 * registrations and credentials, tenant settings, capacities, workspaces (with members) and
 * reports. Loaded from a JSON scenario file or {@link #defaultScenario()}.
 *
 * @param tokenLifetimeSeconds lifetime of issued access tokens; null (the default scenario) = Entra's choice: 60-90
 *                             minutes drawn per token in the realistic profile, {@link #DEFAULT_TOKEN_LIFETIME_SECONDS}
 *                             in the clean one. Set it only to force an exact lifetime (tests of expiry do).
 * @param fileExpirySeconds    how long an export's file stays downloadable (24 h in Power BI)
 * @param pageRenderMillis     time to render one round of (at most 5) pages of a report
 * @param pollRetryAfterSeconds Retry-After the service sends on status polls while running
 * @param profile              {@code realistic} or {@code clean} ({@link SimProfile}); null = the starter's choice
 *                             ({@code --profile}, the builder), else realistic
 * @param seed                 the seed of the realistic profile's draws; null = {@link Realism#DEFAULT_SEED}
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Scenario(
        String name,
        Long tokenLifetimeSeconds,
        Long fileExpirySeconds,
        Long pageRenderMillis,
        Integer pollRetryAfterSeconds,
        List<Tenant> tenants,
        String profile,
        Long seed) {

    /** The token lifetime of the clean profile when the scenario sets none (Entra's typical {@code expires_in}). */
    public static final long DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;

    /** A scenario that leaves the profile and seed to whoever starts the stack. */
    public Scenario(String name, Long tokenLifetimeSeconds, Long fileExpirySeconds, Long pageRenderMillis,
                    Integer pollRetryAfterSeconds, List<Tenant> tenants) {
        this(name, tokenLifetimeSeconds, fileExpirySeconds, pageRenderMillis, pollRetryAfterSeconds, tenants, null,
                null);
    }

    public Scenario {
        name = name == null ? "custom" : name;
        fileExpirySeconds = fileExpirySeconds == null ? 86_400L : fileExpirySeconds;
        pageRenderMillis = pageRenderMillis == null ? 1_000L : pageRenderMillis;
        pollRetryAfterSeconds = pollRetryAfterSeconds == null ? 1 : pollRetryAfterSeconds;
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
        if (profile != null && SimProfile.parse(profile).isEmpty()) {
            throw new IllegalArgumentException("profile must be 'realistic' or 'clean', was '" + profile + "'");
        }
    }

    /** The profile the scenario file asks for, if any. */
    public Optional<SimProfile> simProfile() {
        return SimProfile.parse(profile);
    }

    public Scenario withProfile(SimProfile p, Long newSeed) {
        return new Scenario(name, tokenLifetimeSeconds, fileExpirySeconds, pageRenderMillis, pollRetryAfterSeconds,
                tenants, p == null ? null : p.wireName(), newSeed);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public static Scenario load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in).validated();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read scenario file " + file + ": " + e.getMessage(), e);
        }
    }

    public static Scenario read(InputStream json) throws IOException {
        return MAPPER.readValue(json, Scenario.class);
    }

    /** The built-in scenario documented in devstack/README.md. */
    public static Scenario defaultScenario() {
        try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/default.json")) {
            return read(Objects.requireNonNull(in, "default scenario resource missing")).validated();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Tenant> tenant(String idOrDomain) {
        return tenants.stream()
                .filter(t -> t.id().equalsIgnoreCase(idOrDomain) || t.domain().equalsIgnoreCase(idOrDomain))
                .findFirst();
    }

    public Scenario withTokenLifetimeSeconds(long seconds) {
        return new Scenario(name, seconds, fileExpirySeconds, pageRenderMillis, pollRetryAfterSeconds, tenants, profile, seed);
    }

    public Scenario withPageRenderMillis(long millis) {
        return new Scenario(name, tokenLifetimeSeconds, fileExpirySeconds, millis, pollRetryAfterSeconds, tenants, profile, seed);
    }

    public Scenario withFileExpirySeconds(long seconds) {
        return new Scenario(name, tokenLifetimeSeconds, seconds, pageRenderMillis, pollRetryAfterSeconds, tenants, profile, seed);
    }

    /** Checks cross references (workspace -> capacity, report -> workspace); throws naming every problem. */
    public Scenario validated() {
        List<String> problems = new ArrayList<>();
        for (Tenant t : tenants) {
            for (Workspace w : t.workspaces()) {
                if (w.capacityId() != null && t.capacity(w.capacityId()).isEmpty()) {
                    problems.add("tenant " + t.domain() + ": workspace " + w.id() + " names unknown capacity " + w.capacityId());
                }
            }
            for (Report r : t.reports()) {
                if (t.workspace(r.workspaceId()).isEmpty()) {
                    problems.add("tenant " + t.domain() + ": report " + r.id() + " names unknown workspace " + r.workspaceId());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid scenario: " + String.join("; ", problems));
        }
        return this;
    }
}
