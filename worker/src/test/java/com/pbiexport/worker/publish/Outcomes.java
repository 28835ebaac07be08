package com.pbiexport.worker.publish;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.export.ExportJobSpec;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.storage.SinkResult;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Hand-built results for publisher tests. */
final class Outcomes {
    static final Instant RECEIVED = Instant.parse("2026-03-01T10:00:00Z");
    static final String WORKSPACE = "3d5e0000-0000-4000-a000-000000000001";
    static final String REPORT = "7e000000-0000-4000-a000-000000000001";
    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private Outcomes() {
    }

    static ExportRequested request(String requestId) {
        return ExportRequested.builder(requestId, "contoso", WORKSPACE, REPORT, ExportFormat.PDF)
                .attributes(Map.of("batch", "nightly")).build();
    }

    static ExportJobSpec spec(ExportRequested request) {
        return new ExportJobSpec(request, JsonNodeFactory.instance.objectNode().put("format", request.format()),
                "files", RECEIVED, Optional.empty());
    }

    static JobResult.Stored stored(String requestId) {
        return new JobResult.Stored(spec(request(requestId)),
                new SinkResult(URI.create("file:///exports/contoso/2026-03-01/" + requestId + ".pdf"), 1234, SHA,
                        "application/pdf", requestId + ".pdf"),
                "export-1", new JobResult.Timings(10, 2000, 300, 2310), 1, List.of("pbi-req-1", "pbi-req-2"));
    }

    static JobResult.Failed failed(String requestId, Diagnosis diagnosis) {
        return new JobResult.Failed(spec(request(requestId)), diagnosis, Optional.of("export-2"), 2, List.of("pbi-req-3"));
    }

    static Diagnosis notFound() {
        return Diagnosis.of(ErrorCode.PBI_REPORT_NOT_FOUND, "Power BI answered 404 PowerBIEntityNotFound")
                .withHttpStatus(404).withPowerBiErrorCode("PowerBIEntityNotFound").withPowerBiRequestId("pbi-req-3");
    }
}
