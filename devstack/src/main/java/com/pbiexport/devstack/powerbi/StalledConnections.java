package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.sun.net.httpserver.HttpExchange;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code stalledConnection*} fault: the request is accepted and read, then nothing at all is sent for
 * {@code stalledConnectionMillis} and the connection is closed. A client sees its response (read) timeout expire
 * before the first byte. This is the closest honest thing to a connect timeout that {@code com.sun.net.httpserver}
 * allows: it accepts every TCP connection, so a true connect timeout (an unanswered SYN) cannot be produced.
 *
 * <p>No handler thread waits: the handler returns at once and one shared daemon thread closes the exchange later,
 * so stalls never shrink the server's thread pool. Counter {@code connectionsStalled}.
 */
final class StalledConnections {
    static final String COUNTER = "connectionsStalled";

    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "devstack-powerbi-stall");
        t.setDaemon(true);
        return t;
    });

    private StalledConnections() { }

    /** True when this exchange was stalled (the caller must then return without touching or closing it). */
    static boolean stall(HttpExchange ex, Faults faults, Counters counters) {
        if (!faults.stallConnection()) {
            return false;
        }
        counters.increment(COUNTER);
        long millis = Math.max(0, faults.current().stalledConnectionMillis());
        try {
            CLOSER.schedule(ex::close, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException impossible) {
            ex.close();
        }
        return true;
    }
}
