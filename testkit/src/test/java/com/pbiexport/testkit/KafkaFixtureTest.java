package com.pbiexport.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import com.pbiexport.testkit.KafkaFixture.Kind;

class KafkaFixtureTest {

    @Test
    void theTestcontainersImageIsTheKafkaReleaseOfThePom() throws java.io.IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>")
                .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("..", "pom.xml")));
        assertThat(m.find()).isTrue();
        assertThat(TestcontainersKafka.DEFAULT_IMAGE).isEqualTo("apache/kafka:" + m.group(1).trim());
    }

    @Test
    void choosesTheEmbeddedBrokerWhenNothingIsSet() {
        assertThat(KafkaFixture.chosenKind(null, null)).isEqualTo(Kind.EMBEDDED);
        assertThat(KafkaFixture.chosenKind(" ", "")).isEqualTo(Kind.EMBEDDED);
    }

    @Test
    void systemPropertyWinsOverEnvironmentVariable() {
        assertThat(KafkaFixture.chosenKind("embedded", "testcontainers")).isEqualTo(Kind.EMBEDDED);
        assertThat(KafkaFixture.chosenKind(null, "Testcontainers")).isEqualTo(Kind.TESTCONTAINERS);
        assertThat(KafkaFixture.chosenKind("TESTCONTAINERS", null)).isEqualTo(Kind.TESTCONTAINERS);
    }

    @Test
    void rejectsAnUnknownChoiceNamingTheSetting() {
        assertThatThrownBy(() -> KafkaFixture.chosenKind("docker", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("system property kafka.fixture must be 'embedded' or 'testcontainers', was 'docker'");
        assertThatThrownBy(() -> KafkaFixture.chosenKind(null, "zk"))
                .hasMessage("environment variable KAFKA_FIXTURE must be 'embedded' or 'testcontainers', was 'zk'");
    }

    @Test
    void testcontainersChoiceWithoutDockerAbortsTheTestSayingWhatIsMissing() {
        assertThatThrownBy(() -> KafkaFixture.startTestcontainers(() -> false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageStartingWith("kafka.fixture=testcontainers needs a Docker engine; none found")
                .hasMessageContaining("unset kafka.fixture");
    }
}
