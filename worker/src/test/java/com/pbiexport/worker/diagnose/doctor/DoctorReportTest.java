package com.pbiexport.worker.diagnose.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.contracts.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorReportTest {
    private static final DoctorReport FAILED = new DoctorReport("tenant 'contoso'", List.of(
            CheckResult.pass(DoctorCheck.CREDENTIALS, "client secret inline"),
            CheckResult.fail(DoctorCheck.TOKEN, Diagnosis.of(ErrorCode.AUTH_SECRET_EXPIRED, "AADSTS7000222: expired"),
                    "evidence \"quoted\""),
            CheckResult.skip(DoctorCheck.TOKEN_CLAIMS, "not checked: 'token' failed first")));

    @Test
    void jsonIsOneObjectWithOkAndChecksOfExactlyNameStatusDetailFix() throws Exception {
        JsonNode json = new ObjectMapper().readTree(FAILED.toJson());

        assertThat(names(json)).containsExactly("ok", "checks");
        assertThat(json.get("ok").isBoolean()).isTrue();
        assertThat(json.get("ok").asBoolean()).isFalse();
        for (JsonNode c : json.get("checks")) {
            assertThat(names(c)).containsExactly("name", "status", "detail", "fix");
        }
        JsonNode token = json.get("checks").get(1);
        assertThat(token.get("name").asText()).isEqualTo("token");
        assertThat(token.get("status").asText()).isEqualTo("fail");
        assertThat(token.get("detail").asText())
                .isEqualTo("AUTH_SECRET_EXPIRED: AADSTS7000222: expired. evidence \"quoted\"");
        assertThat(token.get("fix").asText()).isEqualTo(ErrorCode.AUTH_SECRET_EXPIRED.remediation());
        assertThat(json.get("checks").get(0).get("fix").asText()).isEmpty();
        assertThat(json.get("checks").get(2).get("status").asText()).isEqualTo("skip");
        assertThat(FAILED.toJson()).doesNotContain("\n");
    }

    @Test
    void aReportWithAFailureExitsWithOneAndOneWithOnlyPassesAndSkipsWithZero() {
        assertThat(FAILED.ok()).isFalse();
        assertThat(FAILED.exitCode()).isEqualTo(1);
        DoctorReport fine = new DoctorReport("t", List.of(CheckResult.pass(DoctorCheck.CREDENTIALS, "ok"),
                CheckResult.skip(DoctorCheck.TRIAL, "not requested")));
        assertThat(fine.ok()).isTrue();
        assertThat(fine.exitCode()).isZero();
        assertThat(fine.toText()).endsWith("OK: every requested check passed.\n");
    }

    @Test
    void checklistShowsEveryCheckAndTheFixUnderTheFailure() {
        String text = FAILED.toText();

        assertThat(text.lines().toList()).containsExactly(
                "doctor: tenant 'contoso'",
                "  [pass] credentials   client secret inline",
                "  [FAIL] token         AUTH_SECRET_EXPIRED: AADSTS7000222: expired. evidence \"quoted\"",
                "                       fix: " + ErrorCode.AUTH_SECRET_EXPIRED.remediation(),
                "  [skip] token-claims  not checked: 'token' failed first",
                "NOT OK: the first broken link is 'token' (AUTH_SECRET_EXPIRED); fix it and run doctor again.");
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
