package com.pbiexport.worker.publish;

import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportError;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.contracts.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeEventsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:05:00Z");

    private static byte[] json(Object event) {
        return EventCodec.shared().write(event);
    }

    @Test
    void mapsAStoredResultOntoExportCompleted() {
        ExportCompleted c = (ExportCompleted) OutcomeEvents.from(Outcomes.stored("r-1"), NOW);

        assertThat(c.requestId()).isEqualTo("r-1");
        assertThat(c.tenant()).isEqualTo("contoso");
        assertThat(c.format()).isEqualTo("PDF");
        assertThat(c.file().uri()).isEqualTo("file:///exports/contoso/2026-03-01/r-1.pdf");
        assertThat(c.file().sizeBytes()).isEqualTo(1234);
        assertThat(c.file().sha256()).isEqualTo(Outcomes.SHA);
        assertThat(c.file().fileName()).isEqualTo("r-1.pdf");
        assertThat(c.exportId()).isEqualTo("export-1");
        assertThat(c.powerBiRequestIds()).containsExactly("pbi-req-1", "pbi-req-2");
        assertThat(c.timings().renderMs()).isEqualTo(2000);
        assertThat(c.timings().totalMs()).isEqualTo(2310);
        assertThat(c.attempts()).isEqualTo(1);
        assertThat(c.completedAt()).isEqualTo(NOW);
        assertThat(c.attributes()).containsEntry("batch", "nightly");
    }

    @Test
    void mapsEveryDiagnosisFieldOntoTheError() {
        Diagnosis d = Diagnosis.of(ErrorCode.AUTH_SECRET_EXPIRED, "AADSTS7000222: the secret expired")
                .withHttpStatus(401).withAadsts(7000222);

        ExportError e = OutcomeEvents.error(d);

        assertThat(e.code()).isEqualTo("AUTH_SECRET_EXPIRED");
        assertThat(e.category()).isEqualTo(ErrorCode.AUTH_SECRET_EXPIRED.category());
        assertThat(e.retryable()).isFalse();
        assertThat(e.message()).isEqualTo("AADSTS7000222: the secret expired");
        assertThat(e.remediation()).isEqualTo(ErrorCode.AUTH_SECRET_EXPIRED.remediation());
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.aadsts()).isEqualTo(7000222);
        assertThat(e.powerBiErrorCode()).isNull();
    }

    @Test
    void aRejectionRanNoExport() {
        ExportFailed f = OutcomeEvents.rejected(Outcomes.request("r-2"), Diagnosis.invalid("bad"), NOW);

        assertThat(f.attempts()).isZero();
        assertThat(f.exportId()).isNull();
        assertThat(f.tenant()).isEqualTo("contoso");
        assertThat(f.failedAt()).isEqualTo(NOW);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeMakesASchemaValidFailure(ErrorCode code) {
        ExportFailed f = OutcomeEvents.rejected(Outcomes.request("r-" + code), Diagnosis.of(code, "what happened"), NOW);

        assertThat(ContractSchemas.problems("ExportFailed", json(f))).isEmpty();
    }

    @Test
    void aRequestRejectedForTooManyAttributesStillGetsASchemaValidFailure() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 51; i++) {
            many.put("k" + i, "v");
        }
        ExportRequested r = ExportRequested.builder("r-7", "contoso", Outcomes.WORKSPACE, Outcomes.REPORT,
                com.pbiexport.contracts.ExportFormat.PDF).attributes(many).build();

        ExportFailed f = OutcomeEvents.rejected(r, Diagnosis.of(ErrorCode.INVALID_ATTRIBUTES, "too many"), NOW);

        assertThat(ContractSchemas.problems("ExportFailed", json(f))).isEmpty();
    }

    @Test
    void aRequestRejectedForAnOverlongFieldStillGetsASchemaValidFailure() {
        ExportRequested r = ExportRequested.builder("r-8", "t".repeat(2000), Outcomes.WORKSPACE, Outcomes.REPORT,
                com.pbiexport.contracts.ExportFormat.PDF).attributes(Map.of("note", "x".repeat(1025))).build();

        ExportFailed f = OutcomeEvents.rejected(r, Diagnosis.of(ErrorCode.INVALID_UNKNOWN_TENANT, "unknown"), NOW);

        assertThat(ContractSchemas.problems("ExportFailed", json(f))).isEmpty();
    }
}
