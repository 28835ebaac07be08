package com.pbiexport.worker.powerbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tolerant reader of Power BI's {@code Export} object. */
class ExportJobTest {

    final ObjectMapper json = new ObjectMapper();

    ExportJob read(String body) throws Exception {
        return ExportJob.fromJson(json.readTree(body));
    }

    @Test
    void readsTheDocumentedExampleWithCapitalResourceFileExtension() throws Exception {
        ExportJob job = read("{\"id\":\"Mi9C\",\"createdDateTime\":\"2020-06-07T12:45:23.3145634Z\","
                + "\"lastActionDateTime\":\"2020-06-07T12:46:00Z\",\"reportId\":\"r1\",\"reportName\":\"Sales\","
                + "\"status\":\"Succeeded\",\"percentComplete\":100,"
                + "\"resourceLocation\":\"https://api.powerbi.com/v1.0/myorg/reports/r1/exports/Mi9C/file\","
                + "\"ResourceFileExtension\":\".pdf\",\"expirationTime\":\"2020-06-08T12:45:23.3145634Z\"}");

        assertThat(job.id()).isEqualTo("Mi9C");
        assertThat(job.status()).isEqualTo(new ExportStatus.Succeeded());
        assertThat(job.status().isTerminal()).isTrue();
        assertThat(job.reportName()).contains("Sales");
        assertThat(job.resourceFileExtension()).contains(".pdf");
        assertThat(job.resourceLocation()).hasValueSatisfying(l -> assertThat(l).endsWith("/file"));
        assertThat(job.createdDateTime()).contains(Instant.parse("2020-06-07T12:45:23.3145634Z"));
        assertThat(job.expirationTime()).contains(Instant.parse("2020-06-08T12:45:23.3145634Z"));
    }

    @Test
    void matchesPropertyNamesCaseInsensitively() throws Exception {
        ExportJob job = read("{\"ID\":\"e\",\"Status\":\"running\",\"PercentComplete\":55,"
                + "\"resourceFileExtension\":\"zip\"}");

        assertThat(job.id()).isEqualTo("e");
        assertThat(job.status()).isEqualTo(new ExportStatus.Running(55));
        assertThat(job.resourceFileExtension()).contains(".zip");
    }

    @Test
    void toleratesMissingAndExtraFields() throws Exception {
        ExportJob job = read("{\"id\":\"e\",\"somethingNew\":{\"nested\":[1,2]},\"reportId\":null}");

        assertThat(job.status()).isEqualTo(new ExportStatus.Unknown(""));
        assertThat(job.percentComplete()).isZero();
        assertThat(job.reportId()).isEmpty();
        assertThat(job.resourceLocation()).isEmpty();
        assertThat(job.createdDateTime()).isEmpty();
    }

    @Test
    void keepsUnknownStatusValuesAndReadsUndefined() throws Exception {
        assertThat(read("{\"id\":\"e\",\"status\":\"Queued\"}").status()).isEqualTo(new ExportStatus.Unknown("Queued"));
        assertThat(read("{\"id\":\"e\",\"status\":\"Undefined\"}").status()).isEqualTo(new ExportStatus.Undefined());
        assertThat(read("{\"id\":\"e\",\"status\":\"NotStarted\"}").status().isTerminal()).isFalse();
        assertThat(read("{\"id\":\"e\",\"status\":\"Failed\"}").status()).isEqualTo(new ExportStatus.Failed());
    }

    @Test
    void readsNumbersSentAsStringsAndClampsPercent() throws Exception {
        assertThat(read("{\"id\":\"e\",\"status\":\"Running\",\"percentComplete\":\"130\"}").status())
                .isEqualTo(new ExportStatus.Running(100));
        assertThat(read("{\"id\":\"e\",\"percentComplete\":\"lots\"}").percentComplete()).isZero();
    }

    @Test
    void unparsableTimestampsAreEmptyAndOffsetlessOnesAreUtc() throws Exception {
        ExportJob job = read("{\"id\":\"e\",\"createdDateTime\":\"yesterday\","
                + "\"expirationTime\":\"2020-06-08T12:45:23\"}");
        assertThat(job.createdDateTime()).isEmpty();
        assertThat(job.expirationTime()).isEqualTo(Optional.of(Instant.parse("2020-06-08T12:45:23Z")));
    }

    @Test
    void rejectsAnAnswerWithoutId() {
        assertThatThrownBy(() -> read("{\"status\":\"Running\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the Export object has no id");
        assertThatThrownBy(() -> read("[]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("expected an Export JSON object");
    }
}
