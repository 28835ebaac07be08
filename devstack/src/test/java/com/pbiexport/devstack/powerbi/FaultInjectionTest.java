package com.pbiexport.devstack.powerbi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fault knobs act on every Power BI call and are counted. */
class FaultInjectionTest {
    private static final String EXPORT = groupReport(WS_SALES, RPT_SALES) + "/ExportTo";
    private static final String PDF = "{\"format\":\"PDF\"}";

    // clean profile: the knobs are asserted with their exact configured values (Retry-After, 5xx body)
    private final ApiHarness api = ApiHarness.withFakeEngine();

    @AfterEach
    void stop() {
        api.close();
    }

    private void faults(String json) {
        api.faults.merge(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void droppedConnectionEndsWithoutAnAnswer() {
        faults("{\"dropConnectionRate\":1.0}");

        assertThatThrownBy(() -> api.get("/v1.0/myorg/groups", api.contosoToken()))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(api.counters.get("connectionsDropped")).isGreaterThanOrEqualTo(1);
        assertThat(api.fake().starts()).isEmpty();
    }

    @Test
    void injectedServerErrorsAnswer500Or503WithARequestId() {
        faults("{\"powerBiErrorRate\":1.0}");

        for (int i = 0; i < 6; i++) {
            Reply r = api.post(EXPORT, api.contosoToken(), PDF);
            assertThat(r.status()).isIn(500, 503);
            assertThat(r.header("RequestId")).isNotNull();
            assertThat(r.errorCode()).isIn("InternalServerError", "ServiceUnavailable");
        }
        assertThat(api.counters.get("http5xxInjected")).isEqualTo(6);
        assertThat(api.fake().starts()).isEmpty();
    }

    @Test
    void latencyDelaysEveryCall() {
        faults("{\"powerBiLatencyMillis\":150}");
        long t0 = System.nanoTime();

        Reply r = api.get("/v1.0/myorg/groups", api.contosoToken());

        assertThat(r.status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(api.sleeper.waits).contains(Duration.ofMillis(150));
    }

    @Test
    void forced429sAnswerTheObservedTextWithRetryAfterThenStop() {
        faults("{\"forced429Count\":2,\"forced429RetryAfterSeconds\":9}");

        Reply first = api.post(EXPORT, api.contosoToken(), PDF);
        Reply second = api.get("/v1.0/myorg/groups", api.contosoToken());
        Reply third = api.post(EXPORT, api.contosoToken(), PDF);

        for (Reply r : new Reply[] {first, second}) {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.header("Retry-After")).isEqualTo("9");
            assertThat(r.json().path("error").path("message").asText()).isEqualTo(ApiError.TOO_MANY_REQUESTS_TEXT);
        }
        assertThat(third.status()).isEqualTo(202);
        assertThat(api.counters.get("throttled429")).isEqualTo(2);
    }

    @Test
    void downloadsAreThrottledToTheConfiguredRate() {
        String id = api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), PDF).get("id").asText();
        byte[] file = new byte[40_000];
        Arrays.fill(file, (byte) 'x');
        api.fake().succeed(id, file);
        faults("{\"downloadBytesPerSecond\":100000}");
        long t0 = System.nanoTime();

        Reply r = api.get(groupReport(WS_SALES, RPT_SALES) + "/exports/" + id + "/file", api.contosoToken());

        assertThat(r.body()).isEqualTo(file);
        // 40 KB at 100 KB/s: at least ~0.4 s (minus one chunk's worth of slack)
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(330));
        assertThat(api.sleeper.total()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(api.counters.get("bytesServed")).isEqualTo(40_000);
    }
}
