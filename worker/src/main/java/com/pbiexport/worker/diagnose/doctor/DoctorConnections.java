package com.pbiexport.worker.diagnose.doctor;

import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.net.ProxyProbe;
import com.pbiexport.worker.powerbi.PowerBiClient;

import java.util.List;

/**
 * The live parts the doctor talks through, built by the app layer from the configuration exactly as the worker
 * builds them (same credential reading, token source and Power BI client), so a verdict holds for the worker.
 * Closing it releases every client it created.
 */
public interface DoctorConnections extends AutoCloseable {

    /**
     * Reads the credential the way the token source will, without using it.
     *
     * @return where it came from, e.g. {@code client secret from environment variable CONTOSO_SECRET}; never the value
     * @throws TokenAcquisitionException of kind {@code CREDENTIAL_UNREADABLE} when it is missing, empty or unreadable
     */
    String readCredential();

    /**
     * Probes the routes to the tenant's Entra ID and Power BI hosts (Entra first): proxy or direct, and whether
     * the proxy lets us through. Never sends a token.
     */
    default List<ProxyProbe.Outcome> proxies() {
        return List.of();
    }

    /** The tenant's token source (configured scope). */
    TokenSource tokens();

    /** The tenant's Power BI client (configured API root, token source above). */
    PowerBiClient powerBi();

    /** A Power BI client for the same API root whose tokens are requested with {@code scope} (cloud probing). */
    PowerBiClient powerBiWithScope(String scope);

    @Override
    void close();
}
