package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

import com.pbiexport.worker.powerbi.PowerBiFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * X-PowerBI-Error-Info travels on the failure itself. Only values observed from the real service are read (see
 * {@link PowerBiCodes}); every other value is quoted and ignored, so a simulator's (or a future service's) invented
 * value can never produce a confident diagnosis without the worker's own evidence.
 */
class ErrorInfoHeaderTest {
    private final Classifier classifier = new Classifier();

    private static PowerBiFailure.Http withInfo(int status, String code, String info) {
        return new PowerBiFailure.Http("start", status, code, null, Optional.of("rid-1"), Optional.empty(),
                Optional.ofNullable(info));
    }

    @Test
    void tenantSwitchOffIsToldApartFromAGeneric401ByTheObservedHeader() {
        assertThat(classifier.classify(withInfo(401, "PowerBINotAuthorizedException",
                "ServicePrincipalIsNotAllowedByTenantAdminSwitch"), ClassificationContext.empty()).code())
                .isEqualTo(ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED);
        assertThat(classifier.classify(withInfo(401, "PowerBINotAuthorizedException", null),
                ClassificationContext.empty()).code()).isEqualTo(ErrorCode.PBI_UNAUTHORIZED);
    }

    @Test
    void contextErrorInfoWinsOverTheFailuresOwn() {
        ClassificationContext ctx = ClassificationContext.empty()
                .withErrorInfo("ServicePrincipalIsNotAllowedByTenantAdminSwitch");

        assertThat(classifier.classify(withInfo(401, "PowerBINotAuthorizedException", "SomethingElse"), ctx).code())
                .isEqualTo(ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED);
    }

    @Test
    void aReportNotFoundHeaderWithoutLookUpEvidenceIsNeverReportNotFound() {
        Diagnosis d = classifier.classify(withInfo(404, "PowerBIEntityNotFound", "ReportNotFound"),
                ClassificationContext.empty());

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_NOT_FOUND);
        assertThat(d.message()).contains("X-PowerBI-Error-Info=ReportNotFound (not a value Power BI is known to send");
    }

    @ParameterizedTest(name = "{0} decides nothing")
    @ValueSource(strings = {"WorkspaceNotFound", "ReportNotFound", "ProfileNotFound", "ExportNotFound",
            "ExportFileExpired", "ExportFileNotReady", "WorkspaceBelongsToAnotherTenant",
            "WorkspaceNotOnDedicatedCapacity", "CapacityNotActive", "PowerBIReportExportNotSupportedOnPremiumPerUser",
            "ExportFormatDisabledByTenantAdminSwitch", "ExportSensitivityLabeledReportNotSupportedForServicePrincipal"})
    void anInventedHeaderValueGivesTheSameCodeAsNoHeader(String invented) {
        for (int status : new int[] {401, 403, 404}) {
            ErrorCode without = classifier.classify(withInfo(status, null, null), ClassificationContext.empty()).code();
            ErrorCode with = classifier.classify(withInfo(status, null, invented), ClassificationContext.empty())
                    .code();

            assertThat(with).as("HTTP %d with %s", status, invented).isEqualTo(without);
        }
    }
}
