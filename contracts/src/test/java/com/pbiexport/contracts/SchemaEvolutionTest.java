package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schemas change additively only: compared with {@code src/test/resources/schema-baseline/}. When you add
 * a field, copy the new schema over its baseline in the same commit (see contracts/README.md).
 */
class SchemaEvolutionTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ExportRequested", "ExportCompleted", "ExportFailed"})
    void schemaOnlyGrewSinceBaseline(String event) {
        JsonNode baseline = ContractFiles.readTree("/schema-baseline/" + event + ".schema.json");

        assertThat(SchemaCompatibility.breakingChanges(baseline, ContractFiles.schemaTree(event)))
                .as("breaking changes in %s.schema.json; contracts are additive only", event)
                .isEmpty();
    }

    @Test
    void guardAcceptsANewOptionalProperty() {
        JsonNode baseline = ContractFiles.schemaTree("ExportRequested");
        ObjectNode current = baseline.deepCopy();
        ((ObjectNode) current.get("properties")).putObject("priority").put("type", "string");

        assertThat(SchemaCompatibility.breakingChanges(baseline, current)).isEmpty();
    }

    @Test
    void guardCatchesARemovedProperty() {
        JsonNode baseline = ContractFiles.schemaTree("ExportRequested");
        ObjectNode current = baseline.deepCopy();
        ((ObjectNode) current.get("properties")).remove("notAfter");

        assertThat(SchemaCompatibility.breakingChanges(baseline, current))
                .contains("property 'notAfter' at '/' was removed");
    }

    @Test
    void guardCatchesARemovedNestedProperty() {
        JsonNode baseline = ContractFiles.schemaTree("ExportCompleted");
        ObjectNode current = baseline.deepCopy();
        ((ObjectNode) current.at("/properties/file/properties")).remove("sha256");

        assertThat(SchemaCompatibility.breakingChanges(baseline, current))
                .contains("property 'sha256' at '/properties/file' was removed");
    }

    @Test
    void guardCatchesARemovedEnumValue() {
        JsonNode baseline = ContractFiles.schemaTree("ExportFailed");
        ObjectNode current = baseline.deepCopy();
        ArrayNode categories = (ArrayNode) current.at("/properties/error/properties/category/enum");
        categories.remove(categories.size() - 1);

        assertThat(SchemaCompatibility.breakingChanges(baseline, current))
                .contains("enum value \"internal\" at '/properties/error/properties/category' was removed");
    }

    @Test
    void guardCatchesANewlyRequiredProperty() {
        JsonNode baseline = ContractFiles.schemaTree("ExportRequested");
        ObjectNode current = baseline.deepCopy();
        ((ArrayNode) current.get("required")).add("notAfter");

        assertThat(SchemaCompatibility.breakingChanges(baseline, current))
                .contains("property 'notAfter' at '/' became required");
    }

    @Test
    void guardCatchesATightenedLimitAndForbiddenExtraFields() {
        JsonNode baseline = ContractFiles.schemaTree("ExportRequested");
        ObjectNode current = baseline.deepCopy();
        ((ObjectNode) current.at("/$defs/attributes")).put("maxProperties", 10);
        current.put("additionalProperties", false);

        assertThat(SchemaCompatibility.breakingChanges(baseline, current)).containsExactlyInAnyOrder(
                "maxProperties at '/$defs/attributes' tightened to 10",
                "additionalProperties at '/' became false");
    }
}
