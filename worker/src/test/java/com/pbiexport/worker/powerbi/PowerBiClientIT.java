package com.pbiexport.worker.powerbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.worker.auth.AccessToken;
import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.auth.TokenSource;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real msal4j against the devstack's Entra simulator and the Power BI client against its simulated REST API,
 * end to end: token, start, poll (honouring Retry-After), download.
 */
class PowerBiClientIT {

    static final String POWER_BI_SCOPE = "https://analysis.windows.net/powerbi/api/.default";
    static final Clock CLOCK = Clock.systemUTC();
    static DevStack stack;

    @BeforeAll
    static void start() {
        stack = DevStack.builder().kafka(false).start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static TenantCredentials tenant(String alias, String secret, String scope) {
        DevStack.Defaults d = stack.defaults();
        return new TenantCredentials(alias, d.tenantId(), d.clientId(), URI.create("https://login.microsoftonline.com/"),
                scope, new CredentialSource.Secret(() -> secret), Optional.of(URI.create(stack.entraUrl())));
    }

    static TokenService tokens(TenantCredentials tenant) {
        return TokenService.create(List.of(tenant), TokenPolicy.defaults(), CLOCK);
    }

    static PowerBiClient client(TokenSource tokens) {
        return new PowerBiClient(new PowerBiEndpoint(URI.create(stack.powerBiUrl())), tokens,
                PowerBiHttpSettings.defaults(), CLOCK);
    }

    @Test
    void exportsAReportToPdfEndToEnd() throws Exception {
        DevStack.Defaults d = stack.defaults();
        ExportTarget target = new ExportTarget(d.workspaceId(), d.reportId());
        try (TokenService service = tokens(tenant("contoso", d.clientSecret(), POWER_BI_SCOPE));
             PowerBiClient client = client(service.forTenant("contoso"))) {

            ApiResponse<ExportJob> started = client.startExport(target,
                    new ObjectMapper().readTree("{\"format\":\"PDF\"}"));
            assertThat(started.status()).isEqualTo(202);

            ExportJob job = started.value();
            Instant deadline = CLOCK.instant().plusSeconds(30);
            int polls = 0;
            while (!job.status().isTerminal()) {
                assertThat(CLOCK.instant()).as("export finished in time").isBefore(deadline);
                ApiResponse<ExportJob> poll = client.getExportStatus(target, job.id());
                polls++;
                job = poll.value();
                Duration wait = poll.retryAfter().orElse(Duration.ofMillis(500));
                if (!job.status().isTerminal()) {
                    await().pollDelay(wait).atMost(wait.plusSeconds(1)).until(() -> true); // honour Retry-After
                }
            }
            assertThat(job.status()).isEqualTo(new ExportStatus.Succeeded());
            assertThat(polls).isPositive();

            ApiResponse<byte[]> file = client.downloadFile(target, job, body -> {
                assertThat(body.fileExtension()).isEqualTo(".pdf");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                body.stream().transferTo(out);
                return out.toByteArray();
            });
            assertThat(new String(file.value(), StandardCharsets.ISO_8859_1)).startsWith("%PDF-");
        }
    }

    @Test
    void readsTheReportAndItsWorkspaceCapacity() {
        DevStack.Defaults d = stack.defaults();
        try (TokenService service = tokens(tenant("contoso", d.clientSecret(), POWER_BI_SCOPE));
             PowerBiClient client = client(service.forTenant("contoso"))) {

            ReportInfo paginated = client.getReport(d.workspaceId(), d.paginatedReportId()).value();
            List<GroupInfo> groups = client.listGroups("id eq '" + d.workspaceId() + "'").value();

            assertThat(paginated.isPaginated()).isTrue();
            assertThat(groups).singleElement().satisfies(g -> {
                assertThat(g.id()).isEqualTo(d.workspaceId());
                assertThat(g.isOnDedicatedCapacity()).isTrue();
                assertThat(g.capacityId()).isPresent();
            });
        }
    }

    @Test
    void aGraphAudienceTokenIsRejectedByPowerBi() {
        DevStack.Defaults d = stack.defaults();
        try (TokenService service = tokens(tenant("graph", d.clientSecret(), "https://graph.microsoft.com/.default"));
             PowerBiClient client = client(service.forTenant("graph"))) {

            assertThatThrownBy(() -> client.getReport(d.workspaceId(), d.reportId()))
                    .isInstanceOfSatisfying(PowerBiException.class, e -> {
                        PowerBiFailure.Http http = (PowerBiFailure.Http) e.failure();
                        assertThat(http.status()).isIn(401, 403);
                        assertThat(http.errorCode()).isNotBlank();
                    });
        }
    }

    @Test
    void aWrongSecretIsRejectedWithItsAadstsCode() {
        try (TokenService service = tokens(tenant("wrong", "not-the-secret", POWER_BI_SCOPE))) {
            assertThatThrownBy(() -> service.forTenant("wrong").token())
                    .isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
                        assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.REJECTED);
                        assertThat(e.failure().aadsts()).contains(7000215);
                        assertThat(e.failure().oauthError()).contains("invalid_client");
                        assertThat(e.getMessage()).doesNotContain("not-the-secret");
                    });
        }
    }

    @Test
    void fiftyConcurrentJobsOfATenantCauseOneTokenRequest() throws Exception {
        DevStack.Defaults d = stack.defaults();
        long before = stack.counters().get("tokenRequests." + d.tenantId());
        ExecutorService jobs = Executors.newFixedThreadPool(50);
        try (TokenService service = tokens(tenant("contoso", d.clientSecret(), POWER_BI_SCOPE))) {
            TokenSource source = service.forTenant("contoso");
            List<Future<AccessToken>> tokens = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                tokens.add(jobs.submit(source::token));
            }
            for (Future<AccessToken> t : tokens) {
                assertThat(t.get(20, TimeUnit.SECONDS).value()).isNotBlank();
            }
        } finally {
            jobs.shutdownNow();
        }
        assertThat(stack.counters().get("tokenRequests." + d.tenantId()) - before).isEqualTo(1);
    }
}
