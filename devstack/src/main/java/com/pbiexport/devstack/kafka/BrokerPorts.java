package com.pbiexport.devstack.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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
