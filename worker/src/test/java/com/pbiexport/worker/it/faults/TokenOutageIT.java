package com.pbiexport.worker.it.faults;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.it.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static com.pbiexport.worker.it.ScenarioIds.CONTOSO_TENANT_ID;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #7, Faults: the token endpoint answers 503 for far longer than the cached token has left (tokens live
 * {@value #TOKEN_LIFETIME_SECONDS} s, the outage lasts {@value #OUTAGE_SECONDS} s), then comes back. Requests
 * published once the cached token has expired either wait for the endpoint and complete (deadline after the
 * outage) or fail as expired (deadline inside the outage); none is lost, and the same worker instance serves new
 * requests afterwards.
 */
class TokenOutageIT {
    private static final Logger log = LoggerFactory.getLogger(TokenOutageIT.class);
    static final long TOKEN_LIFETIME_SECONDS = 6;
    static final long OUTAGE_SECONDS = Long.getLong("faults.tokenOutageSeconds", 40);
    static final int SHORT_DEADLINE = 4;
    static final int LONG_DEADLINE = 8;
    static final int AFTER = 4;

    @TempDir
    Path output;

    @Test
    void requestsWaitOrExpirePerTheirDeadlineAndTheWorkerRecoversWhenTheEndpointReturns() {
        try (DevStack stack = DevStack.builder().scenario(Scenario.defaultScenario()
                        .withTokenLifetimeSeconds(TOKEN_LIFETIME_SECONDS).withPageRenderMillis(500)).kafka(true).start();
             FaultRig rig = FaultRig.open(stack.kafka().orElseThrow(), stack, "token", output, UnaryOperator.identity())) {
            Counters counters = stack.counters();
            rig.startWorker();
            String warm = rig.publish(request("warm", 0, null));
            assertThat(rig.await(List.of(warm), Duration.ofSeconds(30), Duration.ZERO).completed()).isEqualTo(1);

            Instant outageStart = Instant.now();
            Instant outageEnd = outageStart.plusSeconds(OUTAGE_SECONDS);
            stack.faults().merge(("{\"entraOutageUntil\":\"" + outageEnd + "\"}").getBytes(StandardCharsets.UTF_8));
            long tokenErrorsBefore = counters.get("tokenErrors");
            // let the cached token run out: from here on no request can be served until the endpoint is back
            await().pollDelay(Duration.ofSeconds(TOKEN_LIFETIME_SECONDS + 1))
                    .atMost(Duration.ofSeconds(TOKEN_LIFETIME_SECONDS + 2)).until(() -> true);

            Instant publishedAt = Instant.now();
            List<String> shortIds = new ArrayList<>();
            List<String> longIds = new ArrayList<>();
            for (int i = 0; i < SHORT_DEADLINE; i++) {
                shortIds.add(rig.publish(request("short", i, Instant.now().plusSeconds(4))));
            }
            for (int i = 0; i < LONG_DEADLINE; i++) {
                longIds.add(rig.publish(request("long", i, Instant.now().plusSeconds(OUTAGE_SECONDS + 60))));
            }
            List<String> all = new ArrayList<>(shortIds);
            all.addAll(longIds);
            Tally during = rig.await(all, Duration.ofSeconds(OUTAGE_SECONDS + 30), Duration.ZERO);

            List<String> after = new ArrayList<>();
            for (int i = 0; i < AFTER; i++) {
                after.add(rig.publish(request("after", i, null)));
            }
            all.addAll(after);
            Tally tally = rig.await(all, Duration.ofSeconds(30), Duration.ofSeconds(2));
            log.info("RELIABILITY token-outage: {} ({} s outage, {} s tokens, requests published {} s into it;"
                            + " token requests refused during the outage: {}, token requests in all: {})",
                    tally, OUTAGE_SECONDS, TOKEN_LIFETIME_SECONDS,
                    Duration.between(outageStart, publishedAt).toSeconds(),
                    counters.get("tokenErrors") - tokenErrorsBefore, counters.get("tokenRequests." + CONTOSO_TENANT_ID));

            assertThat(during.answered()).as(during.summary()).isEqualTo(SHORT_DEADLINE + LONG_DEADLINE);
            for (String id : shortIds) {
                Outcome o = tally.first().get(id);
                // failed as classified: the deadline cut the wait for the token endpoint, which is named
                assertThat(o.failed().error().code()).as(o.describe()).isEqualTo("AUTH_UNAVAILABLE");
                assertThat(o.failed().error().message()).as(o.describe())
                        .contains("waited for the token endpoint until the request's notAfter deadline");
            }
            for (String id : longIds) {
                Outcome o = tally.first().get(id);
                assertThat(o.isCompleted()).as("a request whose deadline outlives the outage waits: %s", o.describe())
                        .isTrue();
                Tally.assertStored(o.completed());
                assertThat(o.completed().timings().totalMs()).as("it waited for the endpoint")
                        .isGreaterThanOrEqualTo(Duration.between(publishedAt, outageEnd).toMillis() - 1000);
            }
            for (String id : after) {
                assertThat(tally.first().get(id).isCompleted()).as("the same worker recovered").isTrue();
            }
            assertThat(tally.duplicates()).isZero();
            assertThat(counters.get("tokenErrors") - tokenErrorsBefore).as("the endpoint was really down").isPositive();
        }
    }

    private static ExportRequested request(String phase, int i, Instant notAfter) {
        ExportRequested.Builder b = ExportRequested.builder("token-" + phase + "-" + i + "-" + UUID.randomUUID(),
                DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF);
        if (notAfter != null) {
            b.notAfter(notAfter);
        }
        return b.build();
    }
}
