package com.pbiexport.worker.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.pbiexport.worker.config.ConfigTexts.BASE;
import static com.pbiexport.worker.config.ConfigTexts.ENV;
import static com.pbiexport.worker.config.ConfigTexts.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DiagnoseSettingTest {
    @Test
    void theAdminApiProbeIsOnByDefault() {
        assertThat(load(BASE, ENV).diagnose()).isEqualTo(DiagnoseSettings.defaults());
        assertThat(DiagnoseSettings.defaults().adminApiProbe()).isTrue();
    }

    @Test
    void isSwitchedOffFromTheFileOrTheEnvironment() {
        assertThat(load(BASE + "diagnose:\n  adminApiProbe: false\n", ENV).diagnose().adminApiProbe()).isFalse();
        assertThat(load(BASE, Map.of("CONTOSO_SECRET", "x", "PBIEXPORT_DIAGNOSE_ADMIN_API_PROBE", "false"))
                .diagnose().adminApiProbe()).isFalse();
    }

    @Test
    void rejectsANonBooleanNamingTheSetting() {
        ConfigException e = catchThrowableOfType(() -> load(BASE + "diagnose:\n  adminApiProbe: sometimes\n", ENV),
                ConfigException.class);

        assertThat(e).isNotNull();
        assertThat(String.join("\n", e.problems())).contains("diagnose.adminApiProbe", "must be true or false");
    }
}
