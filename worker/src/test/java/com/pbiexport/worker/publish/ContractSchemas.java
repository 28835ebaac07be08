package com.pbiexport.worker.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The contracts' published JSON Schemas (from the contracts jar, {@code /schemas/...}), with formats asserted. */
public final class ContractSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    // uuid, date-time and uri are only annotations in 2020-12 unless asserted; the contract means them
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private ContractSchemas() {
    }

    /** Problems of an event's JSON against {@code /schemas/<eventName>.schema.json}; empty when valid. */
    public static Set<String> problems(String eventName, byte[] json) {
        try {
            return problems(eventName, JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Set<String> problems(String eventName, JsonNode document) {
        return schema(eventName).validate(document).stream().map(ValidationMessage::getMessage)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static JsonSchema schema(String eventName) {
        return SCHEMAS.computeIfAbsent(eventName, name -> {
            String resource = "/schemas/" + name + ".schema.json";
            try (InputStream in = ContractSchemas.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing schema " + resource + " (contracts jar on the classpath?)");
                }
                return FACTORY.getSchema(JSON.readTree(in), CONFIG);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
