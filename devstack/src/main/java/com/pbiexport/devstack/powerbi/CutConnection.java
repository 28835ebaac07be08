package com.pbiexport.devstack.powerbi;

import java.io.IOException;

/**
 * Thrown to cut a connection mid-answer: the JDK server closes the socket only when the handler itself throws
 * an {@code IOException} (closing a body shorter than its Content-Length leaves the socket open and the client
 * waiting).
 */
final class CutConnection extends IOException {
    CutConnection(String message) {
        super(message);
    }
}
