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

/**
 * The {@code truncatedDownloadRate} fault: the file's headers and Content-Length go out, half the bytes follow, then
 * the connection closes, as a network drop mid-body. A client must see the body end early (an error), never a
 * shorter file that looks complete, and it must see it at once, not after a read timeout.
 */
class TruncatedDownloadTest {
    private final ApiHarness api = ApiHarness.withFakeEngine();

    @AfterEach
    void stop() {
        api.close();
    }

    private String readyFile(int size) {
        String id = api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), "{\"format\":\"PDF\"}").get("id").asText();
        byte[] file = new byte[size];
        Arrays.fill(file, (byte) 'x');
        api.fake().succeed(id, file);
        return groupReport(WS_SALES, RPT_SALES) + "/exports/" + id + "/file";
    }

    @Test
    void cutsTheBodyHalfWayAndClosesTheConnectionAtOnce() {
        String path = readyFile(10_000);
        api.faults.merge("{\"truncatedDownloadRate\":1.0}".getBytes(StandardCharsets.UTF_8));
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> api.get(path, api.contosoToken()))
                .as("a premature end of a Content-Length body is an error").isInstanceOf(UncheckedIOException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the connection closed: no read timeout")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(api.counters.get("downloadsTruncated")).isEqualTo(1);
        assertThat(api.counters.get("bytesServed")).isEqualTo(5_000);
    }

    @Test
    void offByDefaultTheWholeFileArrives() {
        String path = readyFile(10_000);

        Reply r = api.get(path, api.contosoToken());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).hasSize(10_000);
        assertThat(api.counters.get("downloadsTruncated")).isZero();
    }
}
