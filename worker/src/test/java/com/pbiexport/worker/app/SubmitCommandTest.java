package com.pbiexport.worker.app;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.ExportRequested;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code submit}'s flags, parsed by picocli as on the command line, turned into a request. */
class SubmitCommandTest {
    private static final String WORKSPACE = "3d5e0000-0000-4000-a000-000000000001";
    private static final String REPORT = "7e000000-0000-4000-a000-000000000001";

    private static SubmitCommand.Flags flags(String... args) {
        SubmitCommand command = new SubmitCommand();
        new CommandLine(command).parseArgs(args);
        assertThat(command.source.file).isNull();
        return command.source.flags;
    }

    private static ExportRequested request(String... args) {
        return SubmitCommand.fromFlags(flags(args));
    }

    @Test
    void buildsARequestFromTheRequiredFlags() {
        ExportRequested r = request("--tenant", "contoso", "--workspace", WORKSPACE, "--report", REPORT,
                "--format", "PDF", "--request-id", "r-1");

        assertThat(r.requestId()).isEqualTo("r-1");
        assertThat(r.tenant()).isEqualTo("contoso");
        assertThat(r.workspaceId()).isEqualTo(WORKSPACE);
        assertThat(r.reportId()).isEqualTo(REPORT);
        assertThat(r.format()).isEqualTo("PDF");
        assertThat(r.powerBIReportConfiguration()).isNull();
        assertThat(r.paginatedReportConfiguration()).isNull();
        assertThat(r.output()).isNull();
        assertThat(r.notAfter()).isNull();
        assertThat(r.attributes()).isEmpty();
    }

    @Test
    void generatesAUuidRequestIdWhenNoneIsGiven() {
        ExportRequested r = request("--tenant", "contoso", "--workspace", WORKSPACE, "--report", REPORT, "--format", "PNG");

        assertThat(UUID.fromString(r.requestId())).isNotNull();
        assertThat(request("--tenant", "contoso", "--workspace", WORKSPACE, "--report", REPORT, "--format", "PNG")
                .requestId()).isNotEqualTo(r.requestId());
    }

    @Test
    void turnsRepeatedPagesIntoAPowerBiReportConfiguration() {
        ExportRequested r = request("--tenant", "contoso", "--workspace", WORKSPACE, "--report", REPORT,
                "--format", "PNG", "--page", "ReportSection1", "--page", "ReportSection2");

        assertThat(r.powerBIReportConfiguration().toString())
                .isEqualTo("{\"pages\":[{\"pageName\":\"ReportSection1\"},{\"pageName\":\"ReportSection2\"}]}");
    }

    @Test
    void turnsParametersIntoAPaginatedConfigurationInTheGivenOrder() {
        ExportRequested r = request("--tenant", "fabrikam", "--workspace", WORKSPACE, "--report", REPORT,
                "--format", "XLSX", "--param", "State=WA", "--param", "City=Seattle");

        assertThat(r.paginatedReportConfiguration().toString()).isEqualTo("{\"parameterValues\":["
                + "{\"name\":\"State\",\"value\":\"WA\"},{\"name\":\"City\",\"value\":\"Seattle\"}]}");
    }

    @Test
    void carriesFileNameDeadlineAndAttributes() {
        ExportRequested r = request("--tenant", "contoso", "--workspace", WORKSPACE, "--report", REPORT,
                "--format", "PDF", "--file-name", "board-pack", "--not-after", "2026-12-01T12:00:00Z",
                "--attribute", "batch=nightly", "--attribute", "owner=finance");

        assertThat(r.output().fileName()).isEqualTo("board-pack");
        assertThat(r.output().sink()).isNull();
        assertThat(r.notAfter()).isEqualTo(Instant.parse("2026-12-01T12:00:00Z"));
        assertThat(r.attributes()).containsEntry("batch", "nightly").containsEntry("owner", "finance").hasSize(2);
    }

    @Test
    void refusesAFormatPowerBiDoesNotKnowNamingTheFlag() {
        SubmitCommand.Flags f = flags("--tenant", "contoso", "--workspace", WORKSPACE, "--report", REPORT,
                "--format", "pdf");

        assertThatThrownBy(() -> SubmitCommand.fromFlags(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--format 'pdf' is not a Power BI export format");
    }

    @Test
    void requiresTheIdentifyingFlagsTogether() {
        assertThatThrownBy(() -> flags("--tenant", "contoso", "--format", "PDF"))
                .isInstanceOf(CommandLine.MissingParameterException.class)
                .hasMessageContaining("--workspace").hasMessageContaining("--report");
    }

    @Test
    void takesEitherAFileOrFlagsNotBoth() {
        assertThatThrownBy(() -> new CommandLine(new SubmitCommand()).parseArgs("--file", "request.json",
                "--tenant", "contoso", "--workspace", WORKSPACE, "--report", REPORT, "--format", "PDF"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void marksTheRecordAsABinaryModeCloudEventOfTypeRequested() {
        RecordHeaders h = SubmitCommand.requestHeaders("r-9");

        assertThat(new String(h.lastHeader(CloudEventHeaders.TYPE).value(), StandardCharsets.UTF_8))
                .isEqualTo(CloudEventHeaders.TYPE_REQUESTED);
        assertThat(new String(h.lastHeader(CloudEventHeaders.SPECVERSION).value(), StandardCharsets.UTF_8))
                .isEqualTo("1.0");
        assertThat(new String(h.lastHeader(CloudEventHeaders.SUBJECT).value(), StandardCharsets.UTF_8)).isEqualTo("r-9");
        assertThat(h.lastHeader(CloudEventHeaders.ID)).isNotNull();
    }
}
