package com.pbiexport.worker.it.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on a loopback port in front of the blob store (Azurite), so the chaos run can make the sink slow
 * (every chunk relayed, each way, waits {@code delay} ms) or down (new connections are closed at once and open
 * ones are cut: the Azure SDK sees resets and refused requests, as with a storage account that is unreachable).
 * The delay is a pause of the relaying thread; nothing waits on it for synchronisation.
 */
final class SinkFaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final AtomicLong cut = new AtomicLong();
    private volatile long delayMillis;
    private volatile boolean down;
    private volatile boolean closed;

    private SinkFaultProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        this.acceptor = new Thread(this::acceptLoop, "sink-fault-proxy");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Relays a free loopback port to {@code 127.0.0.1:targetPort}. */
    static SinkFaultProxy start(int targetPort) {
        try {
            ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new SinkFaultProxy(s, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the sink fault proxy", e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Adds {@code millis} to every relayed chunk (0: full speed). */
    void slow(long millis) {
        delayMillis = millis;
    }

    /** Down: refuses new connections and cuts the open ones; up again with {@code false}. */
    void down(boolean isDown) {
        down = isDown;
        if (isDown) {
            open.forEach(this::cut);
        }
    }

    /** Connections refused or cut while down. */
    long connectionsCut() {
        return cut.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (down) {
                    cut(client);
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                open.add(client);
                open.add(upstream);
                relay(client, upstream);
                relay(upstream, client);
            } catch (IOException e) {
                // a refused upstream or the server closing: the client sees its connection closed
            }
        }
    }

    private void relay(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    long d = delayMillis;
                    if (d > 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(d)); // the fault itself: a slow link
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut, or the other side closed
            } finally {
                close(from);
                close(to);
            }
        }, "sink-relay");
        t.setDaemon(true);
        t.start();
    }

    private void cut(Socket s) {
        cut.incrementAndGet();
        try {
            s.setSoLinger(true, 0); // RST, not FIN: a reset as a dropped network path shows it
        } catch (IOException ignored) {
            // closing anyway
        }
        close(s);
    }

    private void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        close(new Socket());
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(this::close);
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
