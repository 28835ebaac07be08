package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PowerBiCallTest {

    @Test
    void readsTheCallNamesThePowerBiClientPutsInItsFailures() {
        assertThat(PowerBiCall.fromWireName("start")).contains(PowerBiCall.START);
        assertThat(PowerBiCall.fromWireName("poll")).contains(PowerBiCall.POLL);
        assertThat(PowerBiCall.fromWireName("download")).contains(PowerBiCall.DOWNLOAD);
        assertThat(PowerBiCall.fromWireName("getReport")).contains(PowerBiCall.GET_REPORT);
        assertThat(PowerBiCall.fromWireName("listGroups")).contains(PowerBiCall.LIST_GROUPS);
        assertThat(PowerBiCall.fromWireName("listGroupsAsAdmin")).contains(PowerBiCall.LIST_GROUPS_AS_ADMIN);
        assertThat(PowerBiCall.fromWireName("listCapacities")).contains(PowerBiCall.LIST_CAPACITIES);
        assertThat(PowerBiCall.fromWireName("somethingElse")).isEmpty();
    }

    @Test
    void withoutACallFromTheCallerTheFailuresOwnNameDecidesWhetherA404IsAnExpiredFile() {
        ClassificationContext expired = ClassificationContext.empty()
                .withExportExpiresAt(Instant.parse("2020-01-01T00:00:00Z"));
        Classifier classifier = new Classifier();

        assertThat(classifier.classify(http("download"), expired).code()).isEqualTo(ErrorCode.FILE_EXPIRED);
        assertThat(classifier.classify(http("getReport"), expired).code()).isEqualTo(ErrorCode.PBI_NOT_FOUND);
    }

    @Test
    void theCallersNameForTheCallWinsInTheMessage() {
        Diagnosis d = new Classifier().classify(http("getReport"), ClassificationContext.empty()
                .withOperation(PowerBiCall.GET_MY_WORKSPACE_REPORT).withMyWorkspaceRoute(true));

        assertThat(d.message()).startsWith("Power BI getReport (My workspace) answered HTTP 404");
    }

    private static PowerBiFailure.Http http(String operation) {
        return new PowerBiFailure.Http(operation, 404, "PowerBIEntityNotFound", null, Optional.empty(),
                Optional.empty());
    }
}
