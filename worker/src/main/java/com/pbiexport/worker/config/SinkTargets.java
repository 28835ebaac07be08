package com.pbiexport.worker.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@code sinks.*} into {@link Sinks}: exactly one kind per target (filesystem, Azure Blob, SFTP, S3, e-mail), the
 * checks that span a target's settings, and the default sink. Part of {@link ConfigBuilder}, whose value look-ups
 * and problem list it shares.
 */
final class SinkTargets {
    private final ConfigBuilder config;
    private final RawSettings raw;

    SinkTargets(ConfigBuilder config, RawSettings raw) {
        this.config = config;
        this.raw = raw;
    }

    Sinks build() {
        Map<String, SinkConfig> targets = new LinkedHashMap<>();
        List<String> aliases = raw.aliasesUnder("sinks.targets");
        for (String alias : aliases) {
            String p = "sinks.targets." + alias;
            List<String> kinds = config.present(p, "filesystem", "azureBlob", "sftp", "s3", "email");
            if (kinds.size() != 1) {
                raw.problems.add(p + " must set exactly one of filesystem, azureBlob, sftp, s3 or email; found "
                        + ConfigBuilder.found(kinds));
                continue;
            }
            if (kinds.get(0).equals("sftp")) {
                sftp(p + ".sftp").ifPresent(s -> targets.put(alias, s));
                continue;
            }
            if (kinds.get(0).equals("email")) {
                email(p + ".email").ifPresent(s -> targets.put(alias, s));
                continue;
            }
            if (kinds.get(0).equals("s3")) {
                s3Sink(p + ".s3").ifPresent(s -> targets.put(alias, s));
                continue;
            }
            if (kinds.get(0).equals("filesystem")) {
                config.<Path>opt(p + ".filesystem.root").ifPresent(
                        root -> targets.put(alias, new SinkConfig.Filesystem(root)));
                continue;
            }
            String b = p + ".azureBlob";
            List<String> sources = config.presentValues(b, "connectionStringEnv", "connectionString");
            if (sources.size() != 1) {
                raw.problems.add(b + " must set exactly one of connectionStringEnv or connectionString; found "
                        + ConfigBuilder.found(sources));
                continue;
            }
            Optional<String> inline = config.opt(b + ".connectionString");
            Optional<String> envName = config.opt(b + ".connectionStringEnv");
            inline.ifPresent(v -> raw.warnings.add(b + ".connectionString holds a storage connection string"
                    + " inline in the config file; use " + b + ".connectionStringEnv outside development"));
            envName.ifPresent(n -> config.warnIfUnset(b + ".connectionStringEnv", n));
            Optional<String> container = config.opt(b + ".container");
            container.ifPresent(c -> targets.put(alias, new SinkConfig.AzureBlob(inline, envName, c,
                    (String) config.valueOr(b + ".prefix", ""), config.opt(b + ".serviceVersion"))));
        }
        if (aliases.isEmpty()) {
            raw.problems.add("sinks.targets must configure at least one sink, e.g."
                    + " sinks.targets.local.filesystem.root: /var/lib/pbi-export");
            return null;
        }
        checkLinkSinks(targets);
        Optional<String> named = config.opt("sinks.defaultSink");
        if (named.isPresent()) {
            if (!aliases.contains(named.get())) {
                raw.problems.add(ConfigBuilder.label("sinks.defaultSink") + " names '" + named.get()
                        + "', which is not configured; configured sinks: " + String.join(", ", aliases));
                return null;
            }
            return new Sinks(named.get(), targets);
        }
        if (aliases.size() > 1) {
            raw.problems.add(ConfigBuilder.label("sinks.defaultSink")
                    + " is required when several sinks are configured ("
                    + String.join(", ", aliases) + ")");
            return null;
        }
        return new Sinks(aliases.get(0), targets);
    }

    private Optional<SinkConfig.Sftp> sftp(String p) {
        List<String> auth = config.presentValues(p, "passwordEnv", "passwordFile", "privateKeyFile");
        if (auth.size() != 1) {
            raw.problems.add(p + " must set exactly one of passwordEnv, passwordFile or privateKeyFile; found "
                    + ConfigBuilder.found(auth));
            return Optional.empty();
        }
        boolean insecure = (Boolean) config.valueOr(p + ".insecureAcceptAnyHostKey", false);
        Optional<Path> knownHosts = config.opt(p + ".knownHostsFile");
        if (knownHosts.isEmpty() && !insecure) {
            raw.problems.add(p + ".knownHostsFile is required to verify the server's host key: create it with"
                    + " ssh-keyscan -p <port> <host> > known_hosts (check the fingerprint with the server's owner)");
            return Optional.empty();
        }
        if (insecure) {
            raw.warnings.add(p + ".insecureAcceptAnyHostKey is true: the server's identity is NOT verified, anyone"
                    + " on the network path can read and alter the files; set " + p + ".knownHostsFile instead");
        }
        Optional<String> pwEnv = config.opt(p + ".passwordEnv");
        pwEnv.ifPresent(n -> config.warnIfUnset(p + ".passwordEnv", n));
        Optional<String> passphraseEnv = config.opt(p + ".privateKeyPassphraseEnv");
        passphraseEnv.ifPresent(n -> config.warnIfUnset(p + ".privateKeyPassphraseEnv", n));
        Optional<String> host = config.opt(p + ".host");
        Optional<String> user = config.opt(p + ".username");
        if (host.isEmpty() || user.isEmpty()) {
            return Optional.empty(); // required: already reported
        }
        return Optional.of(new SinkConfig.Sftp(host.get(),
                ((Number) config.valueOr(p + ".port", SinkConfig.Sftp.DEFAULT_PORT)).intValue(), user.get(),
                (String) config.valueOr(p + ".directory", ""), pwEnv, config.opt(p + ".passwordFile"),
                config.opt(p + ".privateKeyFile"), passphraseEnv, knownHosts, insecure,
                (Duration) config.valueOr(p + ".timeout", SinkConfig.Sftp.DEFAULT_TIMEOUT),
                ((Number) config.valueOr(p + ".maxConnections", SinkConfig.Sftp.DEFAULT_MAX_CONNECTIONS)).intValue()));
    }

    private Optional<SinkConfig> s3Sink(String b) {
        Optional<String> keyEnv = config.opt(b + ".accessKeyIdEnv");
        Optional<String> secretEnv = config.opt(b + ".secretAccessKeyEnv");
        Optional<String> tokenEnv = config.opt(b + ".sessionTokenEnv");
        if (keyEnv.isPresent() != secretEnv.isPresent()) {
            raw.problems.add(b + " must set both accessKeyIdEnv and secretAccessKeyEnv, or neither (web identity or"
                    + " the SDK's default credentials); found "
                    + ConfigBuilder.found(config.presentValues(b, "accessKeyIdEnv",
                    "secretAccessKeyEnv")));
            return Optional.empty();
        }
        if (tokenEnv.isPresent() && keyEnv.isEmpty()) {
            raw.problems.add(b + ".sessionTokenEnv needs accessKeyIdEnv and secretAccessKeyEnv");
            return Optional.empty();
        }
        keyEnv.ifPresent(n -> config.warnIfUnset(b + ".accessKeyIdEnv", n));
        secretEnv.ifPresent(n -> config.warnIfUnset(b + ".secretAccessKeyEnv", n));
        tokenEnv.ifPresent(n -> config.warnIfUnset(b + ".sessionTokenEnv", n));
        String configured = config.valueOr(b + ".serverSideEncryption", SinkConfig.S3.DEFAULT_ENCRYPTION).toString();
        String sse = switch (configured.trim().toLowerCase(Locale.ROOT)) {
            case "aes256" -> "AES256";
            case "aws:kms" -> "aws:kms";
            default -> "none";
        };
        Optional<String> kmsKeyId = config.opt(b + ".kmsKeyId");
        if (kmsKeyId.isPresent() && !sse.equals("aws:kms")) {
            raw.problems.add(b + ".kmsKeyId is set but serverSideEncryption is " + sse + "; set serverSideEncryption"
                    + " to aws:kms, or remove kmsKeyId");
            return Optional.empty();
        }
        Optional<URI> endpoint = config.url(b + ".endpoint");
        Optional<String> bucket = config.opt(b + ".bucket");
        return bucket.map(name -> new SinkConfig.S3(name, (String) config.valueOr(b + ".prefix", ""),
                config.opt(b + ".region"),
                endpoint, (Boolean) config.valueOr(b + ".pathStyle", false), keyEnv, secretEnv, tokenEnv, sse, kmsKeyId,
                ((Number) config.valueOr(b + ".partSize", SinkConfig.S3.DEFAULT_PART_SIZE)).longValue()));
    }

    private Optional<SinkConfig.Email> email(String p) {
        List<String> pw = config.presentValues(p, "passwordEnv", "passwordFile");
        Optional<String> user = config.opt(p + ".username");
        if (pw.size() > 1 || (user.isPresent() != (pw.size() == 1))) {
            raw.problems.add(p + " needs a password (exactly one of passwordEnv or passwordFile) with a username,"
                    + " and neither without one; found username " + (user.isPresent() ? "set" : "unset")
                    + " and " + ConfigBuilder.found(pw));
            return Optional.empty();
        }
        Optional<String> pwEnv = config.opt(p + ".passwordEnv");
        pwEnv.ifPresent(n -> config.warnIfUnset(p + ".passwordEnv", n));
        String security = config.valueOr(p + ".security", SinkConfig.Email.DEFAULT_SECURITY).toString().trim()
                .toLowerCase(Locale.ROOT);
        if (security.equals("none")) {
            raw.warnings.add(p + ".security is none: the password and the files cross the network in clear; use"
                    + " starttls or tls");
        }
        Optional<String> host = config.opt(p + ".host");
        Optional<String> from = config.opt(p + ".from");
        Optional<String> to = config.opt(p + ".to");
        if (host.isEmpty() || from.isEmpty() || to.isEmpty()) {
            return Optional.empty(); // required: already reported
        }
        List<String> recipients = addresses(p + ".to", to.get());
        List<String> copies = addresses(p + ".cc", (String) config.valueOr(p + ".cc", ""));
        if (!address(p + ".from", from.get()) || recipients == null || copies == null) {
            return Optional.empty();
        }
        return Optional.of(new SinkConfig.Email(host.get(),
                ((Number) config.valueOr(p + ".port", SinkConfig.Email.DEFAULT_PORT)).intValue(), security, user, pwEnv,
                config.opt(p + ".passwordFile"), from.get().strip(), recipients, copies,
                (String) config.valueOr(p + ".subject", SinkConfig.Email.DEFAULT_SUBJECT),
                ((Number) config.valueOr(p + ".attachmentMaxBytes", SinkConfig.Email.DEFAULT_ATTACHMENT_MAX_BYTES))
                        .longValue(), config.opt(p + ".linkSink"), config.opt(p + ".trustStore"),
                (Duration) config.valueOr(p + ".connectTimeout", SinkConfig.Email.DEFAULT_CONNECT_TIMEOUT),
                (Duration) config.valueOr(p + ".timeout", SinkConfig.Email.DEFAULT_TIMEOUT),
                config.opt(p + ".spoolDirectory")));
    }

    /** Comma-separated addresses, each checked; null (reported) when one is not an address. */
    private List<String> addresses(String path, String text) {
        List<String> out = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            if (!address(path, part.strip())) {
                return null;
            }
            out.add(part.strip());
        }
        return out;
    }

    private boolean address(String path, String text) {
        if (!ADDRESS.matcher(text).matches()) {
            raw.problems.add(path + ": '" + text + "' is not an e-mail address (name@domain)");
            return false;
        }
        return true;
    }

    /** A link sink must be another configured sink that stores files, not an e-mail sink. */
    private void checkLinkSinks(Map<String, SinkConfig> targets) {
        targets.forEach((alias, s) -> {
            if (s instanceof SinkConfig.Email e && e.linkSink().isPresent()) {
                String link = e.linkSink().get();
                String path = "sinks.targets." + alias + ".email.linkSink";
                SinkConfig target = targets.get(link);
                if (target == null) {
                    raw.problems.add(path + " names '" + link + "', which is not a configured sink; configured: "
                            + String.join(", ", targets.keySet()));
                } else if (target instanceof SinkConfig.Email) {
                    raw.problems.add(path + " names '" + link + "', an e-mail sink; name a sink that stores files"
                            + " (filesystem, azureBlob, sftp or s3)");
                }
            }
        });
    }

    private static final java.util.regex.Pattern ADDRESS =
            java.util.regex.Pattern.compile("[^\\s@<>(),;:\"]+@[A-Za-z0-9.-]+");
}
