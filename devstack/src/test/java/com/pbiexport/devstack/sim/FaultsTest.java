package com.pbiexport.devstack.sim;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultsTest {
    final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    final Faults faults = new Faults(clock);

    private FaultSettings merge(String json) {
        return faults.merge(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void partialMergeChangesOnlyTheNamedKeys() {
        merge("{\"powerBiErrorRate\":0.25,\"forced429Count\":3}");
        FaultSettings s = merge("{\"powerBiLatencyMillis\":40}");
        assertThat(s.powerBiErrorRate()).isEqualTo(0.25);
        assertThat(s.forced429Count()).isEqualTo(3);
        assertThat(s.powerBiLatencyMillis()).isEqualTo(40);
        assertThat(s.forced429RetryAfterSeconds()).as("default kept").isEqualTo(5);
    }

    @Test
    void mergeKeepsWhatIsLeftOfCountKnobsItDoesNotName() {
        merge("{\"forced429Count\":2}");
        assertThat(faults.takeForced429()).isTrue();
        merge("{\"powerBiErrorRate\":0.1}");
        assertThat(faults.current().forced429Count()).isEqualTo(1);
        assertThat(faults.takeForced429()).isTrue();
        assertThat(faults.takeForced429()).isFalse();
    }

    @Test
    void rejectsUnknownKeyNamingItAndChangesNothing() {
        merge("{\"powerBiErrorRate\":0.5}");
        assertThatThrownBy(() -> merge("{\"powerBiErrorRate\":0.9,\"errorRate\":1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown fault setting 'errorRate'");
        assertThat(faults.current().powerBiErrorRate()).isEqualTo(0.5);
    }

    @Test
    void rejectsMalformedJsonWrongTypesAndNonObjects() {
        assertThatThrownBy(() -> merge("{not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> merge("[1,2]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> merge("{\"forced429Count\":\"many\"}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid fault settings");
        assertThatThrownBy(() -> merge("{\"forced429Count\":null}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void entraOutageWindowIsSetAsAnInstant() {
        merge("{\"entraOutageUntil\":\"2025-01-01T00:05:00Z\"}");
        assertThat(faults.entraOutage()).isTrue();
        merge("{\"entraOutageUntil\":null}");
        assertThat(faults.entraOutage()).isFalse();
        assertThat(faults.toJson()).contains("\"entraOutageUntil\":null");
    }

    @Test
    void exportFailureKnobsAreConsumedOneAtATime() {
        merge("{\"exportBusyFailures\":1,\"exportPermanentFailures\":2}");
        assertThat(faults.takeExportBusyFailure()).isTrue();
        assertThat(faults.takeExportBusyFailure()).isFalse();
        assertThat(faults.takeExportPermanentFailure()).isTrue();
        assertThat(faults.current().exportPermanentFailures()).isEqualTo(1);
    }

    @Test
    void truncatedDownloadsAreOffByDefaultAndSetThroughMerge() {
        assertThat(FaultSettings.none().truncatedDownloadRate()).isZero();
        assertThat(faults.truncateDownload()).isFalse();

        FaultSettings s = merge("{\"truncatedDownloadRate\":1.0}");

        assertThat(s.truncatedDownloadRate()).isEqualTo(1.0);
        assertThat(faults.truncateDownload()).isTrue();
        assertThat(faults.toJson()).contains("\"truncatedDownloadRate\":1.0");
    }

    @Test
    void truncatedDownloadCountCutsExactlyTheNextNDownloadsWhateverTheRate() {
        FaultSettings s = merge("{\"truncatedDownloadCount\":2}");

        assertThat(s.truncatedDownloadCount()).isEqualTo(2);
        assertThat(faults.truncateDownload()).isTrue();
        assertThat(faults.current().truncatedDownloadCount()).isEqualTo(1);
        assertThat(faults.truncateDownload()).isTrue();
        assertThat(faults.truncateDownload()).isFalse();
        assertThat(faults.current().truncatedDownloadCount()).isZero();
    }

    @Test
    void settingsWithoutTheTruncationKnobKeepItOff() {
        faults.set(new FaultSettings(0.5, 0, 0, 0, 5, 0, null, 0, 5, 0, 0, 0));

        assertThat(faults.current().powerBiErrorRate()).isEqualTo(0.5);
        assertThat(faults.truncateDownload()).isFalse();
    }
}
