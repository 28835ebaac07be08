package com.pbiexport.worker.net;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which proxy each target gets: the setting, then JVM properties, then the environment (lower-case first). */
class ProxyConfigTest {

    private static final URI ENTRA = URI.create("https://login.microsoftonline.com/tenant");
    private static final URI DEVSTACK = URI.create("http://127.0.0.1:8080/v1.0/myorg");

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static Optional<ProxyServer> proxy(ProxyConfig c, URI target) {
        return c.route(target).proxy();
    }

    @Test
    void withNothingConfiguredEveryConnectionIsDirect() {
        ProxyConfig c = ProxyConfig.resolve("env", Map.of(), props());
        assertThat(proxy(c, ENTRA)).isEmpty();
        assertThat(c.describe()).isEqualTo("direct (no proxy configured)");
    }

    @Test
    void httpsTargetsUseHttpsProxyAndHttpTargetsUseHttpProxy() {
        ProxyConfig c = ProxyConfig.resolve("env", Map.of("HTTPS_PROXY", "http://secure.proxy:3128",
                "HTTP_PROXY", "http://plain.proxy:8080"), props());
        assertThat(proxy(c, ENTRA)).get().extracting(ProxyServer::host, ProxyServer::port)
                .containsExactly("secure.proxy", 3128);
        assertThat(proxy(c, DEVSTACK)).get().extracting(ProxyServer::host, ProxyServer::port)
                .containsExactly("plain.proxy", 8080);
    }

    @Test
    void lowerCaseVariablesWinOverUpperCaseAsInCurl() {
        ProxyConfig c = ProxyConfig.resolve("env", Map.of("HTTPS_PROXY", "http://upper:1", "https_proxy",
                "http://lower:2", "NO_PROXY", "login.microsoftonline.com", "no_proxy", "other.example"), props());
        assertThat(proxy(c, ENTRA)).get().extracting(ProxyServer::host, ProxyServer::source)
                .containsExactly("lower", "https_proxy");
    }

    @Test
    void noProxyHostsGoDirectAndTheRouteSaysWhy() {
        ProxyConfig c = ProxyConfig.resolve("env", Map.of("HTTPS_PROXY", "http://p:3128", "HTTP_PROXY",
                "http://p:3128", "NO_PROXY", "127.0.0.1,.corp.example"), props());
        assertThat(proxy(c, DEVSTACK)).isEmpty();
        assertThat(c.route(DEVSTACK).describe()).isEqualTo("direct (NO_PROXY entry '127.0.0.1')");
        assertThat(proxy(c, ENTRA)).isPresent();
    }

    @Test
    void aProxyUrlWithoutAPortUsesCurlsDefault1080AndWithoutASchemeMeansHttp() {
        ProxyConfig c = ProxyConfig.resolve("env", Map.of("HTTPS_PROXY", "proxy.corp"), props());
        assertThat(proxy(c, ENTRA)).get().extracting(ProxyServer::host, ProxyServer::port)
                .containsExactly("proxy.corp", 1080);
    }

    @Test
    void credentialsInTheUrlArePercentDecodedAndNeverShown() {
        ProxyConfig c = ProxyConfig.resolve("env", Map.of("HTTPS_PROXY", "http://do%5Cmain%40user:p%40ss%3Aw+rd@p:3128"),
                props());
        ProxyServer p = proxy(c, ENTRA).orElseThrow();
        assertThat(p.user()).contains("do\\main@user");
        assertThat(p.password()).contains("p@ss:w+rd");
        assertThat(p.toString()).isEqualTo("http://p:3128 (HTTPS_PROXY, with credentials)");
        assertThat(c.describe()).doesNotContain("ss", "user");
    }

    @Test
    void jvmPropertiesWinOverTheEnvironmentWithTheirOwnExclusions() {
        ProxyConfig c = ProxyConfig.resolve("env", Map.of("HTTPS_PROXY", "http://env.proxy:3128",
                "NO_PROXY", "login.microsoftonline.com"), props("https.proxyHost", "jvm.proxy", "https.proxyPort",
                "8443", "https.proxyUser", "svc", "https.proxyPassword", "pw", "http.nonProxyHosts", "*.corp"));
        ProxyServer p = proxy(c, ENTRA).orElseThrow(); // NO_PROXY belongs to the environment's proxy, not this one
        assertThat(p).extracting(ProxyServer::host, ProxyServer::port, ProxyServer::source)
                .containsExactly("jvm.proxy", 8443, "https.proxyHost");
        assertThat(p.user()).contains("svc");
        assertThat(p.password()).contains("pw");
        assertThat(proxy(c, URI.create("https://api.corp"))).isEmpty();
    }

    @Test
    void jvmProxyPortsDefaultTo443And80AndLoopbackIsExcludedAsTheJdkDoes() {
        ProxyConfig c = ProxyConfig.resolve("env", Map.of(), props("https.proxyHost", "p", "http.proxyHost", "p"));
        assertThat(proxy(c, ENTRA)).get().extracting(ProxyServer::port).isEqualTo(443);
        assertThat(proxy(c, URI.create("http://example.com"))).get().extracting(ProxyServer::port).isEqualTo(80);
        assertThat(proxy(c, DEVSTACK)).isEmpty();
    }

    @Test
    void theJvmHttpsPropertyDoesNotHideTheEnvironmentsHttpProxy() {
        ProxyConfig c = ProxyConfig.resolve("env", Map.of("HTTP_PROXY", "http://env:8080"),
                props("https.proxyHost", "jvm"));
        assertThat(proxy(c, ENTRA)).get().extracting(ProxyServer::host).isEqualTo("jvm");
        assertThat(proxy(c, DEVSTACK)).get().extracting(ProxyServer::host).isEqualTo("env");
    }

    @Test
    void settingNoneIgnoresEveryVariableAndProperty() {
        ProxyConfig c = ProxyConfig.resolve("none", Map.of("HTTPS_PROXY", "http://p:1"), props("https.proxyHost", "q"));
        assertThat(proxy(c, ENTRA)).isEmpty();
    }

    @Test
    void aSettingUrlAppliesToBothSchemesOverTheJvmAndEnvironmentButKeepsNoProxy() {
        ProxyConfig c = ProxyConfig.resolve("http://set.proxy:3128", Map.of("HTTPS_PROXY", "http://env:1",
                "NO_PROXY", "127.0.0.1"), props("https.proxyHost", "jvm"));
        assertThat(proxy(c, ENTRA)).get().extracting(ProxyServer::host, ProxyServer::source)
                .containsExactly("set.proxy", "http.proxy");
        assertThat(proxy(c, URI.create("http://example.com"))).get().extracting(ProxyServer::host)
                .isEqualTo("set.proxy");
        assertThat(proxy(c, DEVSTACK)).isEmpty();
    }

    @Test
    void rejectsANonHttpProxySchemeNamingTheVariable() {
        assertThatThrownBy(() -> ProxyConfig.resolve("env", Map.of("https_proxy", "socks5://p:1080"), props()))
                .hasMessage("https_proxy uses the scheme 'socks5', but only http:// proxies are supported (https "
                        + "targets are still tunnelled with CONNECT, TLS end to end)");
    }

    @Test
    void rejectsAnUnparsableUrlWithoutQuotingItsPassword() {
        assertThatThrownBy(() -> ProxyConfig.resolve("env", Map.of("HTTPS_PROXY", "http://u:s3cr3t@x@ho st:1"),
                props()))
                .hasMessageStartingWith("HTTPS_PROXY must be a proxy URL such as http://proxy.example.com:3128")
                .hasMessageContaining("(not shown: it holds credentials)")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void rejectsABadJvmPortNamingTheProperty() {
        assertThatThrownBy(() -> ProxyConfig.resolve("env", Map.of(), props("https.proxyHost", "p",
                "https.proxyPort", "x")))
                .hasMessage("https.proxyPort must be a port number, was 'x'");
    }
}
