package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vocabulary consumers switch on: error codes and dead-letter reasons, as enums and as the JSON lists shipped
 * in {@code vocabulary/}. The lists equal the enums, and names only ever grow: compared with
 * {@code src/test/resources/vocabulary-baseline/}. When you ADD a code or reason, add it to the JSON list and copy
 * the list over its baseline in the same commit; a rename or removal is never allowed (see contracts/README.md).
 */
class VocabularyTest {

    @Test
    void errorCodeListEqualsTheEnumInOrderWithCategoryAndRetryable() {
        List<String> expected = Arrays.stream(ErrorCode.values())
                .map(c -> c.name() + " " + c.category().wireValue() + " " + c.retryable()).toList();

        List<String> listed = new ArrayList<>();
        for (JsonNode e : ContractFiles.readTree("/vocabulary/error-codes.json")) {
            listed.add(e.get("code").asText() + " " + e.get("category").asText() + " " + e.get("retryable").asBoolean());
        }

        assertThat(listed).containsExactlyElementsOf(expected);
    }

    @Test
    void deadLetterReasonListEqualsTheEnumInOrderWithDescriptions() {
        List<String> expected = Arrays.stream(DeadLetterReason.values()).map(r -> r.name() + ": " + r.description())
                .toList();

        List<String> listed = new ArrayList<>();
        for (JsonNode e : ContractFiles.readTree("/vocabulary/dead-letter-reasons.json")) {
            listed.add(e.get("reason").asText() + ": " + e.get("description").asText());
        }

        assertThat(listed).containsExactlyElementsOf(expected);
    }

    @Test
    void everyCategoryInTheListIsOneTheSchemaPublishes() {
        Set<String> schemaCategories = new LinkedHashSet<>();
        ContractFiles.schemaTree("ExportFailed").at("/properties/error/properties/category/enum")
                .forEach(v -> schemaCategories.add(v.asText()));

        assertThat(schemaCategories).isNotEmpty();
        ContractFiles.readTree("/vocabulary/error-codes.json")
                .forEach(e -> assertThat(schemaCategories).contains(e.get("category").asText()));
    }

    @Test
    void noErrorCodeWasRenamedOrRemovedSinceTheBaseline() {
        assertThat(missingFromCurrent("error-codes.json", "code"))
                .as("error codes are a public contract: never rename or remove one, add a new one instead")
                .isEmpty();
    }

    @Test
    void noDeadLetterReasonWasRenamedOrRemovedSinceTheBaseline() {
        assertThat(missingFromCurrent("dead-letter-reasons.json", "reason"))
                .as("dead-letter reasons are a public contract: never rename or remove one, add a new one instead")
                .isEmpty();
    }

    @Test
    void baselineGuardCatchesARenameAndAcceptsAnAddition() {
        ArrayNode baseline = (ArrayNode) ContractFiles.readTree("/vocabulary-baseline/error-codes.json");
        ArrayNode renamed = baseline.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) renamed.get(0)).put("code", "TOKEN_AUDIENCE_MS_GRAPH");
        ArrayNode grown = baseline.deepCopy();
        grown.addObject().put("code", "SOMETHING_NEW").put("category", "internal").put("retryable", false);

        assertThat(missing(baseline, renamed, "code")).containsExactly(baseline.get(0).get("code").asText());
        assertThat(missing(baseline, grown, "code")).isEmpty();
    }

    private static Set<String> missingFromCurrent(String file, String key) {
        return missing(ContractFiles.readTree("/vocabulary-baseline/" + file),
                ContractFiles.readTree("/vocabulary/" + file), key);
    }

    private static Set<String> missing(JsonNode baseline, JsonNode current, String key) {
        Set<String> names = new LinkedHashSet<>();
        baseline.forEach(e -> names.add(e.get(key).asText()));
        current.forEach(e -> names.remove(e.get(key).asText()));
        return names;
    }
}
