package com.pbiexport.worker.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores files on an SFTP server (Apache MINA SSHD client) below {@link SftpSettings#directory()}.
 *
 * <h2>Never a partial file</h2>
 * The content streams to a hidden temporary file in the target's own directory ({@code .pbiexport-<random>.part},
 * created exclusively), then is renamed over the final name: with the {@code posix-rename@openssh.com} extension
 * when the server offers it (OpenSSH does; atomic, replaces an existing file), else with SFTP v5+ atomic overwrite
 * rename, else (plain v3 rename refuses an existing target) by moving the old file aside, renaming, and deleting
 * the old one: readers may then briefly find no file, but never a partial one. A failed store removes its
 * temporary file (over a fresh connection if the old one dropped).
 *
 * <h2>Trust</h2>
 * The server's host key must be listed in {@link SftpSettings#knownHostsFile()} (unless the explicitly insecure
 * opt-out is set); an unknown or changed key is {@link StorageException.Kind#REJECTED} before anything is sent,
 * with the {@code ssh-keyscan} line that fixes it. Passwords and passphrases never appear in messages.
 *
 * <h2>Resources</h2>
 * Memory: one 32 KiB copy buffer per store plus MINA's bounded write pipeline. Connections: at most
 * {@link SftpSettings#maxConnections()}, reused while fresh ({@link SftpConnections}). Every connect, login and
 * SFTP request is bounded by {@link SftpSettings#timeout()}. Retries are the caller's: failures say whether one
 * can help ({@link StorageException.Kind}).
 */
public final class SftpSink implements FileSink {

    private static final Logger LOG = LoggerFactory.getLogger(SftpSink.class);
    private static final int BUFFER_BYTES = 32 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SftpSettings settings;
    private final SftpConnections connections;
    private final String directory;
    private volatile String root;

    public SftpSink(SftpSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** @param clock measures how long pooled connections have been idle */
    public SftpSink(SftpSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.directory = normaliseDirectory(settings.directory());
        this.connections = new SftpConnections(settings, Objects.requireNonNull(clock, "clock"));
        if (settings.insecureAcceptAnyHostKey()) {
            LOG.warn("INSECURE: the SFTP sink {} accepts any host key (insecureAcceptAnyHostKey): anyone on the"
                    + " network path can read and alter the files; set a knownHostsFile instead", describe());
        }
    }

    @Override
    public String describe() {
        return "sftp:" + settings.username() + "@" + settings.hostAndPort()
                + (directory.startsWith("/") ? directory : "/~" + (directory.isEmpty() ? "" : "/" + directory));
    }

    @Override
    public void checkReady() {
        if (settings.knownHostsFile().isPresent() && !java.nio.file.Files.isReadable(settings.knownHostsFile().get())) {
            throw new StorageException(StorageException.Kind.REJECTED, "The known_hosts file "
                    + settings.knownHostsFile().get() + " of " + describe() + " is missing or unreadable; create it"
                    + " with: ssh-keyscan" + (settings.port() == 22 ? "" : " -p " + settings.port()) + " "
                    + settings.host() + " > " + settings.knownHostsFile().get() + " (after checking the fingerprint)");
        }
        SftpConnections.Connection c = connections.acquire();
        boolean healthy = false;
        try {
            String dir = root(c.sftp);
            ensureDirectory(c.sftp, dir);
            String probe = dir + "/.pbiexport-write-check-" + randomHex();
            try (OutputStream out = c.sftp.write(probe, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                    SftpClient.OpenMode.Exclusive)) {
                out.write(1);
            }
            c.sftp.remove(probe);
            healthy = true;
        } catch (IOException e) {
            healthy = e instanceof SftpException;
            throw SftpFailures.of("Cannot write to " + describe(), e, settings);
        } finally {
            connections.release(c, healthy);
        }
    }

    @Override
    public SinkResult store(StoreRequest request, InputStream content) {
        Objects.requireNonNull(content, "content");
        FileNames.requireSafeKey(request.fileName());
        String where = describe() + "/" + request.fileName();
        DigestingInputStream.checkAnnouncedLength(request, where);
        DigestingInputStream digesting = new DigestingInputStream(content, request.maxBytes(), request.expectedLength());

        SftpConnections.Connection c = connections.acquire();
        boolean healthy = false;
        String temp = null;
        boolean moved = false;
        try {
            String target = root(c.sftp) + "/" + request.fileName();
            String dir = target.substring(0, target.lastIndexOf('/'));
            ensureDirectory(c.sftp, dir);
            temp = dir + "/.pbiexport-" + randomHex() + ".part";
            try (OutputStream out = c.sftp.write(temp, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                    SftpClient.OpenMode.Exclusive)) {
                byte[] buffer = new byte[BUFFER_BYTES];
                int n;
                while ((n = digesting.read(buffer, 0, buffer.length)) >= 0) {
                    out.write(buffer, 0, n);
                }
            }
            moveIntoPlace(c.sftp, temp, target);
            moved = true;
            healthy = true;
            return new SinkResult(uri(target), digesting.count(), digesting.sha256Hex(), request.contentType(),
                    FileNames.leafOf(request.fileName()));
        } catch (IOException e) {
            StorageException own = digesting.failureAsStorageException(where);
            healthy = own != null || e instanceof SftpException;
            throw own != null ? own : SftpFailures.of("Could not store " + where, e, settings);
        } finally {
            if (!moved && temp != null) {
                c = removeTemporary(c, temp);
            }
            connections.release(c, healthy && c.isOpen());
        }
    }

    /** Releases the SSH client and idle connections. */
    @Override
    public void close() {
        connections.close();
    }

    /**
     * The absolute remote directory files go below, resolved against the login directory once; without a trailing
     * slash, so the server's root is {@code ""}.
     */
    private String root(SftpClient sftp) throws IOException {
        String r = root;
        if (r == null) {
            if (directory.startsWith("/")) {
                r = directory.equals("/") ? "" : directory;
            } else {
                String home = sftp.canonicalPath(".");
                String base = home.endsWith("/") ? home.substring(0, home.length() - 1) : home;
                r = directory.isEmpty() ? base : base + "/" + directory;
            }
            root = r;
        }
        return r;
    }

    /** Creates {@code dir} and its missing parents; tolerates another store creating them at the same time. */
    private void ensureDirectory(SftpClient sftp, String dir) throws IOException {
        if (dir.isEmpty() || isDirectory(sftp, dir)) {
            return;
        }
        int slash = dir.lastIndexOf('/');
        if (slash > 0) {
            ensureDirectory(sftp, dir.substring(0, slash));
        }
        try {
            sftp.mkdir(dir);
        } catch (SftpException e) {
            if (!isDirectory(sftp, dir)) {
                throw e;
            }
        }
    }

    private static boolean isDirectory(SftpClient sftp, String path) throws IOException {
        try {
            SftpClient.Attributes a = sftp.stat(path);
            if (!a.isDirectory()) {
                throw new SftpException(SftpConstants.SSH_FX_NOT_A_DIRECTORY, path + " exists and is not a directory");
            }
            return true;
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH) {
                return false;
            }
            throw e;
        }
    }

    private static void moveIntoPlace(SftpClient sftp, String temp, String target) throws IOException {
        OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(temp, target);
            return;
        }
        if (sftp.getVersion() >= SftpConstants.SFTP_V5) {
            sftp.rename(temp, target, SftpClient.CopyMode.Atomic, SftpClient.CopyMode.Overwrite);
            return;
        }
        try {
            sftp.rename(temp, target);
            return;
        } catch (SftpException e) {
            if (!exists(sftp, target)) {
                throw e;
            }
        }
        // v3 rename never replaces: move the old complete file aside, put the new one in, drop the old one
        String aside = target.substring(0, target.lastIndexOf('/')) + "/.pbiexport-" + randomHex() + ".old";
        sftp.rename(target, aside);
        try {
            sftp.rename(temp, target);
        } catch (IOException e) {
            try {
                sftp.rename(aside, target);
            } catch (IOException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        try {
            sftp.remove(aside);
        } catch (IOException e) {
            LOG.warn("Could not delete the replaced file {}: {}", aside, e.toString());
        }
    }

    private static boolean exists(SftpClient sftp, String path) {
        try {
            sftp.lstat(path);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes the temporary file, over a new connection if this one dropped; returns the connection to release. */
    private SftpConnections.Connection removeTemporary(SftpConnections.Connection c, String temp) {
        SftpConnections.Connection live = c;
        try {
            if (!live.isOpen()) {
                live = connections.reopen(c);
            }
            live.sftp.remove(temp);
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                LOG.warn("Could not delete the temporary file {} on {}: {}", temp, describe(), e.toString());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete the temporary file {} on {}: {}", temp, describe(), e.toString());
        }
        return live;
    }

    private URI uri(String absolutePath) {
        try {
            return new URI("sftp", settings.username(), settings.host(), settings.port(), absolutePath, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot build an sftp URI for " + absolutePath, e);
        }
    }

    private static String normaliseDirectory(String dir) {
        String d = dir.strip();
        boolean absolute = d.startsWith("/");
        while (d.startsWith("/")) {
            d = d.substring(1);
        }
        while (d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        if (!d.isEmpty()) {
            try {
                FileNames.requireSafeKey(d);
            } catch (StorageException e) {
                throw new IllegalArgumentException("SFTP directory: " + e.getMessage(), e);
            }
        }
        return absolute ? "/" + d : d;
    }

    private static String randomHex() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
