package com.pbiexport.contracts;

/** Bytes that are not the expected JSON, or an object Jackson cannot write. Unchecked, as Jackson 3 does. */
public class EventCodecException extends RuntimeException {
    public EventCodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
