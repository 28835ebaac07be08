package com.pbiexport.worker.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how {@link SftpSink} connects. Secrets (password, key passphrase) are held here already resolved by
 * the composition root; {@link #toString()} never prints them.
 *
 * @param host            server host name or address
 * @param port            server port (22 normally)
 * @param username        login name
 * @param directory       directory files go below: absolute ({@code /upload}) or relative to the login directory;
 *                        {@code ""} for the login directory itself; created when missing
 * @param auth            password or private key
 * @param knownHostsFile  OpenSSH {@code known_hosts} file the server's host key must be listed in; empty only when
 *                        {@code insecureAcceptAnyHostKey}
 * @param insecureAcceptAnyHostKey skip host key verification: anyone on the path can read and alter the files
 * @param timeout         bound on connecting, authenticating and on each SFTP request
 * @param maxConnections  SSH connections open at once (stores beyond it wait for a free one)
 */
public record SftpSettings(String host, int port, String username, String directory, Auth auth,
                           Optional<Path> knownHostsFile, boolean insecureAcceptAnyHostKey, Duration timeout,
                           int maxConnections) {

    /** How the worker proves who it is. */
    public sealed interface Auth permits Password, PrivateKey {
    }

    /** Password authentication (also answers keyboard-interactive password prompts). */
    public record Password(String password) implements Auth {
        public Password {
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Password[***]";
        }
    }

    /**
     * Public-key authentication with an OpenSSH or PEM private key file.
     *
     * @param passphrase the key file's passphrase, when it is encrypted
     */
    public record PrivateKey(Path keyFile, Optional<String> passphrase) implements Auth {
        public PrivateKey {
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(passphrase, "passphrase");
        }

        @Override
        public String toString() {
            return "PrivateKey[keyFile=" + keyFile + ", passphrase=" + passphrase.map(p -> "***").orElse("<none>")
                    + "]";
        }
    }

    public SftpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(knownHostsFile, "knownHostsFile");
        Objects.requireNonNull(timeout, "timeout");
        directory = directory == null ? "" : directory;
        if (host.isBlank()) {
            throw new IllegalArgumentException("SFTP host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SFTP port must be between 1 and 65535, was " + port);
        }
        if (knownHostsFile.isEmpty() && !insecureAcceptAnyHostKey) {
            throw new IllegalArgumentException("SFTP sink for " + host + ": a known_hosts file is required to verify"
                    + " the server's host key");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("SFTP timeout must be positive, was " + timeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("SFTP maxConnections must be at least 1, was " + maxConnections);
        }
    }

    /** Password or key from the defaults: port 22, login directory, 30 s timeout, 4 connections. */
    public static SftpSettings of(String host, int port, String username, Auth auth, Path knownHostsFile) {
        return new SftpSettings(host, port, username, "", auth, Optional.of(knownHostsFile), false,
                Duration.ofSeconds(30), 4);
    }

    public SftpSettings withDirectory(String dir) {
        return new SftpSettings(host, port, username, dir, auth, knownHostsFile, insecureAcceptAnyHostKey, timeout,
                maxConnections);
    }

    public SftpSettings withTimeout(Duration t) {
        return new SftpSettings(host, port, username, directory, auth, knownHostsFile, insecureAcceptAnyHostKey, t,
                maxConnections);
    }

    /** {@code host:port}, with brackets for IPv6 literals. */
    String hostAndPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
