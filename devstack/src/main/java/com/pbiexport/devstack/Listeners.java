package com.pbiexport.devstack;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The devstack's HTTP listeners: one server per service, each with its own thread pool, http or https. */
final class Listeners {

    private Listeners() { }

    /**
     * Mounts a handler on its own server (port 0: random) with its own thread pool, over https when {@code tls}
     * is set; registers how to stop it and returns its base URL, carrying {@code advertisedHost}.
     */
    static String serve(InetSocketAddress address, String advertisedHost, String name, HttpHandler handler,
                        int threads, TlsIdentity tls, Deque<AutoCloseable> closeables) {
        try {
            HttpServer server;
            if (tls == null) {
                server = HttpServer.create(address, 1024);
            } else {
                HttpsServer https = HttpsServer.create(address, 1024);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()));
                server = https;
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads, named(name));
            server.setExecutor(pool);
            server.createContext("/", handler);
            server.start();
            closeables.push(() -> {
                server.stop(0);
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            });
            return (tls == null ? "http://" : "https://") + advertisedHost + ":" + server.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " HTTP server", e);
        }
    }

    private static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "devstack-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
