package com.pbiexport.worker.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.pbiexport.worker.config.ConfigTexts.BASE;
import static com.pbiexport.worker.config.ConfigTexts.ENV;
import static com.pbiexport.worker.config.ConfigTexts.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ProxySettingTest {
    @Test
    void readsTheEnvironmentAndJvmPropertiesByDefault() {
        assertThat(load(BASE, ENV).http().proxy()).isEqualTo("env");
    }

    @Test
    void isSetFromTheFileOrTheEnvironment() {
        assertThat(load(BASE + "http:\n  proxy: none\n", ENV).http().proxy()).isEqualTo("none");
        assertThat(load(BASE, Map.of("CONTOSO_SECRET", "x", "PBIEXPORT_HTTP_PROXY", "http://proxy.corp:3128"))
                .http().proxy()).isEqualTo("http://proxy.corp:3128");
    }

    @Test
    void rejectsANonHttpProxyNamingTheSetting() {
        ConfigException e = catchThrowableOfType(() -> load(BASE + "http:\n  proxy: socks5://proxy.corp:1080\n", ENV),
                ConfigException.class);

        assertThat(e).isNotNull();
        assertThat(String.join("\n", e.problems())).contains("http.proxy", "must be env, none or a proxy URL such as "
                + "http://proxy.example.com:3128");
    }

    @Test
    void neverEchoesAProxyUrlThatHoldsCredentials() {
        ConfigException e = catchThrowableOfType(() -> load(BASE + "http:\n  proxy: \"https://svc:s3cr3t@proxy\"\n",
                ENV), ConfigException.class);

        assertThat(e).isNotNull();
        assertThat(String.join("\n", e.problems())).contains("http.proxy").doesNotContain("s3cr3t");
        assertThat(new HttpSettings(HttpSettings.DEFAULT_CONNECT_TIMEOUT, HttpSettings.DEFAULT_RESPONSE_TIMEOUT, 1,
                "http://svc:s3cr3t@proxy:3128").toString())
                .doesNotContain("s3cr3t");
    }
}
