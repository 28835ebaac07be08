package com.pbiexport.devstack;

import java.net.InetAddress;

/** How a listening address is written into the URLs and Kafka listeners the devstack hands out. */
final class Addresses {

    private Addresses() { }

    /** The host to advertise for a bind address: the address itself, or 127.0.0.1 for the wildcard. */
    static String advertised(InetAddress bindAddress) {
        if (bindAddress.isAnyLocalAddress() || bindAddress.equals(InetAddress.getLoopbackAddress())) {
            return "127.0.0.1";  // the wildcard is no destination; the default loopback is advertised as ever
        }
        return literal(bindAddress);
    }

    /** An address as it goes into a URL or a Kafka listener: IPv6 in brackets. */
    static String literal(InetAddress address) {
        String host = address.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
