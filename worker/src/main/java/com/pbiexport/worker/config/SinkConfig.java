package com.pbiexport.worker.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** Where finished files are stored. */
public sealed interface SinkConfig permits SinkConfig.Filesystem, SinkConfig.AzureBlob {

    /** Short kind name: {@code filesystem} or {@code azureBlob}. */
    String kind();

    /** A directory; files are written atomically below it and never outside it. */
    record Filesystem(Path root) implements SinkConfig {
        public Filesystem {
            Objects.requireNonNull(root, "root");
        }

        @Override
        public String kind() {
            return "filesystem";
        }
    }

    /**
     * An Azure Blob Storage container. The connection string comes from an environment variable (preferred)
     * or inline (development, e.g. Azurite's well-known development key).
     *
     * @param prefix         blob name prefix, e.g. {@code exports/}; may be empty
     * @param serviceVersion pins the storage service API version (Azurite may lag behind the SDK)
     */
    record AzureBlob(Optional<String> connectionString, Optional<String> connectionStringEnv, String container,
                     String prefix, Optional<String> serviceVersion) implements SinkConfig {
        public AzureBlob {
            Objects.requireNonNull(connectionString, "connectionString");
            Objects.requireNonNull(connectionStringEnv, "connectionStringEnv");
            Objects.requireNonNull(container, "container");
            prefix = prefix == null ? "" : prefix;
            Objects.requireNonNull(serviceVersion, "serviceVersion");
        }

        @Override
        public String kind() {
            return "azureBlob";
        }

        /** Never prints the connection string (it carries the account key). */
        @Override
        public String toString() {
            return "AzureBlob[connectionString=" + connectionString.map(v -> "***").orElse("<none>")
                    + ", connectionStringEnv=" + connectionStringEnv.orElse("<none>") + ", container=" + container
                    + ", prefix=" + prefix + ", serviceVersion=" + serviceVersion.orElse("<default>") + "]";
        }
    }
}
