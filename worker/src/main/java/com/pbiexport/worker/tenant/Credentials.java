package com.pbiexport.worker.tenant;

import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.config.CredentialConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Maps configured credentials to token-source credentials. Secrets are read on every use (from the
 * environment or a mounted file), so a rotated Kubernetes secret is picked up without a restart.
 */
final class Credentials {
    private Credentials() {
    }

    static CredentialSource from(String alias, CredentialConfig c, Map<String, String> env) {
        if (c instanceof CredentialConfig.Secret s) {
            return new CredentialSource.Secret(secret("tenants." + alias + ".credential.secret", s.value(), s.env(),
                    s.file(), env));
        } else if (c instanceof CredentialConfig.Certificate cert) {
            return new CredentialSource.Certificate(cert.pkcs12File(),
                    secret("tenants." + alias + ".credential.password", Optional.empty(), cert.passwordEnv(),
                            cert.passwordFile(), env));
        } else if (c instanceof CredentialConfig.AssertionFile a) {
            return new CredentialSource.AssertionFile(a.file());
        }
        throw new IllegalArgumentException("unsupported credential kind " + c.kind());
    }

    private static Supplier<String> secret(String setting, Optional<String> value, Optional<String> envName,
                                           Optional<Path> file, Map<String, String> env) {
        if (value.isPresent()) {
            String v = value.get();
            return () -> v;
        }
        if (envName.isPresent()) {
            String name = envName.get();
            return () -> {
                String v = env.get(name);
                if (v == null || v.isBlank()) {
                    throw new IllegalStateException(setting + ": environment variable " + name + " is not set");
                }
                return v;
            };
        }
        if (file.isPresent()) {
            Path p = file.get();
            return () -> {
                try {
                    return Files.readString(p, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException(setting + ": cannot read " + p + " (" + e.getClass().getSimpleName()
                            + ")", e);
                }
            };
        }
        return () -> "";
    }
}
