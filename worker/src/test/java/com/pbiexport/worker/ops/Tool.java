package com.pbiexport.worker.ops;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * External command-line tools the ops checks run (promtool, prometheus, docker-compose, node, yamllint). A tool
 * that is missing skips the test on a developer machine and FAILS it in CI ({@code CI=true}), where .ci/run
 * installs every one of them: a check that silently skipped in CI would prove nothing.
 */
final class Tool {
    private Tool() {
    }

    /** Output and exit code of a finished command. */
    record Result(int exit, String output) { }

    /** The tool's path; skips (locally) or fails (CI) naming the Debian/npm package that provides it. */
    static Path require(String name, String installHint) {
        Optional<Path> found = find(name);
        if (found.isPresent()) {
            return found.get();
        }
        missing(name + " is not installed (" + installHint + ")");
        throw new IllegalStateException("unreachable");
    }

    /** Something a check needs is absent: skip locally, fail in CI. */
    static void missing(String message) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true, so this check may not be skipped");
        }
        Assumptions.abort(message);
    }

    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        return Arrays.stream(path.split(File.pathSeparator)).map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable).findFirst();
    }

    /** Runs a command in {@code dir}, stdin from {@code input} (or nothing), bounded by {@code timeout}. */
    static Result run(Path dir, Path input, Duration timeout, List<String> command) {
        try {
            Path out = Files.createTempFile("ops-tool-", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                pb.redirectInput(input == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                        : ProcessBuilder.Redirect.from(input.toFile()));
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within " + timeout);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    static Result run(Path dir, Duration timeout, String... command) {
        return run(dir, null, timeout, List.of(command));
    }

    /** The repository root (where mvnw and deploy/ are), whichever module directory the test runs in. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (mvnw) above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
