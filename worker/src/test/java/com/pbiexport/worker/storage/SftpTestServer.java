package com.pbiexport.worker.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * A real SSH server with the SFTP subsystem on a random loopback port, its files in {@link #root()}. One user,
 * {@link #USER}, logs in with {@link #PASSWORD} or the key in {@link #clientKeyFile()}. The directory
 * {@value #READ_ONLY} refuses writes with "permission denied", as a read-only directory does on a real server
 * (set up in the server rather than by file modes, which do not bind root).
 */
public final class SftpTestServer implements AutoCloseable {

    public static final String USER = "exporter";
    public static final String PASSWORD = "correct horse battery staple";
    static final String KEY_PASSPHRASE = "key passphrase";
    static final String READ_ONLY = "readonly";

    private final SshServer server;
    private final Path root;
    private final KeyPair hostKey;
    private final KeyPair clientKey;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final AtomicInteger maxOpenSessions = new AtomicInteger();

    private SftpTestServer(Path root) throws IOException, GeneralSecurityException {
        this.root = root;
        this.hostKey = ecKey();
        this.clientKey = ecKey();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user)
                && KeyUtils.compareKeys(key, clientKey.getPublic()));
        server.setKeyboardInteractiveAuthenticator(null);
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.setFileSystemAccessor(new ReadOnlyUnder(READ_ONLY));
        server.setSubsystemFactories(List.of(sftp));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                maxOpenSessions.accumulateAndGet(openSessions.incrementAndGet(), Math::max);
            }

            @Override
            public void sessionClosed(Session session) {
                openSessions.decrementAndGet();
            }
        });
        server.start();
    }

    public static SftpTestServer start(Path root) throws Exception {
        Files.createDirectories(root.resolve(READ_ONLY));
        return new SftpTestServer(root);
    }

    public int port() {
        return server.getPort();
    }

    public Path root() {
        return root;
    }

    /** SSH sessions open now (a client's pool holds its idle connections open). */
    public int openSessions() {
        return openSessions.get();
    }

    int maxOpenSessions() {
        return maxOpenSessions.get();
    }

    /** A known_hosts file that lists this server's host key under {@code [127.0.0.1]:port}. */
    public Path knownHosts(Path dir) throws IOException {
        return writeKnownHosts(dir.resolve("known_hosts"), hostKey);
    }

    /** A known_hosts file that lists another key for this server (what a changed host key looks like). */
    Path knownHostsWithAnotherKey(Path dir) throws Exception {
        return writeKnownHosts(dir.resolve("known_hosts_other"), ecKey());
    }

    private Path writeKnownHosts(Path file, KeyPair key) throws IOException {
        Files.writeString(file, "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(key.getPublic()) + "\n",
                StandardCharsets.US_ASCII);
        return file;
    }

    /** The client's private key in OpenSSH format, encrypted with {@link #KEY_PASSPHRASE}. */
    Path clientKeyFile(Path dir) throws Exception {
        Path file = dir.resolve("id_ecdsa");
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword(KEY_PASSPHRASE);
        encryption.setCipherName("AES");
        encryption.setCipherMode("CTR");
        encryption.setCipherType("256");
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "test", encryption, out);
        }
        return file;
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    /** Refuses to create files or directories below one directory, as the server's permissions would. */
    private static final class ReadOnlyUnder implements SftpFileSystemAccessor {
        private final String readOnly;

        /** @param name the directory's name right under the root */
        ReadOnlyUnder(String name) {
            this.readOnly = "/" + name + "/";
        }

        /** Paths here are the server's virtual ones ({@code /readonly/x}), not the real directory's. */
        private void refuseIfReadOnly(Path path) throws AccessDeniedException {
            String p = path.toAbsolutePath().normalize().toString().replace('\\', '/');
            if (p.contains(readOnly)) {
                throw new AccessDeniedException(p);
            }
        }

        @Override
        public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file,
                                            String handle, Set<? extends OpenOption> options,
                                            FileAttribute<?>... attrs) throws IOException {
            if (options.contains(java.nio.file.StandardOpenOption.WRITE)
                    || options.contains(java.nio.file.StandardOpenOption.CREATE)
                    || options.contains(java.nio.file.StandardOpenOption.CREATE_NEW)) {
                refuseIfReadOnly(file);
            }
            return SftpFileSystemAccessor.super.openFile(subsystem, fileHandle, file, handle, options, attrs);
        }

        @Override
        public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
            refuseIfReadOnly(path);
            SftpFileSystemAccessor.super.createDirectory(subsystem, path);
        }
    }
}
