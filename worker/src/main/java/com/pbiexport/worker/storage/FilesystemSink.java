package com.pbiexport.worker.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores files under a root directory, atomically: the content goes to a hidden temporary file in the target's
 * own directory ({@code .<random>.part}), is flushed to disk ({@code fsync}), then renamed over the final name with
 * {@code ATOMIC_MOVE}. Readers therefore see either the previous complete file or the new complete file, never a
 * partial one; a failed store deletes its temporary file. A crash between write and rename can leave a
 * {@code .part} file behind (hidden, never under a final name); such files are safe to delete.
 *
 * <p>Keys must pass {@link FileNames#requireSafeKey}; the resolved path must stay under the root, and so must the
 * real path of its directory (a symbolic link inside the root cannot lead a write outside it).
 *
 * <p>Storing the same key again replaces the file (idempotent retries). Thread-safe: concurrent stores use distinct
 * temporary files; two concurrent stores of the same key end with one of the two complete contents.
 */
public final class FilesystemSink implements FileSink {

    private static final Logger LOG = LoggerFactory.getLogger(FilesystemSink.class);
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;

    /** @param root the directory files go under; created on first use if missing */
    public FilesystemSink(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /** The absolute, normalised root directory. */
    public Path root() {
        return root;
    }

    @Override
    public String describe() {
        return "filesystem:" + root;
    }

    @Override
    public void checkReady() {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw ioFailure("Cannot create the sink root directory " + root, e);
        }
        // write for real: permission bits say nothing to root or about a read-only mount
        Path probe = root.resolve(".pbiexport-write-check-" + HexFormat.of().formatHex(randomBytes()));
        try {
            Files.write(probe, new byte[]{1});
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new StorageException(StorageException.Kind.REJECTED, "The sink root directory " + root
                    + " is not writable by this process (" + e.getClass().getSimpleName()
                    + "); fix its permissions or mount, or choose another sinks.*.root", e);
        }
    }

    @Override
    public SinkResult store(StoreRequest request, InputStream content) {
        Objects.requireNonNull(content, "content");
        FileNames.requireSafeKey(request.fileName());
        Path target = root.resolve(request.fileName()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new StorageException(StorageException.Kind.INVALID_NAME,
                    "File key '" + FileNames.escape(request.fileName()) + "' leads outside " + root);
        }
        String where = "filesystem " + target;
        DigestingInputStream.checkAnnouncedLength(request, where);
        Path directory = prepareDirectory(target, request.fileName());

        Path temp = directory.resolve(".pbiexport-" + HexFormat.of().formatHex(randomBytes()) + ".part");
        DigestingInputStream digesting = new DigestingInputStream(content, request.maxBytes(), request.expectedLength());
        boolean moved = false;
        try {
            // CREATE_NEW: never follow or reuse something already there; default permissions follow the umask
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                copy(digesting, out);
                out.force(true);
            }
            // move within the directory whose real path was checked, not through the key again
            moveIntoPlace(temp, directory.resolve(target.getFileName()));
            moved = true;
            syncDirectory(directory);
            return new SinkResult(target.toUri(), digesting.count(), digesting.sha256Hex(), request.contentType(),
                    FileNames.leafOf(request.fileName()));
        } catch (IOException e) {
            StorageException own = digesting.failureAsStorageException(where);
            throw own != null ? own : ioFailure("Could not write " + target, e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    /** Creates the target's directory and proves that its real location is still under the real root. */
    private Path prepareDirectory(Path target, String key) {
        Path directory = target.getParent();
        try {
            Files.createDirectories(root);
            Path realRoot = root.toRealPath();
            Files.createDirectories(directory);
            Path realDirectory = directory.toRealPath();
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new StorageException(StorageException.Kind.REJECTED, "Cannot store " + target
                        + ": a directory occupies that name inside the sink root; remove it or use another key");
            }
            if (!realDirectory.startsWith(realRoot)) {
                throw new StorageException(StorageException.Kind.INVALID_NAME, "File key '" + FileNames.escape(key)
                        + "' leads outside " + root + " through a symbolic link (" + realDirectory + ")");
            }
            return realDirectory;
        } catch (IOException e) {
            throw ioFailure("Could not create the directory " + directory, e);
        }
    }

    private static void copy(DigestingInputStream in, FileChannel out) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            wrapped.clear().limit(n);
            while (wrapped.hasRemaining()) {
                out.write(wrapped);
            }
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // cannot happen within one directory on a local file system; refuse rather than expose a partial file
            throw new IOException("the file system does not support atomic renames in " + target.getParent(), e);
        }
    }

    /** Makes the rename itself durable. Not possible on every platform (e.g. Windows); then best effort. */
    private static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Could not fsync directory {}: {}", directory, e.toString());
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary file {}: {}", temp, e.toString());
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Permission problems will not heal by retrying; everything else (disk full, I/O error) may. */
    private static StorageException ioFailure(String what, IOException e) {
        if (e instanceof AccessDeniedException) {
            return new StorageException(StorageException.Kind.REJECTED,
                    what + ": permission denied (" + e.getMessage() + "); fix the permissions of the sink root", e);
        }
        if (e instanceof NoSuchFileException || e instanceof FileAlreadyExistsException
                || e instanceof NotDirectoryException || e instanceof DirectoryNotEmptyException) {
            return new StorageException(StorageException.Kind.REJECTED,
                    what + ": " + e.getClass().getSimpleName() + " " + e.getMessage()
                            + "; something else occupies that path inside the sink root", e);
        }
        return new StorageException(StorageException.Kind.UNAVAILABLE, what + ": " + e, e);
    }
}
