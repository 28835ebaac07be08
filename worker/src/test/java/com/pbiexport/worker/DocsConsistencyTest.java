package com.pbiexport.worker;

import com.pbiexport.contracts.DeadLetterReason;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.app.Main;
import com.pbiexport.worker.config.Setting;
import com.pbiexport.worker.config.Settings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docs name only what exists (issue 12, item 7): every error code, dead-letter reason, setting (dotted name and
 * {@code PBIEXPORT_} variable) and CLI command/option named in README.md, docs/*.md, contracts/README.md,
 * devstack/README.md, the schemas and asyncapi.yaml exists in the code; and the public vocabulary is documented
 * (every dead-letter reason in contracts/README.md; every command in README.md). Every error code in
 * docs/TROUBLESHOOTING.md and every setting in docs/CONFIGURATION.md are checked by TroubleshootingDocTest and
 * SettingTest (the generated tables, verbatim).
 */
class DocsConsistencyTest {
    private static final Path ROOT = Path.of("..");
    private static final List<String> DOCS = List.of("README.md", "contracts/README.md", "devstack/README.md");
    private static final List<String> CONTRACT_FILES = List.of("contracts/src/main/resources/asyncapi.yaml",
            "contracts/src/main/resources/schemas/ExportRequested.schema.json",
            "contracts/src/main/resources/schemas/ExportCompleted.schema.json",
            "contracts/src/main/resources/schemas/ExportFailed.schema.json");

    /** An UPPER_SNAKE word with at least one underscore: how codes, reasons and variables are spelled. */
    static final Pattern UPPER_SNAKE = Pattern.compile("(?<![\\w$])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?!\\w)");
    static final Pattern ENV_VAR = Pattern.compile("(?<![\\w$])PBIEXPORT_[A-Z0-9_]*[A-Z0-9](?!\\w)");
    /**
     * A dotted setting name: a top-level section, then camelCase segments (or {@code <alias>}); not followed by
     * {@code (} (a method call such as {@code kafka.createTopic(...)}) nor by a dotted lower-case continuation
     * that makes it a different word (a Kafka property such as {@code delivery.timeout.ms} is caught by the
     * allow-list below).
     */
    static final Pattern SETTING = Pattern.compile("(?<![\\w./$-])((?:" + String.join("|", sections())
            + ")(?:\\.(?:<alias>|[a-z][A-Za-z0-9]*))+)(?![\\w(])");
    static final Pattern CLI_LINE = Pattern.compile("export-worker\\.jar\\s+([^\\s`]+)((?:[^\\n]*\\\\\\n)*[^\\n]*)");
    static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--?[a-zA-Z][a-zA-Z-]*)");

    /**
     * UPPER_SNAKE words in the docs that are not ours: neither an error code, a dead-letter reason nor a setting's
     * variable. Each group says why; add a word here only when it names someone else's thing.
     */
    static final Set<String> NOT_OURS = Set.of(
            // proxy variables of curl and the JDK (docs/CONFIGURATION.md "Proxies")
            "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY",
            // Azure's and Confluent's variables, and example variable names a configuration file may reference
            "AZURE_FEDERATED_TOKEN_FILE", "AZURE_STORAGE_CONNECTION_STRING", "CONFLUENT_API_KEY",
            "CONFLUENT_API_SECRET", "EVENTHUBS_CONNECTION_STRING", "CONTOSO_CLIENT_SECRET", "FABRIKAM_CERT_PASSWORD",
            "ENV_NAME", "SFTP_KEY_PASSPHRASE",
            // the AWS SDK's variables (region, web identity) and example variable names of the S3 sink's docs
            "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME",
            "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY",
            // example variable name of the e-mail sink's docs
            "SMTP_PASSWORD",
            // Kafka's constants and values (ConsumerConfig.*_CONFIG, security.protocol, sasl.mechanism)
            "BOOTSTRAP_SERVERS_CONFIG", "GROUP_ID_CONFIG", "ISOLATION_LEVEL_CONFIG", "SASL_SSL", "AWS_MSK_IAM",
            // the container image's JVM knob, the devstack's own names, Java's charset constant
            "JVM_MAX_RAM_PERCENTAGE", "KAFKA_FIXTURE", "DEFAULT_SEED", "UTF_8",
            // the JVM's own variable (the compose workers' trust store for the devstack's TLS, devstack/README.md)
            "JAVA_TOOL_OPTIONS",
            // a word about spelling ("UPPER_SNAKE code")
            "UPPER_SNAKE");
    // Power BI's own codes (PowerBIEntityNotFound, InvalidToken...) and Entra's AADSTS numbers are CamelCase or
    // have no underscore, so the UPPER_SNAKE pattern never takes them for ours.

    /** Dotted names that look like settings but are someone else's, each with why. */
    static final Set<String> NOT_OUR_SETTINGS = Set.of(
            // JVM networking system properties (docs/CONFIGURATION.md "Proxies")
            "http.proxyHost", "http.proxyPort", "http.proxyUser", "http.proxyPassword", "http.nonProxyHosts",
            // a Kafka producer property
            "delivery.timeout.ms",
            // the root pom's Maven property pinning one Kafka release (KafkaVersionPinTest)
            "kafka.version");

    /** Mistakes the docs show on purpose: the did-you-mean example of docs/CONFIGURATION.md. */
    static final Set<String> DELIBERATE_TYPOS = Set.of("limits.maxInflight", "PBIEXPORT_LIMITS_MAX_INFLIGHT");

    @Test
    void everyUpperSnakeWordInTheDocsIsACodeAReasonOrAVariable() {
        Set<String> ours = new TreeSet<>();
        Arrays.stream(ErrorCode.values()).map(Enum::name).forEach(ours::add);
        Arrays.stream(DeadLetterReason.values()).map(Enum::name).forEach(ours::add);
        // the images' build args and the container scripts' variables: ours when the Dockerfiles or scripts use them
        for (String f : CONTAINER_FILES) {
            UPPER_SNAKE.matcher(read(f)).results().map(m -> m.group()).forEach(ours::add);
        }

        assertThat(unknown(docs(), UPPER_SNAKE, w -> ours.contains(w) || w.startsWith("PBIEXPORT_")
                || NOT_OURS.contains(w))).as("codes or reasons the docs name but the code does not have").isEmpty();
    }

    @Test
    void schemasAndAsyncApiNameOnlyRealCodesAndReasons() {
        Set<String> ours = new TreeSet<>();
        Arrays.stream(ErrorCode.values()).map(Enum::name).forEach(ours::add);
        Arrays.stream(DeadLetterReason.values()).map(Enum::name).forEach(ours::add);

        assertThat(unknown(CONTRACT_FILES, UPPER_SNAKE, ours::contains)).isEmpty();
    }

    @Test
    void theAsyncApiListsExactlyTheDeadLetterReasons() {
        String asyncApi = read("contracts/src/main/resources/asyncapi.yaml");
        Matcher m = Pattern.compile("dlq\\.reason:\\s*\\n(?:\\s+\\w+:.*\\n)*?\\s+enum: \\[([^]]*)]").matcher(asyncApi);

        assertThat(m.find()).as("dlq.reason has an enum in asyncapi.yaml").isTrue();
        assertThat(Arrays.stream(m.group(1).split(",")).map(String::strip).toList())
                .containsExactlyElementsOf(Arrays.stream(DeadLetterReason.values()).map(Enum::name).toList());
    }

    @Test
    void everyDeadLetterReasonIsExplainedInTheContractsReadme() {
        String readme = read("contracts/README.md");

        assertThat(Arrays.stream(DeadLetterReason.values()).map(Enum::name)
                .filter(r -> !readme.contains("| `" + r + "` |"))).as("reasons without a row in contracts/README.md")
                .isEmpty();
    }

    @Test
    void everyPbiExportVariableInTheDocsBelongsToASetting() {
        Set<String> vars = Settings.all().stream().flatMap(s -> s.envVar().stream()).collect(Collectors.toSet());
        Set<String> removed = Settings.removed().keySet().stream().map(Setting::envVarFor).collect(Collectors.toSet());

        // PBIEXPORT_KAFKA_* is the pass-through of Kafka client properties (docs/CONFIGURATION.md)
        assertThat(unknown(docs(), ENV_VAR, v -> vars.contains(v) || removed.contains(v) || v.startsWith("PBIEXPORT_KAFKA")
                || DELIBERATE_TYPOS.contains(v))).isEmpty();
    }

    @Test
    void everyDottedSettingInTheDocsExists() {
        assertThat(unknown(docs(), SETTING, name -> isSetting(name) || Settings.removed().containsKey(name)
                || NOT_OUR_SETTINGS.contains(name) || DELIBERATE_TYPOS.contains(name) || isWorkerPackage(name)))
                .isEmpty();
    }

    /** A sub-package of the worker named in docs/ARCHITECTURE.md (e.g. {@code diagnose.probe}), not a setting. */
    private static boolean isWorkerPackage(String name) {
        return java.nio.file.Files.isDirectory(java.nio.file.Path.of("src/main/java/com/pbiexport/worker")
                .resolve(name.replace('.', '/')));
    }

    @Test
    void everyCommandLineInTheDocsUsesRealCommandsAndOptions() {
        Map<String, CommandLine> commands = new CommandLine(new Main()).getSubcommands();
        List<String> problems = new ArrayList<>();
        int lines = 0;
        for (String doc : docs()) {
            Matcher m = CLI_LINE.matcher(read(doc));
            while (m.find()) {
                lines++;
                CommandLine command = commands.get(m.group(1));
                if (command == null) {
                    problems.add(doc + ": no command '" + m.group(1) + "'");
                    continue;
                }
                Matcher o = OPTION.matcher(m.group(2));
                while (o.find()) {
                    if (command.getCommandSpec().findOption(o.group(1)) == null) {
                        problems.add(doc + ": " + m.group(1) + " has no option " + o.group(1));
                    }
                }
            }
            Matcher spans = Pattern.compile("`([a-z]+)((?: -[^`]*)?)`").matcher(read(doc));
            while (spans.find()) {
                CommandLine command = commands.get(spans.group(1));
                Matcher o = OPTION.matcher(spans.group(2));
                while (command != null && o.find()) {
                    if (command.getCommandSpec().findOption(o.group(1)) == null) {
                        problems.add(doc + ": `" + spans.group(1) + "` has no option " + o.group(1));
                    }
                }
            }
        }

        assertThat(lines).as("command lines found in the docs").isGreaterThanOrEqualTo(4);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyCommandIsNamedInTheReadme() {
        String readme = read("README.md");

        assertThat(new CommandLine(new Main()).getSubcommands().keySet().stream()
                .filter(c -> !readme.contains("`" + c) && !readme.contains("export-worker.jar " + c)))
                .as("commands the README never names").isEmpty();
    }

    @Test
    void guardsCatchAnInventedCodeSettingAndOption() {
        assertThat(UPPER_SNAKE.matcher("answers `TOKEN_AUDIENCE_WRONG` when").results().map(r -> r.group()))
                .containsExactly("TOKEN_AUDIENCE_WRONG");
        assertThat(Arrays.stream(ErrorCode.values()).map(Enum::name)).doesNotContain("TOKEN_AUDIENCE_WRONG");
        assertThat(SETTING.matcher("raise `limits.maxInFlightz` or tenants.<alias>.cloud; kafka.createTopic(")
                .results().map(r -> r.group(1))).containsExactly("limits.maxInFlightz", "tenants.<alias>.cloud");
        assertThat(isSetting("limits.maxInFlightz")).isFalse();
        assertThat(isSetting("tenants.contoso.cloud")).isTrue();
        assertThat(isSetting("kafka.consumer.max.poll.records")).isTrue();
        assertThat(CLI_LINE.matcher("java -jar export-worker.jar doctor --config w.yaml \\\n  --tenant c --fast\n")
                .results().map(r -> r.group(1) + r.group(2))).singleElement().asString().contains("--fast");
    }

    /** A setting, a section of settings ({@code limits}, {@code tenants.<alias>}), or a key of a property map. */
    static boolean isSetting(String name) {
        List<String> given = List.of(name.split("\\."));
        for (Setting s : Settings.all()) {
            List<String> path = s.segments();
            boolean map = s.path().startsWith("kafka.") && path.size() == 2 && !s.envVar().isPresent();
            if ((given.size() <= path.size() || map) && matches(path, given)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(List<String> path, List<String> given) {
        for (int i = 0; i < Math.min(path.size(), given.size()); i++) {
            if (!path.get(i).equals(Setting.ALIAS) && !path.get(i).equals(given.get(i))
                    && !(given.get(i).equals(Setting.ALIAS) && path.get(i).equals(Setting.ALIAS))) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> sections() {
        return Settings.all().stream().map(s -> s.segments().get(0)).filter(s -> !s.equals("instanceId"))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Every word of {@code pattern} in {@code files} that {@code known} refuses, as "word (file)". */
    private static Set<String> unknown(List<String> files, Pattern pattern, java.util.function.Predicate<String> known) {
        Set<String> out = new TreeSet<>();
        for (String file : files) {
            Matcher m = pattern.matcher(read(file));
            while (m.find()) {
                String word = m.groupCount() > 0 && m.group(1) != null ? m.group(1) : m.group();
                if (!known.test(word)) {
                    out.add(word + " (" + file + ")");
                }
            }
        }
        return out;
    }

    private static List<String> docs() {
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            List<String> all = new ArrayList<>(DOCS);
            files.filter(p -> p.toString().endsWith(".md")).sorted().map(p -> "docs/" + p.getFileName()).forEach(all::add);
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the images' build args and the containers' environment variables are defined. */
    static final List<String> CONTAINER_FILES = List.of("worker/Dockerfile", "devstack/Dockerfile",
            "docker/devstack.sh", "docker/export-worker.sh", "docker/compose-worker.sh", "docker/healthcheck.sh");

    private static String read(String file) {
        try {
            return Files.readString(ROOT.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
