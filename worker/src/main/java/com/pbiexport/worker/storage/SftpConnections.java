package com.pbiexport.worker.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.impl.DefaultSftpClient;

/**
 * The SSH side of {@link SftpSink}: one {@link SshClient} (started on first use), at most
 * {@link SftpSettings#maxConnections()} authenticated sessions, idle ones kept for reuse up to {@link #MAX_IDLE}.
 * Connecting classifies its failures: host key not trusted and login refused are
 * {@link StorageException.Kind#REJECTED}; refused, unreachable and timed-out connections are
 * {@link StorageException.Kind#UNAVAILABLE}. Thread-safe.
 */
final class SftpConnections {

    /** Idle sessions older than this are closed rather than reused (servers drop idle clients). */
    static final Duration MAX_IDLE = Duration.ofSeconds(60);

    private static final AttributeRepository.AttributeKey<HostKeyProblem> HOST_KEY_PROBLEM =
            new AttributeRepository.AttributeKey<>();

    /** Why the verifier refused the server's key. */
    private record HostKeyProblem(boolean changed, PublicKey presented) {
    }

    /** One authenticated session and its SFTP channel. */
    static final class Connection {
        final ClientSession session;
        final SftpClient sftp;
        private Instant idleSince;

        private Connection(ClientSession session, SftpClient sftp) {
            this.session = session;
            this.sftp = sftp;
        }

        boolean isOpen() {
            return session.isOpen() && sftp.isOpen();
        }

        private void close() {
            try {
                sftp.close();
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
            try {
                session.close();
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
        }
    }

    private final SftpSettings settings;
    private final Clock clock;
    private final Semaphore permits;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private SshClient client;
    private KeyPair keyPair;

    SftpConnections(SftpSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.permits = new Semaphore(settings.maxConnections(), true);
    }

    /** An open connection; give it back with {@link #release}. Waits while all connections are busy. */
    Connection acquire() {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Kind.UNAVAILABLE,
                    "Interrupted while waiting for a connection to SFTP " + settings.hostAndPort(), e);
        }
        try {
            Connection reused = pollIdle();
            return reused != null ? reused : open();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Replaces a broken connection while keeping its permit (cleaning up after a dropped session). */
    Connection reopen(Connection broken) {
        broken.close();
        return open();
    }

    /** Returns the connection to the pool when {@code reusable}, else closes it; frees its permit either way. */
    void release(Connection c, boolean reusable) {
        try {
            if (reusable && c.isOpen()) {
                synchronized (idle) {
                    c.idleSince = clock.instant();
                    idle.push(c);
                }
            } else {
                c.close();
            }
        } finally {
            permits.release();
        }
    }

    private Connection pollIdle() {
        Instant now = clock.instant();
        synchronized (idle) {
            for (Iterator<Connection> it = idle.iterator(); it.hasNext(); ) {
                Connection c = it.next();
                it.remove();
                if (c.isOpen() && !c.idleSince.plus(MAX_IDLE).isBefore(now)) {
                    return c;
                }
                c.close();
            }
        }
        return null;
    }

    private Connection open() {
        SshClient ssh = client();
        ClientSession session = null;
        boolean authenticating = false;
        try {
            session = ssh.connect(settings.username(), settings.host(), settings.port())
                    .verify(settings.timeout()).getSession();
            if (settings.auth() instanceof SftpSettings.Password p) {
                session.addPasswordIdentity(p.password());
            } else {
                session.addPublicKeyIdentity(keyPair());
            }
            authenticating = true;
            session.auth().verify(settings.timeout());
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            return new Connection(session, sftp);
        } catch (IOException e) {
            StorageException classified = classify(session, authenticating, e);
            if (session != null) {
                session.close(true);
            }
            throw classified;
        }
    }

    private synchronized SshClient client() {
        if (client == null) {
            SshClient c = SshClient.setUpDefaultClient();
            // the SFTP client waits this long for each answer; the channel window for room to write
            DefaultSftpClient.SFTP_CLIENT_CMD_TIMEOUT.set(c, settings.timeout());
            CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(c, settings.timeout());
            CoreModuleProperties.CHANNEL_OPEN_TIMEOUT.set(c, settings.timeout());
            c.setServerKeyVerifier(settings.insecureAcceptAnyHostKey() ? AcceptAllServerKeyVerifier.INSTANCE
                    : new RecordingVerifier(settings));
            c.start();
            client = c;
        }
        return client;
    }

    private synchronized KeyPair keyPair() {
        if (keyPair == null) {
            SftpSettings.PrivateKey k = (SftpSettings.PrivateKey) settings.auth();
            try (InputStream in = Files.newInputStream(k.keyFile())) {
                Iterator<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null,
                        NamedResource.ofName(k.keyFile().toString()), in,
                        FilePasswordProvider.of(k.passphrase().orElse(null))).iterator();
                if (!keys.hasNext()) {
                    throw new GeneralSecurityException("no key in the file");
                }
                keyPair = keys.next();
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new StorageException(StorageException.Kind.REJECTED, "Cannot read the SFTP private key file "
                        + k.keyFile() + " (" + e.getClass().getSimpleName() + "): check that it exists, is readable"
                        + " by the worker, is an OpenSSH or PEM private key and, if encrypted, that the passphrase"
                        + " is set (sinks.*.sftp.privateKeyPassphraseEnv)", e);
            }
        }
        return keyPair;
    }

    /** Stops the client and closes idle connections (tests; the worker keeps its sinks for its lifetime). */
    synchronized void close() {
        synchronized (idle) {
            idle.forEach(Connection::close);
            idle.clear();
        }
        if (client != null) {
            client.stop();
            client = null;
        }
    }

    private StorageException classify(ClientSession session, boolean authenticating, IOException e) {
        String where = "SFTP server " + settings.hostAndPort();
        HostKeyProblem hostKey = session == null ? null : session.getAttribute(HOST_KEY_PROBLEM);
        if (hostKey != null) {
            return new StorageException(StorageException.Kind.REJECTED, hostKeyMessage(hostKey), e);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = (e.getMessage() + " " + root.getMessage()).toLowerCase(Locale.ROOT);
        if (text.contains("timeout") || text.contains("timed out")) {
            return new StorageException(StorageException.Kind.UNAVAILABLE, where + " did not answer within "
                    + settings.timeout() + " (" + (authenticating ? "logging in" : "connecting")
                    + "); retried later. If it persists check the host, port, firewall and sinks.*.sftp.timeout", e);
        }
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return new StorageException(StorageException.Kind.UNAVAILABLE, where + " refused or could not be"
                    + " reached (" + root.getClass().getSimpleName() + "); retried later. If it persists check that"
                    + " the server is up and sinks.*.sftp.host and port are right", e);
        }
        if (root instanceof UnknownHostException) {
            return new StorageException(StorageException.Kind.UNAVAILABLE, "Cannot resolve the SFTP host "
                    + settings.host() + "; retried later. Check sinks.*.sftp.host and DNS", e);
        }
        if (authenticating && text.contains("no more authentication methods")) {
            String how = settings.auth() instanceof SftpSettings.PrivateKey k
                    ? "private key " + k.keyFile() + " (is its public key in the user's authorized_keys?)"
                    : "password (is the configured password current?)";
            return new StorageException(StorageException.Kind.REJECTED, where + " refused the login of user '"
                    + settings.username() + "' with the " + how + "; fix the credentials or sinks.*.sftp.username",
                    e);
        }
        return new StorageException(StorageException.Kind.UNAVAILABLE, where + ": the SSH connection failed while "
                + (authenticating ? "logging in" : "connecting") + " (" + e.getClass().getSimpleName() + ": "
                + e.getMessage() + "); retried later", e);
    }

    private String hostKeyMessage(HostKeyProblem p) {
        String file = settings.knownHostsFile().map(Object::toString).orElse("known_hosts");
        String fingerprint = KeyUtils.getFingerPrint(p.presented());
        String scan = "ssh-keyscan" + (settings.port() == 22 ? "" : " -p " + settings.port()) + " " + settings.host()
                + " >> " + file;
        String line = knownHostsLine(p.presented());
        if (p.changed()) {
            return "The host key of SFTP server " + settings.hostAndPort() + " CHANGED (it now presents "
                    + fingerprint + ", which " + file + " does not list for it): this can be an attack on the"
                    + " connection or a reinstalled server. Nothing was sent. Confirm the new fingerprint with the"
                    + " server's administrator, then replace its entry: ssh-keygen -R '" + knownHostsHost() + "' -f "
                    + file + " and add: " + line;
        }
        return "The SFTP server " + settings.hostAndPort() + " presented a host key (" + fingerprint + ") that "
                + file + " does not list, so it was not trusted and nothing was sent. Confirm the fingerprint"
                + " with the server's administrator, then add it: " + scan + " (or add the line: " + line + ")";
    }

    private String knownHostsHost() {
        return settings.port() == 22 ? settings.host() : "[" + settings.host() + "]:" + settings.port();
    }

    private String knownHostsLine(PublicKey key) {
        try {
            return knownHostsHost() + " " + PublicKeyEntry.toString(key);
        } catch (IllegalArgumentException e) {
            return knownHostsHost() + " <key type> <key>";
        }
    }

    /** Trusts only keys listed in known_hosts; remembers on the session why it refused one. */
    private static final class RecordingVerifier extends KnownHostsServerKeyVerifier {
        RecordingVerifier(SftpSettings settings) {
            super(RejectAllServerKeyVerifier.INSTANCE, settings.knownHostsFile().orElseThrow());
            setModifiedServerKeyAcceptor((session, address, entry, expected, actual) -> {
                session.setAttribute(HOST_KEY_PROBLEM, new HostKeyProblem(true, actual));
                return false;
            });
        }

        @Override
        protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey serverKey) {
            session.setAttribute(HOST_KEY_PROBLEM, new HostKeyProblem(false, serverKey));
            return false;
        }
    }
}
