package com.pbiexport.worker.diagnose.probe;

import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.TenantConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe's evidence rule (our own token refused AND a sibling cloud's accepted on the same call, never a sibling
 * accepted alone) and its costs: at most one probe per tenant per {@link CloudProbe#TTL}, none for a known cloud
 * host. End to end: {@code DoctorMatrixIT[public-cloud-setting-against-usgov-api]}.
 */
class CloudProbeTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final AtomicInteger calls = new AtomicInteger();
    /** As if no token could be had for any scope: the production call answers that as no answer. */
    private final CloudProbe.CapacitiesCall noToken = (alias, t, scope) -> {
        calls.incrementAndGet();
        return CloudProbe.Answer.NO_ANSWER;
    };

    private static TenantConfig tenant(String apiUrl) {
        return new TenantConfig("4a1f0c2e-0000-4000-a000-000000000001", "c11e7700-0000-4000-a000-000000000001",
                CloudName.PUBLIC, new CredentialConfig.Secret(Optional.of("not-used"), Optional.empty(),
                Optional.empty()), Optional.empty(), Optional.empty(), Optional.of(URI.create(apiUrl)),
                Optional.empty());
    }

    private CloudProbe probe(TenantConfig t) {
        return new CloudProbe(Map.of("contoso", t), noToken, clock, Runnable::run);
    }

    @Test
    void asksOnlyWithOurOwnTokenWhenThatGetsNoAnswer() throws Exception {
        CloudProbe probe = probe(tenant("http://127.0.0.1:9/"));

        assertThat(probe.evidence("contoso").get()).isEmpty();
        assertThat(calls.get()).as("our own token only: it was not refused, so no sibling is tried")
                .isEqualTo(1);
    }

    @Test
    void aBurstOfFailuresCostsOneProbePerTenantWithinTheTtl() throws Exception {
        CloudProbe probe = probe(tenant("http://127.0.0.1:9/"));
        for (int i = 0; i < 50; i++) {
            probe.evidence("contoso").get();
        }
        int perProbe = 1; // our own token: not refused (no token at all), so no sibling is asked
        assertThat(calls.get()).isEqualTo(perProbe);

        clock.advance(CloudProbe.TTL.plusSeconds(1));
        probe.evidence("contoso").get();
        assertThat(calls.get()).isEqualTo(2 * perProbe);
    }

    @Test
    void aKnownCloudApiHostIsNeverProbed() throws Exception {
        CloudProbe probe = probe(tenant("https://api.powerbigov.us/v1.0/myorg"));

        assertThat(probe.evidence("contoso").get()).isEmpty();
        assertThat(calls.get()).isZero();
    }

    @Test
    void ourTokenRefusedAndTheSiblingsAcceptedOnTheSameCallProvesTheOtherCloud() throws Exception {
        CloudProbe probe = new CloudProbe(Map.of("contoso", tenant("http://127.0.0.1:9/")), (alias, t, scope) ->
                scope.equals(CloudName.PUBLIC.powerBiScope()) ? CloudProbe.Answer.REJECTED
                        : scope.equals(CloudName.US_GOV.powerBiScope()) ? CloudProbe.Answer.ACCEPTED
                        : CloudProbe.Answer.REJECTED, clock, Runnable::run);

        assertThat(probe.evidence("contoso").get()).hasValueSatisfying(e -> {
            assertThat(e.apiCloud()).isEqualTo(CloudName.US_GOV.displayName());
            assertThat(e.configuredCloud()).isEqualTo(CloudName.PUBLIC.displayName());
        });
    }

    @Test
    void aSiblingTokenAcceptedWhereOursIsAcceptedTooIsNeverWrongCloud() throws Exception {
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        CloudProbe probe = new CloudProbe(Map.of("contoso", tenant("http://127.0.0.1:9/")), (alias, t, scope) -> {
            asked.add(scope);
            return CloudProbe.Answer.ACCEPTED; // the 401 of the export had another reason
        }, clock, Runnable::run);

        assertThat(probe.evidence("contoso").get()).isEmpty();
        assertThat(asked).containsExactly(CloudName.PUBLIC.powerBiScope());
    }

    @Test
    void ourTokenGettingNoAnswerIsNoEvidence() throws Exception {
        CloudProbe probe = new CloudProbe(Map.of("contoso", tenant("http://127.0.0.1:9/")), (alias, t, scope) ->
                scope.equals(CloudName.PUBLIC.powerBiScope()) ? CloudProbe.Answer.NO_ANSWER : CloudProbe.Answer.ACCEPTED,
                clock, Runnable::run);

        assertThat(probe.evidence("contoso").get()).isEmpty();
    }

    @Test
    void onlyCloudsSharingTheEntraAuthorityAreSiblings() {
        List<CloudName> siblings = CloudProbe.siblings(CloudName.PUBLIC);
        assertThat(siblings).isNotEmpty().doesNotContain(CloudName.PUBLIC, CloudName.CHINA)
                .allMatch(c -> c.authorityHost().equals(CloudName.PUBLIC.authorityHost()));
    }
}
