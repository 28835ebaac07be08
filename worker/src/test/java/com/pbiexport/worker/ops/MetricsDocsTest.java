package com.pbiexport.worker.ops;

import com.pbiexport.worker.metrics.MeterCatalogue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Metrics table follows the catalogue: every meter, by its Prometheus name, type and tags. */
class MetricsDocsTest {
    @Test
    void readmeListsEveryCatalogueMeterWithItsTags() throws IOException {
        String readme = Files.readString(Tool.repoRoot().resolve("README.md"));
        for (MeterCatalogue m : MeterCatalogue.values()) {
            String tags = m.tags().isEmpty() ? "-" : String.join(", ", m.tags());
            assertThat(readme).as("README row of %s", m).contains("| `" + m.prometheusName() + "` |")
                    .contains("| `" + m.prometheusName() + "` | ")
                    .containsPattern("\\| `" + m.prometheusName() + "` \\| [a-z]+ \\| " + java.util.regex.Pattern.quote(tags)
                            + " \\| " + java.util.regex.Pattern.quote(m.description()) + " \\|");
        }
    }

    @Test
    void prometheusNamesFollowMicrometersConvention() {
        assertThat(MeterCatalogue.OUTCOMES.prometheusName()).isEqualTo("pbiexport_outcomes_total");
        assertThat(MeterCatalogue.BYTES_STORED.prometheusName()).isEqualTo("pbiexport_storage_stored_bytes_total");
        assertThat(MeterCatalogue.TOKEN_EXPIRY.prometheusName()).isEqualTo("pbiexport_token_expiry_seconds");
        assertThat(MeterCatalogue.PHASE_DURATION.prometheusName()).isEqualTo("pbiexport_export_phase_duration_seconds");
    }
}
