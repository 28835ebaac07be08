package com.pbiexport.demo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's demo command, {@code java -jar worker/target/export-worker.jar demo}, on the packaged worker: the
 * worker loads this module from {@code demo-lib/}, and every sample request gets its answer (exit code 0). The
 * expected lines are the README's: files for the good requests, a classified failure for the Graph-scoped token,
 * a dead letter for the record that is not JSON, and the e-mail request's message as the demo's SMTP server received
 * it, its attachment's SHA-256 the one of the completion event.
 */
class DemoIT {
    @TempDir
    Path tmp;
    private Process process;

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void readmeDemoCommandAnswersEverySampleRequestAndExitsZero() throws Exception {
        Path jar = Path.of(System.getProperty("worker.jar", "../worker/target/export-worker.jar"));
        assertThat(jar).as("built by mvn package").exists();
        assertThat(Path.of(System.getProperty("demo.lib", "../worker/target/demo-lib"))).isDirectoryContaining(
                p -> p.getFileName().toString().equals("export-worker-demo.jar"));
        Path output = tmp.resolve("demo-output");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-jar", jar.toString(), "demo", "--output", output.toString()));
        process = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("stdout.log").toFile())
                .redirectError(tmp.resolve("stderr.log").toFile()).start();

        boolean ended = process.waitFor(6, TimeUnit.MINUTES);
        String stdout = Files.readString(tmp.resolve("stdout.log"));
        String stderr = Files.readString(tmp.resolve("stderr.log"));
        assertThat(ended).as("the demo ends by itself; stderr:%n%s", stderr).isTrue();
        assertThat(process.exitValue()).as("exit code; stdout:%n%s%nstderr:%n%s", stdout, stderr).isZero();

        List<String> lines = stdout.lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("OK ")).isNotEmpty()
                .anySatisfy(l -> assertThat(l).contains("-pdf ").contains("Sales Overview.pdf"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("FAIL").contains("graph-token")
                .contains("TOKEN_AUDIENCE_GRAPH"));
        assertThat(lines).filteredOn(l -> l.startsWith("DEAD")).singleElement().asString().contains("MALFORMED_JSON");
        // the e-mail request: attached (RFC 2392 mid: URI in the event), and the message GreenMail received carries
        // it to the configured recipient with the event's SHA-256
        assertThat(lines).filteredOn(l -> l.startsWith("OK ") && l.contains("-pdf-email ")).singleElement().asString()
                .contains("-> mid:");
        assertThat(lines).filteredOn(l -> l.startsWith("MAIL")).singleElement().asString()
                .contains("-pdf-email ").contains("to finance@demo.example")
                .containsPattern("attachment demo-[0-9a-f]{8}-pdf-email-Sales Overview\\.pdf \\([1-9][0-9]* B\\)")
                .endsWith("SHA-256 matches the event's");
        assertThat(stderr).contains("security: none (demo only");
        assertThat(stderr).doesNotContain("NO ANSWER");
        try (var files = Files.walk(output)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .contains(lines.stream().filter(l -> l.startsWith("OK ")).findFirst().map(DemoIT::fileName)
                            .orElseThrow());
        }
    }

    /** The file name of an {@code OK ... -> path (size, time)} line. */
    private static String fileName(String okLine) {
        String path = okLine.substring(okLine.indexOf("-> ") + 3, okLine.lastIndexOf(" ("));
        return Path.of(path).getFileName().toString();
    }
}
