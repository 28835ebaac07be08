package com.pbiexport.contracts;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class StructuredCloudEventTest {

    private final EventCodec codec = EventCodec.shared();

    @Test
    void extractsDataAndAttributesOfAStructuredRequest() {
        var value = codec.readTree(bytes("""
                {"specversion":"1.0","type":"com.pbiexport.export.requested.v1","id":"e1","source":"/erp",
                 "time":"2024-05-01T10:00:00+02:00","subject":"r1","datacontenttype":"application/json",
                 "data":{"requestId":"r1","tenant":"contoso","format":"PDF"}}
                """));

        StructuredCloudEvent event = StructuredCloudEvent.from(value, codec).orElseThrow();

        assertThat(event.attributes().eventType()).contains(EventType.REQUESTED);
        assertThat(event.attributes().id()).isEqualTo("e1");
        assertThat(event.attributes().time()).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
        assertThat(codec.convert(event.data(), ExportRequested.class).tenant()).isEqualTo("contoso");
    }

    @Test
    void decodesDataBase64() {
        String data = Base64.getEncoder().encodeToString(bytes("{\"requestId\":\"r2\"}"));
        var value = codec.readTree(bytes("{\"specversion\":\"1.0\",\"type\":\"t\",\"data_base64\":\"" + data + "\"}"));

        assertThat(StructuredCloudEvent.from(value, codec).orElseThrow().data().get("requestId").asText())
                .isEqualTo("r2");
    }

    @Test
    void aPlainRequestIsNotAStructuredCloudEvent() {
        var plain = codec.readTree(bytes("{\"requestId\":\"r3\",\"type\":\"x\",\"data\":{}}"));

        assertThat(StructuredCloudEvent.from(plain, codec)).isEmpty();
    }

    @Test
    void aStructuredEventWithoutObjectDataIsNotRecognised() {
        var noData = codec.readTree(bytes("{\"specversion\":\"1.0\",\"type\":\"t\",\"data\":\"text\"}"));
        var badBase64 = codec.readTree(bytes("{\"specversion\":\"1.0\",\"type\":\"t\",\"data_base64\":\"!!\"}"));

        assertThat(StructuredCloudEvent.from(noData, codec)).isEmpty();
        assertThat(StructuredCloudEvent.from(badBase64, codec)).isEmpty();
        assertThat(StructuredCloudEvent.from(null, codec)).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
