package com.pbiexport.worker.powerbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every error body shape Power BI (and the gateways in front of it) is known to send. */
class ErrorBodyTest {

    final ObjectMapper json = new ObjectMapper();

    ErrorBody parse(String body) {
        return ErrorBody.parse(body.getBytes(StandardCharsets.UTF_8), json);
    }

    @Test
    void readsErrorCodeAndMessage() {
        assertThat(parse("{\"error\":{\"code\":\"TokenExpired\",\"message\":\"Access token has expired\"}}"))
                .isEqualTo(new ErrorBody("TokenExpired", "Access token has expired"));
    }

    @Test
    void readsTheOuterCodeAndMentionsADifferentPbiErrorCode() {
        assertThat(parse("{\"error\":{\"code\":\"PowerBINotAuthorizedException\","
                + "\"pbi.error\":{\"code\":\"PowerBIFeatureDisabled\",\"parameters\":{}}}}"))
                .isEqualTo(new ErrorBody("PowerBINotAuthorizedException", "pbi.error.code PowerBIFeatureDisabled",
                        "PowerBIFeatureDisabled", null));
    }

    @Test
    void fallsBackToThePbiErrorCodeWhenTheOuterOneIsMissing() {
        assertThat(parse("{\"error\":{\"pbi.error\":{\"code\":\"ExportData_DisabledForTenant\"}}}").code())
                .isEqualTo("ExportData_DisabledForTenant");
    }

    @Test
    void readsTopLevelCodeAndMessage() {
        assertThat(parse("{\"code\":\"InvalidRequest\",\"message\":\"Pages count exceeds 50\"}"))
                .isEqualTo(new ErrorBody("InvalidRequest", "Pages count exceeds 50"));
    }

    @Test
    void readsACapitalisedMessageWithoutCode() {
        assertThat(parse("{\"Message\":\"An error has occurred.\"}"))
                .isEqualTo(new ErrorBody(null, "An error has occurred."));
    }

    @Test
    void readsOAuthStyleErrors() {
        assertThat(parse("{\"error\":\"invalid_token\",\"error_description\":\"bad audience\"}"))
                .isEqualTo(new ErrorBody("invalid_token", "bad audience"));
    }

    @Test
    void describesAnEmptyBody() {
        assertThat(ErrorBody.parse(new byte[0], json)).isEqualTo(new ErrorBody(null, "(empty body)"));
    }

    @Test
    void keepsAShortOneLineExcerptOfHtml() {
        ErrorBody error = parse("<html>\n  <body>502 Bad Gateway</body>\n</html>" + "x".repeat(500));
        assertThat(error.code()).isNull();
        assertThat(error.message()).startsWith("non-JSON body: <html> <body>502 Bad Gateway</body> </html>xx")
                .hasSize("non-JSON body: ".length() + 203);
    }
}
