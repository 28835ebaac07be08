package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The official Swagger 2.0 definitions (shared/reference/powerbi-export-api.swagger.json) as a draft-04 JSON
 * Schema: {@code {"definitions": <swagger definitions>, "$ref": "#/definitions/X"}}, with the Swagger-only
 * {@code x-*} extensions and {@code readOnly} removed. Swagger 2.0 schema objects are a subset of draft-04, so nothing else changes.
 */
final class SwaggerSchemas {
    /** Where CI lays the shared reference: beside the repo root, seen from the module directory. */
    static final Path SWAGGER = Path.of("..", "..", "shared", "reference", "powerbi-export-api.swagger.json");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode definitions;
    private final Set<String> paths;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    private final Map<String, JsonSchema> cache = new ConcurrentHashMap<>();

    private SwaggerSchemas(ObjectNode definitions, Set<String> paths) {
        this.definitions = definitions;
        this.paths = paths;
    }

    /** Loads the Swagger; fails the test with the path it looked at when the file is missing. */
    static SwaggerSchemas load() {
        Path file = SWAGGER.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            fail("Power BI Swagger not found at " + file + " (looked for " + SWAGGER + " from " + Path.of("").toAbsolutePath()
                    + "). The conformance tests need the shared reference laid out beside the repo root: "
                    + "<dir>/main (this repo) and <dir>/shared/reference/powerbi-export-api.swagger.json.");
        }
        try {
            JsonNode swagger = JSON.readTree(file.toFile());
            ObjectNode defs = (ObjectNode) swagger.get("definitions").deepCopy();
            stripExtensions(defs);
            Set<String> paths = new TreeSet<>();
            swagger.path("paths").fieldNames().forEachRemaining(paths::add);
            return new SwaggerSchemas(defs, paths);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Validation messages for {@code instance} against definition {@code name}; empty when it conforms. */
    Set<String> errors(String name, JsonNode instance) {
        if (!definitions.has(name)) {
            fail("Swagger has no definition " + name);
        }
        JsonSchema schema = cache.computeIfAbsent(name, n -> {
            ObjectNode root = JSON.createObjectNode();
            root.put("$schema", "http://json-schema.org/draft-04/schema#");
            root.set("definitions", definitions);
            root.put("$ref", "#/definitions/" + n);
            return factory.getSchema(root);
        });
        return schema.validate(instance).stream().map(ValidationMessage::getMessage)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Validation messages against an ad-hoc draft-04 schema (for shapes the Swagger does not define). */
    Set<String> errorsAgainst(String schemaJson, JsonNode instance) {
        try {
            return factory.getSchema(JSON.readTree(schemaJson)).validate(instance).stream()
                    .map(ValidationMessage::getMessage).collect(Collectors.toCollection(LinkedHashSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operation paths the Swagger declares, e.g. {@code /v1.0/myorg/groups/{groupId}/reports}. */
    Set<String> paths() {
        return paths;
    }

    /** Property names a flat definition declares (to catch fields the Swagger does not know). */
    Set<String> declaredProperties(String name) {
        Set<String> out = new TreeSet<>();
        definitions.path(name).path("properties").fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void stripExtensions(JsonNode node) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                // x-* extensions and readOnly are Swagger annotations, not draft-04 validation keywords
                if (e.getKey().startsWith("x-") || e.getKey().equals("readOnly")) {
                    it.remove();
                } else {
                    stripExtensions(e.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(SwaggerSchemas::stripExtensions);
        }
    }
}
