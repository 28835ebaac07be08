package com.pbiexport.worker.diagnose.probe;

import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.worker.diagnose.TargetEvidence;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The look-up probe's costs and composition, with an injected clock and fake look-ups: one round per target per
 * TTL whatever the number of failing jobs, a per-tenant budget per minute, the admin API asked only for an invisible
 * workspace, and callers never blocked.
 */
class TargetProbeTest {
    private static final String WS = "3d5e0000-0000-4000-a000-000000000002";
    private static final Optional<String> REPORT = Optional.of("7e000000-0000-4000-a000-000000000002");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final List<String> rounds = new CopyOnWriteArrayList<>();
    private final AtomicInteger adminCalls = new AtomicInteger();

    private static TargetEvidence seen(TargetEvidence.Sight ws, String wsId) {
        return new TargetEvidence(wsId, REPORT, Optional.empty(), ws, Optional.empty(), TargetEvidence.Sight.NOT_ASKED,
                Optional.empty(), TargetEvidence.Sight.NOT_ASKED, Optional.empty(), TargetEvidence.ProfileSight.NONE,
                Optional.empty(), List.of("GET groups lists nothing"));
    }

    private TargetProbe probe(TargetEvidence.Sight ws, java.util.concurrent.Executor executor) {
        return new TargetProbe((alias, w, r, p) -> {
            rounds.add(alias + "/" + w);
            return seen(ws, w);
        }, (alias, w) -> {
            adminCalls.incrementAndGet();
            return CompletableFuture.completedFuture(new WorkspaceEvidence.Exists(w, "Finance"));
        }, clock, executor);
    }

    @Test
    void aBurstOfFailuresOnOneTargetCostsOneRoundWithinTheTtlAndAnotherAfterIt() throws Exception {
        TargetProbe probe = probe(TargetEvidence.Sight.VISIBLE, Runnable::run);
        for (int i = 0; i < 50; i++) {
            probe.evidence("contoso", WS, REPORT, Optional.empty()).get();
        }
        assertThat(rounds).containsExactly("contoso/" + WS);

        clock.advance(TargetProbe.TTL.plusSeconds(1));
        probe.evidence("contoso", WS.toUpperCase(), REPORT, Optional.empty()).get();
        assertThat(rounds).hasSize(2);
    }

    @Test
    void anInvisibleWorkspaceAddsTheAdminApisAnswerAndAVisibleOneNeverAsksIt() throws Exception {
        TargetEvidence invisible = probe(TargetEvidence.Sight.NOT_VISIBLE, Runnable::run)
                .evidence("contoso", WS, REPORT, Optional.empty()).get();
        assertThat(invisible.admin()).contains(new WorkspaceEvidence.Exists(WS, "Finance"));
        assertThat(adminCalls).hasValue(1);

        TargetEvidence visible = probe(TargetEvidence.Sight.VISIBLE, Runnable::run)
                .evidence("contoso", WS, REPORT, Optional.empty()).get();
        assertThat(visible.admin()).isEmpty();
        assertThat(adminCalls).hasValue(1);
    }

    @Test
    void manyDifferentTargetsStayWithinTheBudgetPerMinuteAndTheRestAreNotAsked() throws Exception {
        TargetProbe probe = probe(TargetEvidence.Sight.VISIBLE, Runnable::run);
        List<TargetEvidence> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            answers.add(probe.evidence("contoso", "3d5e0000-0000-4000-a000-0000000001" + String.format("%02d", i),
                    REPORT, Optional.empty()).get());
        }

        assertThat(rounds).hasSize(TargetProbe.ROUNDS_PER_MINUTE);
        assertThat(answers.get(29).workspace()).isEqualTo(TargetEvidence.Sight.NOT_ASKED);
        assertThat(answers.get(29).summary()).contains("budget");

        clock.advance(java.time.Duration.ofMinutes(1));
        probe.evidence("contoso", WS, REPORT, Optional.empty()).get();
        assertThat(rounds).hasSize(TargetProbe.ROUNDS_PER_MINUTE + 1);
    }

    @Test
    void theCallerIsNeverBlockedAndARoundInFlightIsShared() {
        List<Runnable> queued = new ArrayList<>();
        TargetProbe probe = probe(TargetEvidence.Sight.VISIBLE, queued::add);

        CompletableFuture<TargetEvidence> first = probe.evidence("contoso", WS, REPORT, Optional.empty());
        CompletableFuture<TargetEvidence> second = probe.evidence("contoso", WS, REPORT, Optional.empty());

        assertThat(first).isNotDone();
        assertThat(second).isSameAs(first);
        assertThat(queued).hasSize(1);
        queued.get(0).run();
        assertThat(first).isCompleted();
        assertThat(rounds).hasSize(1);
    }

    @Test
    void itsCacheHoldsAtMostOneTtlOfRoundsPerAliasHoweverManyTargetsFailAndForgetsExpiredOnes() throws Exception {
        TargetProbe probe = probe(TargetEvidence.Sight.VISIBLE, Runnable::run);
        int most = 0;
        for (int second = 0; second < 3600; second++) { // an hour of a new failing target every second, per alias
            for (String alias : List.of("contoso", "fabrikam")) {
                probe.evidence(alias, "3d5e0000-0000-4000-a000-" + String.format("%012d", second), REPORT,
                        Optional.empty()).get();
            }
            most = Math.max(most, probe.size());
            clock.advance(java.time.Duration.ofSeconds(1));
        }
        // documented budget: 20 rounds a minute per alias, kept 10 minutes -> 200 per alias
        assertThat(most).isLessThanOrEqualTo(2 * 200);
        assertThat(rounds.size()).as("the rest was not asked").isLessThan(2 * 3600);

        clock.advance(TargetProbe.TTL.plusSeconds(1));
        probe.evidence("contoso", WS, REPORT, Optional.empty()).get();
        assertThat(probe.size()).as("expired entries swept on the next insert").isEqualTo(1);
    }
}
