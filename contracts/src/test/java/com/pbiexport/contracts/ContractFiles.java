package com.pbiexport.contracts;

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
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Test access to the schemas and examples shipped in the artifact's resources. */
final class ContractFiles {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    // Formats (uuid, date-time, uri) are only annotations in 2020-12 by default; the contract means them.
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();

    private ContractFiles() {
    }

    static JsonNode schemaTree(String eventName) {
        return readTree("/schemas/" + eventName + ".schema.json");
    }

    static JsonSchema schema(String eventName) {
        return FACTORY.getSchema(schemaTree(eventName), CONFIG);
    }

    static Set<ValidationMessage> validate(String eventName, JsonNode document) {
        return schema(eventName).validate(document);
    }

    static JsonNode readTree(String resource) {
        try (InputStream in = ContractFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path resourceDir(String name) {
        URL url = ContractFiles.class.getResource("/" + name);
        if (url == null) {
            throw new IllegalStateException("missing resource directory " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Example files, named {@code <EventName>.<variant>.json}. */
    static List<Path> examples() {
        try (Stream<Path> files = Files.list(resourceDir("examples"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String eventNameOf(Path example) {
        String file = example.getFileName().toString();
        return file.substring(0, file.indexOf('.'));
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Class<?> recordOf(String eventName) {
        return switch (eventName) {
            case "ExportRequested" -> ExportRequested.class;
            case "ExportCompleted" -> ExportCompleted.class;
            case "ExportFailed" -> ExportFailed.class;
            default -> throw new IllegalArgumentException("example of unknown event " + eventName);
        };
    }
}
