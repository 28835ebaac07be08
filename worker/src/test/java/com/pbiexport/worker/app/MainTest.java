package com.pbiexport.worker.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's exit codes: 0 success, 1 a run ended in failure, 2 bad usage or invalid configuration. */
class MainTest {
    private static final String WORKSPACE = "3d5e0000-0000-4000-a000-000000000001";
    private static final String REPORT = "7e000000-0000-4000-a000-000000000001";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionPrintsTheVersionAndExitsZero() {
        assertThat(Main.execute("version")).isZero();
        assertThat(out()).startsWith("export-worker ").contains("(Java " + Runtime.version() + ")");
    }

    @Test
    void versionOptionExitsZero() {
        assertThat(Main.execute("--version")).isZero();
        assertThat(out()).startsWith("export-worker ");
    }

    @Test
    void versionIsTheProjectVersionFromThePom() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));  // the worker module's pom names its parent's version
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("<parent>.*?<version>([^<]+)</version>", java.util.regex.Pattern.DOTALL).matcher(pom);
        assertThat(m.find()).as("parent version in worker/pom.xml").isTrue();
        assertThat(Main.execute("version")).isZero();
        assertThat(out()).startsWith("export-worker " + m.group(1) + " ");
        out.reset();
        assertThat(Main.execute("--version")).isZero();
        assertThat(out().strip()).isEqualTo("export-worker " + m.group(1));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"run", "demo", "submit", "doctor", "version"})
    void everySubcommandTakesHelpAndExitsZero(String command) {
        for (String flag : new String[]{"-h", "--help"}) {
            out.reset();
            assertThat(Main.execute(command, flag)).as("%s %s (stderr: %s)", command, flag, err()).isZero();
            assertThat(out()).startsWith("Usage: export-worker " + command);
        }
        out.reset();
        assertThat(Main.execute("help", command)).as("help %s", command).isZero();
        assertThat(out()).startsWith("Usage: export-worker " + command);
    }

    @Test
    void noCommandPrintsUsage() {
        assertThat(Main.execute()).isZero();
        assertThat(out()).contains("Usage: export-worker").contains("run").contains("demo").contains("submit")
                .contains("version");
    }

    @Test
    void anUnknownOptionIsBadUsage() {
        assertThat(Main.execute("--bogus")).isEqualTo(2);
        assertThat(err()).contains("--bogus");
    }

    @Test
    void anUnknownCommandIsBadUsage() {
        assertThat(Main.execute("frobnicate")).isEqualTo(2);
    }

    @Test
    void runWithoutConfigIsBadUsage() {
        assertThat(Main.execute("run")).isEqualTo(2);
        assertThat(err()).contains("--config");
    }

    @Test
    void runWithAnInvalidConfigurationExitsTwoNamingTheProblem(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("worker.yaml"), "limits:\n  maxInFlight: 0\n");

        assertThat(Main.execute("run", "--config", config.toString())).isEqualTo(2);
        assertThat(err()).contains("maxInFlight");
    }

    @Test
    void submitWithoutABrokerToTalkToIsBadUsage() {
        assertThat(Main.execute("submit", "--tenant", "contoso", "--workspace", WORKSPACE, "--report", REPORT,
                "--format", "PDF")).isEqualTo(2);
        assertThat(err()).contains("give --bootstrap-servers or --config");
    }

    @Test
    void submitWithAnUnknownFormatIsBadUsage() {
        assertThat(Main.execute("submit", "--bootstrap-servers", "127.0.0.1:1", "--tenant", "contoso",
                "--workspace", WORKSPACE, "--report", REPORT, "--format", "GIF")).isEqualTo(2);
        assertThat(err()).contains("--format 'GIF' is not a Power BI export format");
    }
}
