package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The AsyncAPI document parses, names the four topics, and every $ref points at something that exists. */
class AsyncApiTest {

    private final JsonNode doc = load();

    @Test
    void describesTheFourTopics() {
        assertThat(doc.path("asyncapi").asText()).startsWith("2.6");
        assertThat(doc.path("channels").fieldNames()).toIterable().containsExactlyInAnyOrder(
                Topics.REQUESTS, Topics.RESULTS, Topics.JOB_STATE, Topics.DEAD_LETTER);
    }

    @Test
    void resultsCarryBothOutcomesAndTheCloudEventsTypes() {
        assertThat(doc.at("/channels/pbi.export.results/subscribe/message/oneOf")).hasSize(2);
        assertThat(doc.at("/components/schemas/CloudEventHeaders/properties/ce_type/enum"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(CloudEventHeaders.TYPE_REQUESTED, CloudEventHeaders.TYPE_COMPLETED,
                        CloudEventHeaders.TYPE_FAILED);
    }

    @Test
    void deadLetterHeadersMatchTheConstants() {
        assertThat(doc.at("/components/schemas/DeadLetterHeaders/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder(DeadLetterHeaders.REASON, DeadLetterHeaders.ERROR, DeadLetterHeaders.TOPIC,
                        DeadLetterHeaders.PARTITION, DeadLetterHeaders.OFFSET, DeadLetterHeaders.TIMESTAMP);
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);

        assertThat(refs).contains("./schemas/ExportRequested.schema.json", "./schemas/ExportCompleted.schema.json",
                "./schemas/ExportFailed.schema.json");
        for (String ref : refs) {
            if (ref.startsWith("#")) {
                assertThat(doc.at(ref.substring(1)).isMissingNode()).as("local $ref %s", ref).isFalse();
            } else {
                String resource = "/" + ref.replaceFirst("^\\./", "");
                assertThat(AsyncApiTest.class.getResource(resource)).as("file $ref %s", ref).isNotNull();
            }
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }

    private static JsonNode load() {
        try (InputStream in = AsyncApiTest.class.getResourceAsStream("/asyncapi.yaml")) {
            assertThat(in).as("asyncapi.yaml on the classpath").isNotNull();
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new AssertionError("asyncapi.yaml does not parse as YAML", e);
        }
    }
}
