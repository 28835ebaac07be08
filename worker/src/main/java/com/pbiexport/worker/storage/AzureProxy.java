package com.pbiexport.worker.storage;

import com.azure.core.http.HttpClient;
import com.azure.core.http.ProxyOptions;
import com.azure.core.util.Configuration;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.net.ProxyServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;

/**
 * The Azure SDK's HTTP client for one blob endpoint, with the worker's proxy decision for that endpoint's host.
 * Always explicit: left alone, the SDK would read {@code HTTPS_PROXY} from the process environment by its own rules
 * (upper-case only, no {@code http.proxy: none}).
 */
final class AzureProxy {

    private AzureProxy() {
    }

    /** For the endpoint of a builder that has its connection string (built once, without I/O, to learn it). */
    static HttpClient httpClient(ProxyConfig proxies, BlobServiceClientBuilder builder) {
        return httpClient(proxies, URI.create(builder.buildClient().getAccountUrl()));
    }

    static HttpClient httpClient(ProxyConfig proxies, URI endpoint) {
        HttpClientOptions options = new HttpClientOptions().setConfiguration(Configuration.NONE);
        Optional<ProxyServer> proxy = proxies.route(endpoint).proxy();
        proxy.ifPresent(p -> {
            ProxyOptions o = new ProxyOptions(ProxyOptions.Type.HTTP, InetSocketAddress.createUnresolved(p.host(),
                    p.port()));
            p.user().ifPresent(u -> o.setCredentials(u, p.password().orElse("")));
            options.setProxyOptions(o);
        });
        return HttpClient.createDefault(options);
    }
}
