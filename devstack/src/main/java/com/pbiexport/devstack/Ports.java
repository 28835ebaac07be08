package com.pbiexport.devstack;

/**
 * Fixed ports of the devstack's listeners; 0 means a random free port (the default, so parallel stacks and tests
 * never collide). Fixed ports let other containers reach the stack without sharing its network namespace.
 */
public record Ports(int kafka, int entra, int powerBi, int admin) {

    /** Every listener on a random free port. */
    public static final Ports RANDOM = new Ports(0, 0, 0, 0);

    public Ports {
        check("kafka", kafka);
        check("entra", entra);
        check("powerBi", powerBi);
        check("admin", admin);
    }

    private static void check(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " port must be 0 (random) or 1-65535, was " + port);
        }
    }
}
