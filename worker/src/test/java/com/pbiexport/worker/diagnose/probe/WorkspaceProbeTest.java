package com.pbiexport.worker.diagnose.probe;

import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API probe's costs and memory, with an injected clock and a fake admin API: one call per tenant and
 * workspace per TTL, a refusing tenant left alone for the TTL, a throttled one until Retry-After, and never more
 * than the per-minute and per-hour budget per Power BI tenant. The admin API's real answers (listed, refused) are
 * proved end to end by {@code DoctorMatrixIT}.
 */
class WorkspaceProbeTest {
    private static final String WS_A = "3d5e0000-0000-4000-a000-000000000002";
    private static final String WS_B = "3d5e0000-0000-4000-a000-0000000000ff";
    private static final String CONTOSO_TENANT = "4a1f0c2e-0000-4000-a000-000000000001";
    private static final String APP = "c11e7700-0000-4000-a000-000000000001";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private BiFunction<String, String, WorkspaceEvidence> answer = (alias, ws) -> new WorkspaceEvidence.Exists(ws,
            "Finance");

    private WorkspaceProbe probe() {
        // two aliases of one Power BI tenant (they share its admin API quota) and one of another tenant
        return new WorkspaceProbe(Map.of(
                "contoso", new WorkspaceProbe.Tenant(CONTOSO_TENANT, APP),
                "contoso-reader", new WorkspaceProbe.Tenant(CONTOSO_TENANT, "c11e7700-0000-4000-a000-000000000002"),
                "fabrikam", new WorkspaceProbe.Tenant("4a1f0c2e-0000-4000-a000-000000000002", "app-f")),
                (alias, ws) -> {
                    calls.add(alias + "/" + ws);
                    return answer.apply(alias, ws);
                }, clock, Runnable::run);
    }

    private static WorkspaceEvidence.Unknown unknown(WorkspaceEvidence.Reason reason, Duration retryAfter) {
        return new WorkspaceEvidence.Unknown(reason, APP, "HTTP x", Optional.ofNullable(retryAfter));
    }

    @Test
    void aBurstOfFailuresForOneWorkspaceCostsOneCallWithinTheTtlAndAnotherAfterIt() throws Exception {
        WorkspaceProbe probe = probe();
        for (int i = 0; i < 50; i++) {
            assertThat(probe.evidence("contoso", WS_A).get()).isEqualTo(new WorkspaceEvidence.Exists(WS_A, "Finance"));
        }
        assertThat(calls).containsExactly("contoso/" + WS_A);

        clock.advance(WorkspaceProbe.TTL.plusSeconds(1));
        probe.evidence("contoso", WS_A.toUpperCase()).get();
        assertThat(calls).hasSize(2);
    }

    @Test
    void aCallInFlightIsSharedByEveryJobAskingMeanwhile() {
        List<Runnable> queued = new ArrayList<>();
        WorkspaceProbe probe = new WorkspaceProbe(Map.of("contoso", new WorkspaceProbe.Tenant(CONTOSO_TENANT, APP)),
                (alias, ws) -> {
                    calls.add(alias + "/" + ws);
                    return new WorkspaceEvidence.Absent(ws, Optional.empty());
                }, clock, queued::add);

        CompletableFuture<WorkspaceEvidence> first = probe.evidence("contoso", WS_B);
        CompletableFuture<WorkspaceEvidence> second = probe.evidence("contoso", WS_B);

        assertThat(second).isSameAs(first).isNotDone();
        assertThat(queued).hasSize(1);
        queued.get(0).run();
        assertThat(first).isCompletedWithValue(new WorkspaceEvidence.Absent(WS_B, Optional.empty()));
        assertThat(calls).hasSize(1);
    }

    @Test
    void aTenantWhoseAdminApiRefusedTheAppIsNotAskedAgainForTheTtlWhateverTheWorkspace() throws Exception {
        answer = (alias, ws) -> unknown(WorkspaceEvidence.Reason.REFUSED, null);
        WorkspaceProbe probe = probe();

        WorkspaceEvidence refused = probe.evidence("contoso", WS_A).get();
        assertThat(refused).isInstanceOf(WorkspaceEvidence.Unknown.class);
        assertThat(probe.evidence("contoso", WS_B).get()).as("the same refusal, without a call").isEqualTo(refused);
        assertThat(calls).containsExactly("contoso/" + WS_A);

        probe.evidence("contoso-reader", WS_B).get();
        assertThat(calls).as("another app of the tenant may be allowed").hasSize(2);

        clock.advance(WorkspaceProbe.TTL.plusSeconds(1));
        probe.evidence("contoso", WS_B).get();
        assertThat(calls).hasSize(3);
    }

    @Test
    void aThrottledTenantIsNotAskedBeforeRetryAfterByAnyOfItsAliases() throws Exception {
        answer = (alias, ws) -> unknown(WorkspaceEvidence.Reason.THROTTLED, Duration.ofSeconds(30));
        WorkspaceProbe probe = probe();

        probe.evidence("contoso", WS_A).get();
        probe.evidence("contoso", WS_A).get();
        probe.evidence("contoso-reader", WS_B).get();
        probe.evidence("fabrikam", WS_B).get();
        assertThat(calls).containsExactly("contoso/" + WS_A, "fabrikam/" + WS_B);

        clock.advance(Duration.ofSeconds(31));
        answer = (alias, ws) -> new WorkspaceEvidence.Exists(ws, "Finance");
        assertThat(probe.evidence("contoso", WS_A).get()).as("a throttled answer is not kept")
                .isInstanceOf(WorkspaceEvidence.Exists.class);
        assertThat(calls).hasSize(3);
    }

    @Test
    void aFailedCallIsNotKeptSoTheNextFailureAsksAgain() throws Exception {
        answer = (alias, ws) -> unknown(WorkspaceEvidence.Reason.FAILED, null);
        WorkspaceProbe probe = probe();
        probe.evidence("contoso", WS_A).get();
        answer = (alias, ws) -> {
            throw new IllegalStateException("boom");
        };
        assertThat(probe.evidence("contoso", WS_A)).isCompletedExceptionally();
        answer = (alias, ws) -> new WorkspaceEvidence.Exists(ws, "Finance");

        assertThat(probe.evidence("contoso", WS_A).get()).isInstanceOf(WorkspaceEvidence.Exists.class);
        assertThat(calls).hasSize(3);
    }

    @Test
    void atMostTheBudgetPerMinuteAndPerHourIsSpentPerPowerBiTenantAndTheRestIsNotAsked() throws Exception {
        WorkspaceProbe probe = probe();
        List<WorkspaceEvidence> answers = new ArrayList<>();
        for (int i = 0; i < WorkspaceProbe.CALLS_PER_MINUTE + 5; i++) {
            // distinct workspaces, alternating aliases of one tenant: each a new question
            answers.add(probe.evidence(i % 2 == 0 ? "contoso" : "contoso-reader", ws(i)).get());
        }
        assertThat(calls).hasSize(WorkspaceProbe.CALLS_PER_MINUTE);
        WorkspaceEvidence last = answers.get(answers.size() - 1);
        assertThat(last).isInstanceOf(WorkspaceEvidence.Unknown.class);
        assertThat(((WorkspaceEvidence.Unknown) last).reason()).isEqualTo(WorkspaceEvidence.Reason.NOT_ASKED);
        assertThat(last.explanation()).contains("budget", "per minute");
        probe.evidence("fabrikam", WS_A).get();
        assertThat(calls).as("another tenant has its own budget").hasSize(WorkspaceProbe.CALLS_PER_MINUTE + 1);

        for (int minute = 1; minute <= 10; minute++) {
            clock.advance(Duration.ofMinutes(1));
            for (int i = 0; i < WorkspaceProbe.CALLS_PER_MINUTE; i++) {
                probe.evidence("contoso", ws(1000 * minute + i)).get();
            }
        }
        long asked = calls.stream().filter(c -> c.startsWith("contoso")).count();
        assertThat(asked).as("calls of the tenant within the hour").isEqualTo(WorkspaceProbe.CALLS_PER_HOUR);

        clock.advance(Duration.ofHours(1));
        probe.evidence("contoso", ws(99_999)).get();
        assertThat(calls.stream().filter(c -> c.startsWith("contoso")).count())
                .isEqualTo(WorkspaceProbe.CALLS_PER_HOUR + 1L);
    }

    @Test
    void anUnknownAliasIsNeverAsked() throws Exception {
        assertThat(probe().evidence("acme", WS_A).get()).isInstanceOf(WorkspaceEvidence.Unknown.class);
        assertThat(calls).isEmpty();
    }

    private static String ws(int i) {
        return String.format("3d5e0000-0000-4000-a000-%012d", i);
    }

    @Test
    void itsCacheHoldsAtMostTheCallsOfOneTtlPerPowerBiTenantAndForgetsExpiredOnes() throws Exception {
        WorkspaceProbe probe = probe();
        int most = 0;
        for (int second = 0; second < 3 * 3600; second++) { // three hours of a new missing workspace every second
            for (String alias : List.of("contoso", "contoso-reader", "fabrikam")) {
                probe.evidence(alias, "3d5e0000-0000-4000-a000-" + String.format("%012d", second)).get();
            }
            most = Math.max(most, probe.size());
            clock.advance(Duration.ofSeconds(1));
        }
        // documented budget: at most 10 calls a minute and 40 an hour per Power BI tenant, kept 10 minutes
        assertThat(most).as("two Power BI tenants").isLessThanOrEqualTo(2 * 40);

        clock.advance(Duration.ofHours(1).plus(WorkspaceProbe.TTL)); // past the TTL, with the hour's budget back
        probe.evidence("fabrikam", WS_A).get();
        assertThat(probe.size()).as("expired entries swept on the next insert").isEqualTo(1);
    }
}
