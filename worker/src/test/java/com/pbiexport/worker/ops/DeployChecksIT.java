package com.pbiexport.worker.ops;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/, the Dockerfiles and docker-compose.yml checked by the real tools (Debian's promtool, docker-compose
 * and yamllint; the npm packages pinned in deploy/kubernetes/validate). A missing tool skips locally and fails
 * in CI; .ci/run installs them all.
 */
class DeployChecksIT {
    static final Path ROOT = Tool.repoRoot();
    static final Path PROMETHEUS = ROOT.resolve("deploy/prometheus");
    static final Path VALIDATE = ROOT.resolve("deploy/kubernetes/validate");
    static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void alertRulesAreValidAndEveryUnitTestPasses() throws IOException {
        String promtool = Tool.require("promtool", "apt-get install prometheus").toString();
        Tool.Result check = Tool.run(PROMETHEUS, LIMIT, promtool, "check", "rules", "alerts.yml");
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 9 rules found");

        List<String> tests;
        try (Stream<Path> files = Files.list(PROMETHEUS)) {
            tests = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".test.yml")).sorted().toList();
        }
        assertThat(tests).isNotEmpty();
        for (String test : tests) {
            Tool.Result r = Tool.run(PROMETHEUS, LIMIT, promtool, "test", "rules", test);
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("SUCCESS");
        }
    }

    @Test
    void everyAlertHasAUnitTest() throws IOException {
        String rules = Files.readString(PROMETHEUS.resolve("alerts.yml"));
        String tests = Files.readString(PROMETHEUS.resolve("alerts.test.yml"));
        List<String> alerts = rules.lines().map(String::strip).filter(l -> l.startsWith("- alert: "))
                .map(l -> l.substring("- alert: ".length())).toList();
        assertThat(alerts).hasSize(9);
        for (String alert : alerts) {
            assertThat(tests).as("a firing expectation for %s", alert).contains("alertname: " + alert + "\n        exp_alerts:\n          - exp_labels:");
        }
    }

    @Test
    void composePrometheusConfigIsValid() {
        String promtool = Tool.require("promtool", "apt-get install prometheus").toString();
        Tool.Result r = Tool.run(PROMETHEUS, LIMIT, promtool, "check", "config", "prometheus.yml");
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void dockerComposeFileIsValid() {
        String compose = Tool.require("docker-compose", "apt-get install docker-compose").toString();
        Tool.Result r = Tool.run(ROOT, LIMIT, compose, "-f", "docker-compose.yml", "config", "-q");
        assertThat(r.output()).as("docker-compose config findings").isBlank();
        assertThat(r.exit()).isZero();
    }

    @Test
    void yamlFilesPassYamllint() {
        String yamllint = Tool.require("yamllint", "apt-get install yamllint").toString();
        Tool.Result r = Tool.run(ROOT, LIMIT, yamllint, "--strict", "-c", "deploy/.yamllint", "deploy",
                "docker-compose.yml");
        assertThat(r.output()).as("yamllint findings").isBlank();
        assertThat(r.exit()).isZero();
    }

    @Test
    void kubernetesManifestsMatchTheKubernetesAndCrdSchemas() {
        String node = Tool.require("node", "apt-get install nodejs").toString();
        requireNodeModules();
        Tool.Result r = Tool.run(VALIDATE, LIMIT, node, "validate.js");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("ok: 8 documents");
    }

    @Test
    void dockerfilesPassDockerfileUtils() {
        String node = Tool.require("node", "apt-get install nodejs").toString();
        requireNodeModules();
        Tool.Result r = Tool.run(VALIDATE, LIMIT, node, "lint-dockerfiles.js",
                ROOT.resolve("worker/Dockerfile").toString(), ROOT.resolve("devstack/Dockerfile").toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("ok: 2 Dockerfile(s)");
    }

    @Test
    void dockerfilesBuildMultiStageNonRootImagesWithAHealthCheck() throws IOException {
        for (String f : List.of("worker/Dockerfile", "devstack/Dockerfile")) {
            String d = Files.readString(ROOT.resolve(f));
            assertThat(d.lines().filter(l -> l.startsWith("FROM ")).count()).as("%s stages", f).isGreaterThanOrEqualTo(2);
            assertThat(d).as(f).contains("USER 10001:10001").contains("HEALTHCHECK ").contains("COPY --from=build");
        }
        assertThat(Files.readString(ROOT.resolve("docker/export-worker.sh"))).contains("-XX:MaxRAMPercentage");
    }

    /** The pinned npm packages (package-lock.json), installed by .ci/run with npm ci. */
    private static void requireNodeModules() {
        if (!Files.isDirectory(VALIDATE.resolve("node_modules/kubernetes-models"))) {
            Tool.missing("deploy/kubernetes/validate/node_modules is missing (npm ci --prefix deploy/kubernetes/validate)");
        }
    }
}
