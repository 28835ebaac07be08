package com.pbiexport.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaProcessIT {

    @Test
    void survivesSigkillAndRestartsOnTheSamePortsWithItsData() throws Exception {
        try (KafkaProcess kafka = KafkaProcess.start()) {
            String bootstrap = kafka.bootstrapServers();
            long firstPid = kafka.pid();
            kafka.createTopic("durable", 1, Map.of());

            try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, Map.of())) {
                producer.send(new ProducerRecord<>("durable", "k", "before-kill")).get(30, TimeUnit.SECONDS);

                kafka.kill();
                assertThat(kafka.isAlive()).isFalse();
                assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));

                kafka.restart();
                assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
                assertThat(kafka.pid()).isNotEqualTo(firstPid);
                // the producer created before the crash reconnects by itself
                producer.send(new ProducerRecord<>("durable", "k", "after-restart")).get(60, TimeUnit.SECONDS);
            }
            try (KafkaConsumer<String, String> consumer = TestClients.consumer(bootstrap, "read_committed")) {
                consumer.subscribe(List.of("durable"));
                assertThat(TestClients.pollValues(consumer, 2, Duration.ofSeconds(30)))
                        .containsExactly("before-kill", "after-restart");
            }
        }
    }

    @Test
    void closeStopsTheBrokerJvmAndDeletesItsDirectory() {
        KafkaProcess kafka = KafkaProcess.start();
        ProcessHandle broker;
        Path directory;
        try {
            broker = ProcessHandle.of(kafka.pid()).orElseThrow();
            directory = kafka.directory();
            assertThat(kafka.logFile()).exists();
            assertThat(broker.isAlive()).isTrue();
        } finally {
            kafka.close();
        }
        assertThat(broker.isAlive()).isFalse();
        assertThat(directory).doesNotExist();
    }
}
