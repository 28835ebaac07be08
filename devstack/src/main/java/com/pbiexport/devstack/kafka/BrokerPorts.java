package com.pbiexport.devstack.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The two loopback ports a single-node KRaft broker listens on: clients (PLAINTEXT) and the controller quorum.
 * Kafka cannot be told to bind port 0 and report back for the controller listener, so we pick free ports by
 * binding port 0 and releasing it; another process may grab one in between, which callers handle by retrying
 * with fresh ports.
 */
record BrokerPorts(int broker, int controller) {

    static final String HOST = "127.0.0.1";

    static BrokerPorts allocate() {
        // Hold both sockets open at once so the two ports are distinct.
        try (ServerSocket first = bindEphemeral(); ServerSocket second = bindEphemeral()) {
            return new BrokerPorts(first.getLocalPort(), second.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for Kafka", e);
        }
    }

    /** Port pairs for {@code count} brokers, all distinct (every socket is held until all are drawn). */
    static List<BrokerPorts> allocate(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * count; i++) {
                held.add(bindEphemeral());
            }
            List<BrokerPorts> pairs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                pairs.add(new BrokerPorts(held.get(2 * i).getLocalPort(), held.get(2 * i + 1).getLocalPort()));
            }
            return pairs;
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback ports for " + count + " Kafka brokers", e);
        } finally {
            held.forEach(BrokerPorts::closeQuietly);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the port is released either way
        }
    }

    private static ServerSocket bindEphemeral() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        return socket;
    }

    String bootstrapServers() {
        return HOST + ":" + broker;
    }

    String controllerAddress() {
        return HOST + ":" + controller;
    }
}
