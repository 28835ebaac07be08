package com.pbiexport.worker.auth;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a tenant's service principal proves who it is. Values are read through suppliers/files on EVERY token
 * acquisition, so a rotated secret, certificate or federated token is picked up without a restart.
 * Suppliers must not put the secret into exception messages.
 */
public sealed interface CredentialSource
        permits CredentialSource.Secret, CredentialSource.Certificate, CredentialSource.AssertionFile {

    /** A client secret (from config, an environment variable or a mounted file, as the app layer decides). */
    record Secret(Supplier<String> value) implements CredentialSource {
        public Secret {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "Secret[<redacted>]";
        }
    }

    /** A PKCS#12 file holding the certificate and its private key, and the file's password. */
    record Certificate(Path pkcs12File, Supplier<String> password) implements CredentialSource {
        public Certificate {
            Objects.requireNonNull(pkcs12File, "pkcs12File");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Certificate[" + pkcs12File + "]";
        }
    }

    /**
     * A file holding a client assertion JWT, re-read on every token request: Kubernetes / Azure workload identity
     * federation projects a short-lived token there (e.g. {@code AZURE_FEDERATED_TOKEN_FILE}).
     */
    record AssertionFile(Path file) implements CredentialSource {
        public AssertionFile {
            Objects.requireNonNull(file, "file");
        }
    }
}
