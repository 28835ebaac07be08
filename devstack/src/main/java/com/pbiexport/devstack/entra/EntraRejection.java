package com.pbiexport.devstack.entra;

/**
 * Thrown inside the simulator when a request must be answered with an Entra error; the handler turns it into
 * the JSON error body. Carries no stack trace: it is control flow, thrown on every rejected token request.
 */
final class EntraRejection extends RuntimeException {
    private final transient EntraError error;

    EntraRejection(EntraError error) {
        super(error.describe(), null, false, false);
        this.error = error;
    }

    EntraError error() {
        return error;
    }
}
