package com.pbiexport.worker.diagnose.doctor;

import com.pbiexport.worker.diagnose.doctor.KafkaFindings.Probe;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdicts of the {@code kafka} and {@code sink} lines from what the doctor found (issue 13 item 5). */
class KafkaCheckTest {
    private static final String BOOTSTRAP = "broker-1:9092";
    private static final Probe GROUP_OK = Probe.allowed("consumer group g (kafka.groupId) authorised");

    private static KafkaFindings found(List<String> topicProblems, Probe group, Optional<Probe> txn) {
        return new KafkaFindings(BOOTSTRAP, Optional.empty(), "cluster c (1 broker(s))", topicProblems, group, txn);
    }

    @Test
    void anUnreachableBrokerFailsNamingTheBootstrapSetting() {
        CheckResult r = KafkaCheck.result(KafkaFindings.unreachable(BOOTSTRAP, "no answer within 10 s"));

        assertThat(r.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(r.name()).isEqualTo("kafka");
        assertThat(r.detail()).contains("kafka.bootstrapServers=" + BOOTSTRAP, "no answer within 10 s");
        assertThat(r.fix()).contains("kafka.bootstrapServers");
        assertThat(r.code()).isEmpty();
    }

    @Test
    void fitTopicsAndAnAuthorisedGroupPassAndSayTransactionsAreNotNeededAtLeastOnce() {
        CheckResult r = KafkaCheck.result(found(List.of(), GROUP_OK, Optional.empty()));

        assertThat(r.status()).isEqualTo(CheckStatus.PASS);
        assertThat(r.detail()).contains(BOOTSTRAP, "the four topics exist", "consumer group g (kafka.groupId) authorised",
                "at-least-once");
    }

    @Test
    void everyTopicProblemIsListedWithTheTopicsFix() {
        CheckResult r = KafkaCheck.result(found(List.of("topic a (topics.requests) does not exist: create it",
                "topic s (topics.jobState) has cleanup.policy=delete, must be compacted"), GROUP_OK, Optional.empty()));

        assertThat(r.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(r.detail()).contains("topics.requests", "cleanup.policy=delete");
        assertThat(r.fix()).contains("topics.create=true");
    }

    @Test
    void aRefusedGroupOrTransactionalIdFailsWithItsAclFix() {
        CheckResult r = KafkaCheck.result(found(List.of(),
                Probe.denied("not authorised on consumer group g", "grant READ on GROUP g"),
                Optional.of(Probe.denied("not authorised on transactional id g-i", "grant WRITE on TRANSACTIONAL_ID g-i"))));

        assertThat(r.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(r.detail()).contains("consumer group g", "transactional id g-i");
        assertThat(r.fix()).contains("GROUP g", "TRANSACTIONAL_ID g-i");
    }

    @Test
    void aTransactionalIdThatCouldNotBeAskedIsReportedNotCheckedAndDoesNotFail() {
        CheckResult r = KafkaCheck.result(found(List.of(), GROUP_OK,
                Optional.of(Probe.notChecked("the broker does not answer DescribeTransactions"))));

        assertThat(r.status()).isEqualTo(CheckStatus.PASS);
        assertThat(r.detail()).contains("not checked: the broker does not answer DescribeTransactions");
    }

    @Test
    void sinksPassOnlyWhenEveryOneIsReadyAndABrokenOneIsNamedByAlias() {
        CheckResult ok = SinkCheck.result(Map.of("files",
                new SinkCheck.Readiness("filesystem:/out", Optional.empty())));
        CheckResult broken = SinkCheck.result(Map.of("files",
                new SinkCheck.Readiness("filesystem:/out", Optional.of("not writable"))));

        assertThat(ok.status()).isEqualTo(CheckStatus.PASS);
        assertThat(ok.name()).isEqualTo("sink");
        assertThat(broken.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(broken.detail()).contains("files (filesystem:/out): not writable");
        assertThat(broken.fix()).contains("sinks.targets");
    }

    @Test
    void theOncePerRunChecksAreListedFirstAndOutsideTheTenantChain() {
        assertThat(DoctorCheck.values()[0]).isEqualTo(DoctorCheck.KAFKA);
        assertThat(DoctorCheck.values()[1]).isEqualTo(DoctorCheck.SINK);
        assertThat(DoctorCheck.tenantChain()).doesNotContain(DoctorCheck.KAFKA, DoctorCheck.SINK)
                .startsWith(DoctorCheck.CREDENTIALS);
    }
}
