package com.pbiexport.worker.diagnose.doctor;

import com.pbiexport.worker.diagnose.ClassificationContext.ReportType;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.TokenClaims;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classifier entry points the doctor uses before any call fails ({@code classifyAudience},
 * {@code classifyFormat}) give the same code as the classifier gives the worker for Power BI's answer to that cause.
 */
class SharedVerdictsTest {
    private static final String PUBLIC = "https://analysis.windows.net/powerbi/api";
    private static final String US_GOV = "https://analysis.usgovcloudapi.net/powerbi/api";
    private final Classifier classifier = new Classifier();

    @Test
    void audienceVerdictsMatchTheVerdictsOnA401() {
        assertSame("https://graph.microsoft.com", PUBLIC, ErrorCode.TOKEN_AUDIENCE_GRAPH);
        assertSame("00000003-0000-0000-c000-000000000000", PUBLIC, ErrorCode.TOKEN_AUDIENCE_GRAPH);
        assertSame(US_GOV, PUBLIC, ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD);
        assertSame(PUBLIC, US_GOV, ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD);
        assertSame("api://something-else", PUBLIC, ErrorCode.TOKEN_AUDIENCE_UNEXPECTED);
        assertThat(classifier.classifyAudience(TokenClaims.ofAudience(PUBLIC + "/"), PUBLIC)).isEmpty();
    }

    private void assertSame(String aud, String expected, ErrorCode code) {
        TokenClaims claims = TokenClaims.ofAudience(aud);
        assertThat(classifier.classifyAudience(claims, expected)).get()
                .satisfies(d -> assertThat(d.code()).isEqualTo(code));
        PowerBiFailure.Http http401 = new PowerBiFailure.Http("start", 401, "PowerBINotAuthorizedException", "",
                Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(classifier.classify(http401, com.pbiexport.worker.diagnose.ClassificationContext.empty()
                .withTokenClaims(claims).withExpectedAudience(expected)).code()).isEqualTo(code);
    }

    @Test
    void formatVerdictsFollowTheReportType() {
        assertThat(classifier.classifyFormat("PDF", ReportType.POWER_BI_REPORT)).isEmpty();
        assertThat(classifier.classifyFormat("png", ReportType.POWER_BI_REPORT)).isEmpty();
        assertThat(classifier.classifyFormat("XLSX", ReportType.PAGINATED_REPORT)).isEmpty();
        assertThat(classifier.classifyFormat("PPTX", ReportType.PAGINATED_REPORT)).isEmpty();
        assertThat(classifier.classifyFormat("XLSX", ReportType.POWER_BI_REPORT)).get()
                .satisfies(d -> assertThat(d.code()).isEqualTo(ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE));
        assertThat(classifier.classifyFormat("PNG", ReportType.PAGINATED_REPORT)).get()
                .satisfies(d -> {
                    assertThat(d.code()).isEqualTo(ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE);
                    assertThat(d.message()).isEqualTo("PNG cannot be exported from a paginated report");
                });
        assertThat(classifier.classifyFormat("WORD", ReportType.POWER_BI_REPORT)).get()
                .satisfies(d -> assertThat(d.code()).isEqualTo(ErrorCode.INVALID_FORMAT));
    }
}
