package com.pbiexport.worker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * One Kafka version everywhere (issue "Operable", item 2): the clients the worker runs with, the embedded broker
 * (both from {@code kafka.version} of the root pom) and the broker image of docker-compose.yml.
 * (The Testcontainers image is derived from the clients' version: testkit's KafkaFixtureTest.)
 */
class KafkaVersionPinTest {
    private static final Path ROOT = Path.of("..");

    static String pinned() throws IOException {
        Matcher m = Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).as("kafka.version in the root pom.xml").isTrue();
        return m.group(1).trim();
    }

    @Test
    void theWorkersKafkaClientsAreThePinnedRelease() throws IOException {
        assertThat(AppInfoParser.getVersion()).isEqualTo(pinned());
    }

    @Test
    void everyKafkaImageOfTheComposeStackIsThePinnedRelease() throws IOException {
        Matcher m = Pattern.compile("image:\\s*apache/kafka:(\\S+)").matcher(Files.readString(ROOT.resolve("docker-compose.yml")));
        List<String> tags = m.results().map(r -> r.group(1)).toList();
        assertThat(tags).isNotEmpty().allMatch(pinned()::equals, "equal to kafka.version " + pinned());
    }
}
