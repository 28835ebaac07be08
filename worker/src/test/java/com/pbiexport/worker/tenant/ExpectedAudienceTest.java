package com.pbiexport.worker.tenant;

import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.TokenClaims;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The API host, not the configured cloud, decides which audience Power BI accepts. */
class ExpectedAudienceTest {
    private static final String TENANT = "4a1f0c2e-0000-4000-a000-000000000001";
    private static final String APP = "c11e7700-0000-4000-a000-000000000001";

    private static TenantConfig tenant(CloudName cloud, String apiUrl) {
        TenantConfig t = TenantConfig.of(TENANT, APP, CredentialConfig.Secret.fromEnv("SECRET")).withCloud(cloud);
        return apiUrl == null ? t : t.withPowerBiApiUrl(URI.create(apiUrl));
    }

    @Test
    void aKnownSovereignApiHostExpectsItsOwnCloudsAudienceWhateverTheConfiguredCloud() {
        assertThat(TenantConnections.expectedAudience(tenant(CloudName.PUBLIC, "https://api.powerbigov.us")))
                .isEqualTo(CloudName.US_GOV.powerBiResource());
        assertThat(TenantConnections.expectedAudience(tenant(CloudName.US_GOV_HIGH, "https://api.powerbi.com")))
                .isEqualTo(CloudName.PUBLIC.powerBiResource());
    }

    @Test
    void anUnknownHostFallsBackToTheConfiguredCloud() {
        assertThat(TenantConnections.expectedAudience(tenant(CloudName.CHINA, "http://127.0.0.1:8443")))
                .isEqualTo(CloudName.CHINA.powerBiResource());
        assertThat(TenantConnections.expectedAudience(tenant(CloudName.US_GOV, null)))
                .isEqualTo(CloudName.US_GOV.powerBiResource());
    }

    @Test
    void aPublicTokenRejectedByASovereignApiRootIsNamedAsTheWrongCloud() {
        TenantConfig misconfigured = tenant(CloudName.PUBLIC, "https://api.powerbigov.us");
        ClassificationContext ctx = ClassificationContext.empty()
                .withExpectedAudience(TenantConnections.expectedAudience(misconfigured))
                .withTokenClaims(TokenClaims.ofAudience(CloudName.PUBLIC.powerBiResource()));
        PowerBiFailure.Http rejected = new PowerBiFailure.Http("start", 401, "PowerBINotAuthorizedException", null,
                Optional.empty(), Optional.empty());

        assertThat(new Classifier().classify(rejected, ctx).code()).isEqualTo(ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD);
    }
}
