package com.pbiexport.worker.ops;

import com.pbiexport.worker.it.ScenarioIds;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.LoggingSettings;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code logging.json: true} on a real worker: every log line is one JSON object, and the lines an export job logs
 * carry its requestId, tenant alias and Power BI export id in the MDC. The devstack makes the export fail busy once
 * (Failed with Retry-After), which the export stage logs while it restarts the export.
 */
class JsonLogsIT {
    @Test
    void jobLinesAreJsonWithRequestIdTenantAndExportId() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String requestId = "json-logs-" + System.nanoTime();
        try (WorkerHarness harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(100))) {
            harness.faults("{\"exportBusyFailures\":1}");
            try (Lane lane = harness.lane("jsonlogs", c -> c.withLogging(new LoggingSettings(true)))) {
                System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
                lane.startWorker();
                Outcome o = lane.publishAndAwait(ExportRequested.builder(requestId, DemoStack.CONTOSO,
                        ScenarioIds.SALES_WS, ScenarioIds.SALES_REPORT, ExportFormat.PDF).build(), Duration.ofSeconds(90));
                assertThat(o.isCompleted()).as(o.describe()).isTrue();
            } finally {
                System.setErr(originalErr);
                restorePatternLogging();
            }
        }
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                lines.add(json.readTree(line));
            }
        }
        assertThat(lines).as("JSON log lines").isNotEmpty();
        List<JsonNode> jobLines = lines.stream()
                .filter(l -> requestId.equals(l.path("mdc").path("requestId").asText())).toList();
        assertThat(jobLines).as("lines of the job (MDC requestId)").isNotEmpty();
        for (JsonNode l : jobLines) {
            assertThat(l.path("mdc").path("tenant").asText()).isEqualTo(DemoStack.CONTOSO);
            assertThat(l.path("mdc").path("exportId").asText()).as(l.toString()).isNotBlank();
            assertThat(l.path("level").asText()).isNotBlank();
            assertThat(l.path("loggerName").asText()).startsWith("com.pbiexport");
        }
        assertThat(jobLines).anySatisfy(l -> assertThat(l.path("formattedMessage").asText()).contains("failed busy"));
    }

    /** JSON logging switched the JVM-wide Logback configuration: put the test configuration back. */
    private static void restorePatternLogging() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }
}
