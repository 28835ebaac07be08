package com.pbiexport.worker.jobstate;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The counting rule of poison requests (issue 17 item 4): every owner claims a request before running it; a clean
 * end (answer, hand-over, graceful stop) takes its claim back; what is left are owners that died with the request
 * in flight, and the owner that finds {@code threshold} of them answers instead of running it.
 */
class CrashClaimsTest {
    private static final Instant T1 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-01-01T10:05:00Z");
    private static final Instant T3 = Instant.parse("2026-01-01T10:10:00Z");
    private static final Instant T4 = Instant.parse("2026-01-01T10:15:00Z");
    private static final ExportRequested REQUEST = ExportRequested.builder("r-1", "contoso",
            "3d5e0000-0000-4000-a000-000000000001", "7e000000-0000-4000-a000-000000000001", ExportFormat.PDF).build();

    private final CrashClaims claims = new CrashClaims(3);

    @Test
    void theFirstOwnerRecordsAClaimBeforeAnyExportIsKnown() {
        JobState claimed = claims.claim(2, REQUEST, Optional.empty(), T1);

        assertThat(claimed.status()).isEqualTo(JobState.STATUS_CLAIMED);
        assertThat(claimed.claims()).containsExactly(T1);
        assertThat(claimed.resumableAt(T1)).as("a claim alone is nothing to resume").isFalse();
        assertThat(claimed.isDone()).isFalse();
    }

    @Test
    void eachOwnerThatDiedWithTheRequestInFlightLeavesItsClaim() {
        // owner 1 claims and dies; owner 2 finds its claim, claims too and dies; owner 3 the same
        JobState afterFirst = new CrashClaims(3).claim(0, REQUEST, Optional.empty(), T1);
        JobState afterSecond = new CrashClaims(3).claim(0, REQUEST, Optional.of(afterFirst), T2);
        JobState afterThird = new CrashClaims(3).claim(0, REQUEST, Optional.of(afterSecond), T3);

        assertThat(afterThird.claims()).containsExactly(T1, T2, T3);
        assertThat(claims.poisoned(Optional.of(afterSecond))).as("two crashes: run it again").isEmpty();
        assertThat(claims.poisoned(Optional.of(afterThird))).as("the fourth owner sees three")
                .contains(List.of(T1, T2, T3));
    }

    @Test
    void aCleanReleaseTakesBackOnlyThisOwnersClaim() {
        JobState crashedOnce = new CrashClaims(3).claim(1, REQUEST, Optional.empty(), T1);
        claims.claim(1, REQUEST, Optional.of(crashedOnce), T2);

        List<CrashClaims.Write> writes = new ArrayList<>();
        claims.release(Set.of(1), writes::add);

        assertThat(writes).singleElement().satisfies(w -> {
            assertThat(w.partition()).isEqualTo(1);
            assertThat(w.requestId()).isEqualTo("r-1");
            assertThat(w.state().claims()).as("the crashed owner's claim stays").containsExactly(T1);
        });
        assertThat(claims.size()).isZero();
    }

    @Test
    void releasingTheOnlyClaimOnAnUnstartedRequestTombstonesIt() {
        claims.claim(1, REQUEST, Optional.empty(), T1);

        List<CrashClaims.Write> writes = new ArrayList<>();
        claims.release(Set.of(1), writes::add);

        assertThat(writes).singleElement().satisfies(w -> assertThat(w.state()).isNull());
    }

    @Test
    void aRunningExportKeepsTheClaimsAndStaysResumableAfterARelease() {
        JobState crashedOnce = new CrashClaims(3).claim(0, REQUEST, Optional.empty(), T1);
        claims.claim(0, REQUEST, Optional.of(crashedOnce), T2);

        JobState running = claims.running(JobState.running("r-1", "contoso", "ws", "rep", "export-7", 1, T3));
        assertThat(running.claims()).as("a crash after ExportTo still counts").containsExactly(T1, T2);

        List<CrashClaims.Write> writes = new ArrayList<>();
        claims.release(Set.of(0), writes::add);
        assertThat(writes).singleElement().satisfies(w -> {
            assertThat(w.state().exportId()).isEqualTo("export-7");
            assertThat(w.state().resumableAt(T4)).isTrue();
            assertThat(w.state().claims()).containsExactly(T1);
        });
    }

    @Test
    void anAnsweredRequestIsNotReleasedOverItsDoneState() {
        claims.claim(0, REQUEST, Optional.empty(), T1);

        assertThat(claims.answered("r-1", () -> "published")).isEqualTo("published");
        List<CrashClaims.Write> writes = new ArrayList<>();
        claims.release(Set.of(0), writes::add);

        assertThat(writes).isEmpty();
    }

    @Test
    void releasesOnlyTheGivenPartitions() {
        claims.claim(0, REQUEST, Optional.empty(), T1);

        List<CrashClaims.Write> writes = new ArrayList<>();
        claims.release(Set.of(1), writes::add);

        assertThat(writes).isEmpty();
        assertThat(claims.size()).isOne();
    }

    @Test
    void anAnsweredRequestIsNeverPoison() {
        JobState done = JobState.done("r-1", "contoso", "ws", "rep", "", 1, T1).withClaims(List.of(T1, T2, T3));

        assertThat(claims.poisoned(Optional.of(done))).isEmpty();
        assertThat(claims.poisoned(Optional.empty())).isEmpty();
    }

    @Test
    void keepsOnlyTheLatestThresholdClaims() {
        JobState many = new CrashClaims(5).claim(0, REQUEST, Optional.empty(), T1)
                .withClaims(List.of(T1, T2, T3, T4));

        assertThat(new CrashClaims(2).claim(0, REQUEST, Optional.of(many), T4.plusSeconds(1)).claims())
                .containsExactly(T4, T4.plusSeconds(1));
    }

    @Test
    void zeroTurnsTheCheckOff() {
        CrashClaims off = new CrashClaims(0);
        JobState crashed = claims.claim(0, REQUEST, Optional.empty(), T1).withClaims(List.of(T1, T2, T3, T4));

        assertThat(off.enabled()).isFalse();
        assertThat(off.poisoned(Optional.of(crashed))).isEmpty();
    }

    @Test
    void rejectsANegativeThresholdNamingIt() {
        assertThatThrownBy(() -> new CrashClaims(-1)).hasMessage("threshold must be at least 0, was -1");
    }

    @Test
    void claimsSurviveTheJobStateTopicRoundTrip() {
        JobState claimed = new CrashClaims(3).claim(0, REQUEST, Optional.empty(), T1).withClaims(List.of(T1, T2));

        assertThat(JobState.fromJson(claimed.toJson())).contains(claimed);
        assertThat(JobState.fromJson(JobState.running("r", "t", "w", "p", "e", 1, T1).toJson()))
                .hasValueSatisfying(s -> assertThat(s.claims()).as("states written before claims existed").isEmpty());
    }

    @Test
    void holdsOnlyTheRequestsInFlightHoweverManyPassThrough() {
        int most = 0;
        List<String> inFlight = new ArrayList<>();
        for (int n = 0; n < 10_000; n++) { // 64 in flight at a time, each answered in turn
            ExportRequested r = ExportRequested.builder("r-" + n, "contoso", REQUEST.workspaceId(), REQUEST.reportId(),
                    ExportFormat.PDF).build();
            claims.claim(n % 6, r, Optional.empty(), T1);
            inFlight.add(r.requestId());
            most = Math.max(most, claims.size());
            if (inFlight.size() == 64) {
                claims.answered(inFlight.remove(0), () -> null);
            }
        }
        assertThat(most).as("bounded by the requests in flight, not by the requests seen").isEqualTo(64);

        List<CrashClaims.Write> writes = new ArrayList<>();
        claims.release(Set.of(0, 1, 2, 3, 4, 5), writes::add);
        assertThat(claims.size()).as("a release of every partition leaves nothing held").isZero();
        assertThat(writes).hasSize(63);
    }
}
