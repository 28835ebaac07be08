package com.pbiexport.worker.powerbi;

import com.pbiexport.devstack.sim.ShiftedClock;

import static org.assertj.core.api.Assertions.assertThat;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.worker.auth.AccessToken;
import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.auth.TokenSource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A token that the worker still believes valid but Power BI calls expired (clock skew, revoked, a long job):
 * the simulator's clock jumps two hours, Power BI answers 403 TokenExpired, and the client fetches a fresh token
 * through real msal4j and retries once.
 */
class TokenExpiryIT {


    @Test
    void aTokenExpiredAnswerMidJobRefreshesTheTokenAndRetriesOnce() {
        ShiftedClock simulatorClock = new ShiftedClock();
        try (DevStack stack = DevStack.builder().kafka(false).clock(simulatorClock).start()) {
            DevStack.Defaults d = stack.defaults();
            TenantCredentials tenant = new TenantCredentials("contoso", d.tenantId(), d.clientId(),
                    URI.create("https://login.microsoftonline.com/"), PowerBiClientIT.POWER_BI_SCOPE,
                    new CredentialSource.Secret(d::clientSecret), Optional.of(URI.create(stack.entraUrl())));
            try (TokenService service = TokenService.create(List.of(tenant), TokenPolicy.defaults(), Clock.systemUTC());
                 PowerBiClient client = new PowerBiClient(new PowerBiEndpoint(URI.create(stack.powerBiUrl())),
                         service.forTenant("contoso"), PowerBiHttpSettings.defaults(), Clock.systemUTC())) {
                TokenSource tokens = service.forTenant("contoso");
                assertThat(client.getReport(d.workspaceId(), d.reportId()).status()).isEqualTo(200);
                AccessToken first = tokens.token();
                long tokenRequests = stack.counters().get("tokenRequests." + d.tenantId());

                simulatorClock.shift(Duration.ofHours(2)); // the token's exp is now in the simulator's past

                ApiResponse<ReportInfo> report = client.getReport(d.workspaceId(), d.reportId());

                assertThat(report.status()).isEqualTo(200);
                assertThat(tokens.token().value()).isNotEqualTo(first.value());
                assertThat(stack.counters().get("tokenRequests." + d.tenantId()) - tokenRequests).isEqualTo(1);
            }
        }
    }
}
