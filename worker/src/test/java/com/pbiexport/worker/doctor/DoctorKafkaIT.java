package com.pbiexport.worker.doctor;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.kafka.EmbeddedKafka;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.DoctorInfraChecks;
import com.pbiexport.worker.config.DeliveryMode;
import com.pbiexport.worker.config.DeliverySettings;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.Topics;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.doctor.CheckResult;
import com.pbiexport.worker.diagnose.doctor.CheckStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The doctor's once-per-run {@code kafka} and {@code sink} checks against the real embedded broker (issue 13 item 5):
 * fit topics pass, a missing or non-compacted topic fails naming the fix, a closed port fails within the bounded
 * time naming kafka.bootstrapServers, an unwritable filesystem root fails the sink check.
 */
class DoctorKafkaIT {
    private static DevStack stack;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        stack = DevStack.builder().start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** Four fresh topic names; the job state created compacted unless told otherwise, requests with 3 partitions. */
    private static Topics topics(boolean createRequests, String jobStatePolicy) {
        String p = "doctor-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Topics t = new Topics(p + "requests", p + "results", p + "state", p + "dead");
        EmbeddedKafka kafka = stack.kafka().orElseThrow();
        if (createRequests) {
            kafka.createTopic(t.requests(), 3, Map.of());
        }
        kafka.createTopic(t.results(), 1, Map.of());
        kafka.createTopic(t.jobState(), 3, Map.of("cleanup.policy", jobStatePolicy));
        kafka.createTopic(t.deadLetter(), 1, Map.of());
        return t;
    }

    private WorkerConfig config(Topics topics) {
        return DemoStack.config(stack, dir.resolve("out"), "doctor-kafka-it").withTopics(topics);
    }

    @Test
    void aReachableBrokerWithFitTopicsPassesAndAuthorisesGroupAndTransactionalIdWithoutFencing() {
        WorkerConfig cfg = config(topics(true, "compact"))
                .withDelivery(new DeliverySettings(DeliveryMode.EXACTLY_ONCE));

        CheckResult kafka = DoctorInfraChecks.kafka(cfg, Duration.ofSeconds(10));

        assertThat(kafka.status()).as(kafka.detail()).isEqualTo(CheckStatus.PASS);
        assertThat(kafka.detail()).contains(stack.kafkaBootstrap(), "the four topics exist",
                "consumer group doctor-kafka-it (kafka.groupId) authorised",
                "transactional id doctor-kafka-it-demo-worker authorised", "WRITE not tested");
    }

    @Test
    void aMissingRequestTopicFailsNamingTheSettingAndTheFix() {
        Topics t = topics(false, "compact");

        CheckResult kafka = DoctorInfraChecks.kafka(config(t), Duration.ofSeconds(10));

        assertThat(kafka.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(kafka.detail()).contains("topic " + t.requests() + " (topics.requests) does not exist");
        assertThat(kafka.fix()).contains("topics.create=true");
    }

    @Test
    void aJobStateTopicThatIsNotCompactedFailsWithTheCommandThatCompactsIt() {
        Topics t = topics(true, "delete");

        CheckResult kafka = DoctorInfraChecks.kafka(config(t), Duration.ofSeconds(10));

        assertThat(kafka.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(kafka.detail()).contains("topic " + t.jobState() + " (topics.jobState) has cleanup.policy=delete",
                "--add-config cleanup.policy=compact");
    }

    @Test
    void aClosedPortFailsWithinTheBoundedTimeNamingTheBootstrapSetting() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WorkerConfig cfg = config(Topics.defaults()).withKafka(
                new com.pbiexport.worker.config.KafkaSettings("127.0.0.1:" + port, "g", Map.of(), Map.of(), Map.of()));

        long started = System.nanoTime();
        CheckResult kafka = DoctorInfraChecks.kafka(cfg, Duration.ofSeconds(3));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(kafka.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(kafka.detail()).contains("kafka.bootstrapServers=127.0.0.1:" + port, "no answer within 3 s");
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aFilesystemSinkWhoseRootCannotBeADirectoryFailsTheSinkCheck() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
        WorkerConfig cfg = config(Topics.defaults())
                .withSinks(Sinks.single("files", new SinkConfig.Filesystem(notADirectory)));

        CheckResult sink = DoctorInfraChecks.sinks(cfg, Map.of());

        assertThat(sink.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(sink.name()).isEqualTo("sink");
        assertThat(sink.detail()).contains("files (filesystem:" + notADirectory);
    }

    @Test
    void aWritableFilesystemSinkPasses() {
        CheckResult sink = DoctorInfraChecks.sinks(config(Topics.defaults()), Map.of());

        assertThat(sink.status()).as(sink.detail()).isEqualTo(CheckStatus.PASS);
        assertThat(sink.detail()).contains("files (filesystem:");
    }

    @Test
    void anEmailSinkIsLoggedIntoWithoutSendingAnythingAndAWrongPasswordFailsTheSinkCheck() {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("exporter@example.com", "exporter",
                        "right-pw"));
        mail.start();
        try {
            SinkConfig email = new SinkConfig.Email("127.0.0.1", mail.getSmtp().getPort(), "none",
                    Optional.of("exporter"), Optional.of("SMTP_PASSWORD"), Optional.empty(), "exporter@example.com",
                    List.of("finance@example.com"), List.of(), "Export {fileName}", 1024, Optional.empty(),
                    Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(5), Optional.of(dir));
            WorkerConfig cfg = config(Topics.defaults()).withSinks(Sinks.single("finance", email));

            CheckResult ok = DoctorInfraChecks.sinks(cfg, Map.of("SMTP_PASSWORD", "right-pw"));
            CheckResult refused = DoctorInfraChecks.sinks(cfg, Map.of("SMTP_PASSWORD", "wrong-pw"));

            assertThat(ok.status()).as(ok.detail()).isEqualTo(CheckStatus.PASS);
            assertThat(ok.detail()).contains("finance (smtp:none://exporter@127.0.0.1:" + mail.getSmtp().getPort());
            assertThat(refused.status()).isEqualTo(CheckStatus.FAIL);
            assertThat(refused.detail()).contains("refused the login of user 'exporter'").doesNotContain("wrong-pw");
            assertThat(mail.getReceivedMessages()).isEmpty();
        } finally {
            mail.stop();
        }
    }
}
