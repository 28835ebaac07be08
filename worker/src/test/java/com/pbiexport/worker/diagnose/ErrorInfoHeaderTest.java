package com.pbiexport.worker.diagnose;

import com.pbiexport.worker.powerbi.PowerBiFailure;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The X-PowerBI-Error-Info header travels on the failure itself, so the worker needs no extra context. */
class ErrorInfoHeaderTest {
    private final Classifier classifier = new Classifier();

    @Test
    void tenantSwitchOffIsToldApartFromAGeneric401ByTheErrorInfoHeader() {
        PowerBiFailure.Http withInfo = new PowerBiFailure.Http("start", 401, "PowerBINotAuthorizedException", null,
                Optional.of("rid-1"), Optional.empty(), Optional.of("ServicePrincipalIsNotAllowedByTenantAdminSwitch"));
        PowerBiFailure.Http without = new PowerBiFailure.Http("start", 401, "PowerBINotAuthorizedException", null,
                Optional.of("rid-2"), Optional.empty());

        assertThat(classifier.classify(withInfo, ClassificationContext.empty()).code())
                .isEqualTo(ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED);
        assertThat(classifier.classify(without, ClassificationContext.empty()).code())
                .isEqualTo(ErrorCode.PBI_UNAUTHORIZED);
    }

    @Test
    void contextErrorInfoWinsOverTheFailuresOwn() {
        PowerBiFailure.Http h = new PowerBiFailure.Http("start", 401, "PowerBINotAuthorizedException", null,
                Optional.empty(), Optional.empty(), Optional.of("SomethingElse"));
        ClassificationContext ctx = ClassificationContext.empty()
                .withErrorInfo("ServicePrincipalIsNotAllowedByTenantAdminSwitch");

        assertThat(classifier.classify(h, ctx).code()).isEqualTo(ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED);
    }
}
