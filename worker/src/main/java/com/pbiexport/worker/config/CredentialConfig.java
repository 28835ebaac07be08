package com.pbiexport.worker.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a tenant's service principal proves its identity. Secrets are referenced (an environment variable or
 * a mounted file, re-read on rotation), never copied into logs or events.
 */
public sealed interface CredentialConfig permits CredentialConfig.Secret, CredentialConfig.Certificate,
        CredentialConfig.AssertionFile {

    /** Short kind name for messages: {@code secret}, {@code certificate}, {@code assertionFile}. */
    String kind();

    /**
     * A client secret: exactly one of an inline value (development only: the loader warns), an environment
     * variable name, or a file (e.g. a mounted Kubernetes secret).
     */
    record Secret(Optional<String> value, Optional<String> env, Optional<Path> file) implements CredentialConfig {
        public Secret {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(env, "env");
            Objects.requireNonNull(file, "file");
        }

        public static Secret fromEnv(String envName) {
            return new Secret(Optional.empty(), Optional.of(envName), Optional.empty());
        }

        public static Secret fromFile(Path file) {
            return new Secret(Optional.empty(), Optional.empty(), Optional.of(file));
        }

        /** Development and tests only. */
        public static Secret inline(String value) {
            return new Secret(Optional.of(value), Optional.empty(), Optional.empty());
        }

        @Override
        public String kind() {
            return "secret";
        }

        /** Never prints the inline value. */
        @Override
        public String toString() {
            return "Secret[value=" + value.map(v -> "***").orElse("<none>") + ", env=" + env.orElse("<none>")
                    + ", file=" + file.map(Path::toString).orElse("<none>") + "]";
        }
    }

    /** A PKCS#12 file with the certificate and its private key; the password from an env var or a file. */
    record Certificate(Path pkcs12File, Optional<String> passwordEnv, Optional<Path> passwordFile)
            implements CredentialConfig {
        public Certificate {
            Objects.requireNonNull(pkcs12File, "pkcs12File");
            Objects.requireNonNull(passwordEnv, "passwordEnv");
            Objects.requireNonNull(passwordFile, "passwordFile");
        }

        @Override
        public String kind() {
            return "certificate";
        }
    }

    /**
     * A client assertion (JWT) read from a file on every token request: workload identity federation, e.g. the
     * projected service-account token of Azure Workload Identity ({@code AZURE_FEDERATED_TOKEN_FILE}).
     */
    record AssertionFile(Path file) implements CredentialConfig {
        public AssertionFile {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String kind() {
            return "assertionFile";
        }
    }
}
