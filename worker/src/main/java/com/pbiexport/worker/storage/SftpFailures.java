package com.pbiexport.worker.storage;

import java.io.IOException;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Classifies what went wrong talking SFTP once connected: the server's status codes that no retry will change
 * (permission, quota, a missing or wrong kind of path) are {@link StorageException.Kind#REJECTED}; everything
 * else (a generic failure, a full disk, a dropped or timed-out connection) is
 * {@link StorageException.Kind#UNAVAILABLE}.
 */
final class SftpFailures {
    private SftpFailures() {
    }

    static StorageException of(String what, IOException e, SftpSettings settings) {
        if (!(e instanceof SftpException s)) {
            return new StorageException(StorageException.Kind.UNAVAILABLE, what + ": the SFTP connection to "
                    + settings.hostAndPort() + " failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); retried later", e);
        }
        String status = SftpConstants.getStatusName(s.getStatus()) + " " + s.getMessage();
        return switch (s.getStatus()) {
            case SftpConstants.SSH_FX_PERMISSION_DENIED, SftpConstants.SSH_FX_WRITE_PROTECT ->
                    new StorageException(StorageException.Kind.REJECTED, what + ": permission denied (" + status
                            + "); give user '" + settings.username() + "' write access to that directory on the"
                            + " server, or choose another sinks.*.sftp.directory", e);
            case SftpConstants.SSH_FX_QUOTA_EXCEEDED -> new StorageException(StorageException.Kind.REJECTED,
                    what + ": the user's quota on the server is exhausted (" + status + "); free space or raise"
                            + " the quota", e);
            case SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH,
                    SftpConstants.SSH_FX_NOT_A_DIRECTORY, SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY,
                    SftpConstants.SSH_FX_INVALID_FILENAME, SftpConstants.SSH_FX_OP_UNSUPPORTED ->
                    new StorageException(StorageException.Kind.REJECTED, what + ": the server refused the path ("
                            + status + "); something else occupies it, or sinks.*.sftp.directory is wrong", e);
            default -> new StorageException(StorageException.Kind.UNAVAILABLE, what + ": the SFTP server answered "
                    + status + "; retried later (a full disk on the server also looks like this)", e);
        };
    }
}
