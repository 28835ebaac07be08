package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schemas change additively only: compared with {@code src/test/resources/schema-baseline/}. When you add
 * a field, copy the new schema over its baseline in the same commit (see contracts/README.md).
 */
class SchemaEvolutionTest {

    /**
     * Breaking changes made on purpose, each with its reason; never add to this list to silence a failure.
     * Issue 15 (request fidelity): an export request is a command, and a field the worker would not act on (a
     * misspelt {@code identities}) must never silently export something else, so ExportRequested now forbids
     * unknown fields; and Power BI's Swagger requires {@code identityBlob.value}. See contracts/README.md.
     */
    private static final java.util.Map<String, List<String>> DELIBERATE = java.util.Map.of("ExportRequested", List.of(
            "additionalProperties at '/' became false",
            "additionalProperties at '/properties/output' became false",
            "additionalProperties at '/$defs/PageBookmark' became false",
            "additionalProperties at '/$defs/EffectiveIdentity' became false",
            "additionalProperties at '/$defs/EffectiveIdentity/properties/identityBlob' became false",
            "property 'value' at '/$defs/EffectiveIdentity/properties/identityBlob' became required",
            "additionalProperties at '/$defs/PowerBIReportExportConfiguration' became false",
            "additionalProperties at '/$defs/PowerBIReportExportConfiguration/properties/pages/items' became false",
            "additionalProperties at '/$defs/PowerBIReportExportConfiguration/properties/reportLevelFilters/items' "
                    + "became false",
            "additionalProperties at '/$defs/PowerBIReportExportConfiguration/properties/settings' became false",
            "additionalProperties at '/$defs/PaginatedReportExportConfiguration' became false",
            "additionalProperties at '/$defs/PaginatedReportExportConfiguration/properties/parameterValues/items' "
                    + "became false"));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ExportRequested", "ExportCompleted", "ExportFailed"})
    void schemaOnlyGrewSinceBaseline(String event) {
        JsonNode baseline = ContractFiles.readTree("/schema-baseline/" + event + ".schema.json");

        List<String> changes = new java.util.ArrayList<>(
                SchemaCompatibility.breakingChanges(baseline, ContractFiles.schemaTree(event)));
        changes.removeAll(DELIBERATE.getOrDefault(event, List.of()));
        assertThat(changes).as("breaking changes in %s.schema.json; contracts are additive only", event).isEmpty();
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
        JsonNode baseline = ContractFiles.readTree("/schema-baseline/ExportRequested.schema.json");
        ObjectNode current = baseline.deepCopy();
        ((ObjectNode) current.at("/$defs/attributes")).put("maxProperties", 10);
        current.put("additionalProperties", false);

        assertThat(SchemaCompatibility.breakingChanges(baseline, current)).containsExactlyInAnyOrder(
                "maxProperties at '/$defs/attributes' tightened to 10",
                "additionalProperties at '/' became false");
    }
}
