package com.pbiexport.devstack;

import com.pbiexport.devstack.sim.FaultSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the devstack's HTTP services listen and which host the URLs it hands out carry. */
class DevStackNetworkTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servicesListenOnTheFixedPortsAndTheUrlsCarryTheAdvertisedHost() throws Exception {
        int entra = freePort();
        int powerBi = freePort();
        int admin = freePort();
        // faults off: a dropped call would fail this one-shot check
        try (DevStack stack = DevStack.builder().kafka(false).faults(FaultSettings.none())
                .bindAddress(InetAddress.getByName("127.0.0.1")).advertisedHost("devstack.example")
                .ports(new Ports(0, entra, powerBi, admin)).start()) {
            assertThat(stack.entraUrl()).isEqualTo("http://devstack.example:" + entra);
            assertThat(stack.powerBiUrl()).isEqualTo("http://devstack.example:" + powerBi);
            assertThat(stack.adminUrl()).isEqualTo("http://devstack.example:" + admin);
            assertThat(DevStackMain.readyLine(stack)).contains("\"entraUrl\":\"http://devstack.example:" + entra + "\"");
            // the advertised name need not resolve here: reach each service through the bind address and port
            assertThat(get("http://127.0.0.1:" + admin + "/admin/counters")).isEqualTo(200);
            assertThat(get("http://127.0.0.1:" + entra + "/")).isBetween(200, 599);
            // no token: Power BI refuses (401 or 403), which proves it is the Power BI API answering
            assertThat(get("http://127.0.0.1:" + powerBi + "/v1.0/myorg/groups")).isIn(401, 403);
        }
    }

    @Test
    void byDefaultEveryServiceIsOnLoopbackOnARandomPortAdvertisedAs127001() {
        try (DevStack stack = DevStack.builder().kafka(false).start()) {
            assertThat(stack.entraUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(stack.powerBiUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(stack.adminUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
        }
    }

    @Test
    void theAdvertisedHostDefaultsToTheBindAddressAndTo127001ForTheWildcard() throws Exception {
        assertThat(DevStack.builder().advertised()).isEqualTo("127.0.0.1");
        assertThat(DevStack.builder().bindAddress(InetAddress.getByName("0.0.0.0")).advertised()).isEqualTo("127.0.0.1");
        assertThat(DevStack.builder().bindAddress(InetAddress.getByName("::")).advertised()).isEqualTo("127.0.0.1");
        assertThat(DevStack.builder().bindAddress(InetAddress.getByName("10.1.2.3")).advertised()).isEqualTo("10.1.2.3");
        assertThat(DevStack.builder().bindAddress(InetAddress.getByName("fd00::1")).advertised())
                .isEqualTo("[fd00:0:0:0:0:0:0:1]");  // an IPv6 literal goes into a URL in brackets
        assertThat(DevStack.builder().bindAddress(InetAddress.getByName("0.0.0.0")).advertisedHost("devstack")
                .advertised()).isEqualTo("devstack");
    }

    @Test
    void portsOutsideTheRangeAreRejectedNamingTheListener() {
        assertThatThrownBy(() -> new Ports(0, 65536, 0, 0)).hasMessageContaining("entra port");
        assertThatThrownBy(() -> new Ports(-1, 0, 0, 0)).hasMessageContaining("kafka port");
    }

    private static int get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A port free right now: bind port 0 and release it. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
