package com.pbiexport.worker.doctor;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.TenantConfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Ids of the default devstack scenario, and the extra stacks and tenant entries the doctor's ITs need. */
final class DoctorStacks {
    static final String SALES_WS = "3d5e0000-0000-4000-a000-000000000001";
    static final String FINANCE_WS = "3d5e0000-0000-4000-a000-000000000002";
    static final String TEAM_WS = "3d5e0000-0000-4000-a000-000000000003";
    static final String PPU_WS = "3d5e0000-0000-4000-a000-000000000004";
    static final String FABRIKAM_WS = "3d5e0000-0000-4000-a000-000000000011";
    static final String NORTHWIND_WS = "3d5e0000-0000-4000-a000-000000000021";
    static final String UNKNOWN_WS = "3d5e0000-0000-4000-a000-0000000000ff";

    static final String SALES_REPORT = "7e000000-0000-4000-a000-000000000001";
    static final String INVOICE_PAGINATED = "7e000000-0000-4000-a000-000000000002";
    static final String BOARD_PACK_LABELLED = "7e000000-0000-4000-a000-000000000003";
    static final String SIXTY_PAGES = "7e000000-0000-4000-a000-000000000004";
    static final String FINANCE_REPORT = "7e000000-0000-4000-a000-000000000006";
    static final String TEAM_REPORT = "7e000000-0000-4000-a000-000000000007";
    static final String PPU_REPORT = "7e000000-0000-4000-a000-000000000008";
    static final String FABRIKAM_REPORT = "7e000000-0000-4000-a000-000000000011";
    static final String NORTHWIND_REPORT = "7e000000-0000-4000-a000-000000000021";
    static final String UNKNOWN_REPORT = "7e000000-0000-4000-a000-0000000000ff";

    static final String CONTOSO_TENANT_ID = "4a1f0c2e-0000-4000-a000-000000000001";
    static final String CONTOSO_APP = "c11e7700-0000-4000-a000-000000000001";
    static final String CONTOSO_SECRET = "devstack-secret-not-for-production";
    static final String UNKNOWN_PROFILE = "9f0f11e0-0000-4000-a000-0000000000ff";
    /**
     * Contoso's second app ({@code exporter-with-expired-secret}): in the default scenario the tenant setting
     * "Service principals can access read-only admin APIs" covers only the main app, so this one is refused there.
     */
    static final String CONTOSO_SECOND_APP = "c11e7700-0000-4000-a000-000000000002";
    private static final String SECOND_APP_FRESH_SECRET = "doctor-it-fresh-secret-of-the-second-app";

    private DoctorStacks() {
    }

    /**
     * The default scenario with every tenant in the USGov (GCC) cloud: its Power BI accepts only the
     * {@code https://analysis.usgovcloudapi.net/powerbi/api} audience, while its Entra ID (login.microsoftonline.com,
     * shared with the public cloud) can still issue public-cloud Power BI tokens. The devstack answers as the first
     * tenant's cloud, so no devstack change is needed for a sovereign Power BI.
     */
    static Scenario usGovScenario(long pageRenderMillis) {
        try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/default.json")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("\"cloud\": \"Public\"", "\"cloud\": \"USGov\"");
            if (!json.contains("\"cloud\": \"USGov\"")) {
                throw new IllegalStateException("the default scenario no longer spells its cloud as expected");
            }
            return Scenario.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))).validated()
                    .withPageRenderMillis(pageRenderMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Contoso's happy-path app as a tenant entry pointing at {@code stack}, in the given cloud. */
    static TenantConfig contoso(DevStack stack, CloudName cloud, CredentialConfig credential) {
        return new TenantConfig(CONTOSO_TENANT_ID, CONTOSO_APP, cloud, credential, Optional.empty(),
                Optional.of(URI.create(stack.entraUrl())), Optional.of(URI.create(stack.powerBiUrl())),
                Optional.empty());
    }

    static TenantConfig contoso(DevStack stack, CloudName cloud) {
        return contoso(stack, cloud, CredentialConfig.Secret.inline(CONTOSO_SECRET));
    }

    /**
     * Contoso's second app as a tenant entry pointing at {@code stack}. Its only secret in the scenario has expired,
     * so a fresh one is added first, as an administrator would in the Entra portal (the expired one stays expired).
     */
    static TenantConfig contosoSecondApp(DevStack stack) {
        stack.entraCredentials().addSecret(CONTOSO_TENANT_ID, CONTOSO_SECOND_APP, SECOND_APP_FRESH_SECRET, null);
        return new TenantConfig(CONTOSO_TENANT_ID, CONTOSO_SECOND_APP, CloudName.PUBLIC,
                CredentialConfig.Secret.inline(SECOND_APP_FRESH_SECRET), Optional.empty(),
                Optional.of(URI.create(stack.entraUrl())), Optional.of(URI.create(stack.powerBiUrl())),
                Optional.empty());
    }

}
