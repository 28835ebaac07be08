package com.pbiexport.worker.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.OutputSpec;
import com.pbiexport.contracts.Topics;
import com.pbiexport.worker.config.ConfigLoader;
import com.pbiexport.worker.config.WorkerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Publishes one export request, from flags or a JSON file, as a CloudEvent in binary mode (or plain JSON). */
@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Publish an export request to the requests topic and print its requestId.")
final class SubmitCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: from --config).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE", description = "Worker configuration: Kafka settings and topic.")
    Path config;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Requests topic (default: from --config, else "
            + Topics.REQUESTS + ").")
    String topic;

    @Option(names = "--plain", description = "Send plain JSON without CloudEvents headers.")
    boolean plain;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--file", paramLabel = "JSON", description = "An ExportRequested JSON document.")
        Path file;

        @ArgGroup(exclusive = false)
        Flags flags;
    }

    static final class Flags {
        @Option(names = "--tenant", required = true, description = "Configured tenant alias.") String tenant;
        @Option(names = "--workspace", required = true, description = "Workspace (group) id.") String workspaceId;
        @Option(names = "--report", required = true, description = "Report id.") String reportId;
        @Option(names = "--format", required = true, description = "PDF, PPTX, PNG, XLSX, DOCX, CSV, ...") String format;
        @Option(names = "--request-id", description = "Idempotency key (default: a new UUID).") String requestId;
        @Option(names = "--page", paramLabel = "PAGE_NAME", description = "Power BI page to export (repeatable).")
        List<String> pages;
        @Option(names = "--param", paramLabel = "NAME=VALUE", description = "Paginated report parameter (repeatable).")
        LinkedHashMap<String, String> params;
        @Option(names = "--file-name", description = "Desired file name.") String fileName;
        @Option(names = "--not-after", paramLabel = "ISO-INSTANT", description = "Deadline, e.g. 2026-12-01T12:00:00Z.")
        Instant notAfter;
        @Option(names = "--attribute", paramLabel = "KEY=VALUE", description = "Attribute echoed on the outcome.")
        Map<String, String> attributes;
    }

    @Override
    public Integer call() throws Exception {
        EventCodec codec = EventCodec.shared();
        WorkerConfig cfg = config == null ? null : ConfigLoader.load(config, System.getenv());
        if (cfg != null) {
            KafkaClientKeys.require(cfg.kafka());
        }
        String servers = bootstrapServers != null ? bootstrapServers : cfg != null ? cfg.kafka().bootstrapServers() : null;
        if (servers == null) {
            throw new IllegalArgumentException("give --bootstrap-servers or --config");
        }
        String target = topic != null ? topic : cfg != null ? cfg.topics().requests() : Topics.REQUESTS;
        byte[] value;
        String requestId;
        String tenant;
        if (source.file != null) {
            value = Files.readAllBytes(source.file);
            ExportRequested r = codec.read(value, ExportRequested.class);
            requestId = r.requestId();
            tenant = r.tenant();
        } else {
            ExportRequested r = fromFlags(source.flags);
            value = codec.write(r);
            requestId = r.requestId();
            tenant = r.tenant();
        }
        Properties props = new Properties();
        if (cfg != null) {
            props.putAll(cfg.kafka().producerProperties());
        }
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(target, null, tenant == null ? null : tenant.getBytes(StandardCharsets.UTF_8),
                    value, plain ? new RecordHeaders() : requestHeaders(requestId))).get(30, TimeUnit.SECONDS);
        }
        spec.commandLine().getOut().println(requestId);
        return 0;
    }

    /** CloudEvents binary-mode headers of a request. */
    static RecordHeaders requestHeaders(String requestId) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.build(UUID.randomUUID().toString(), CloudEventHeaders.TYPE_REQUESTED, "/export-worker/submit",
                Instant.now(), requestId).forEach(headers::add);
        return headers;
    }

    static ExportRequested fromFlags(Flags f) {
        ExportFormat format = ExportFormat.parse(f.format).orElseThrow(() -> new IllegalArgumentException(
                "--format '" + f.format + "' is not a Power BI export format"));
        ExportRequested.Builder b = ExportRequested.builder(f.requestId == null ? UUID.randomUUID().toString()
                : f.requestId, f.tenant, f.workspaceId, f.reportId, format);
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (f.pages != null && !f.pages.isEmpty()) {
            ObjectNode cfg = json.objectNode();
            ArrayNode pages = cfg.putArray("pages");
            f.pages.forEach(p -> pages.addObject().put("pageName", p));
            b.powerBIReportConfiguration(cfg);
        }
        if (f.params != null && !f.params.isEmpty()) {
            ObjectNode cfg = json.objectNode();
            ArrayNode values = cfg.putArray("parameterValues");
            f.params.forEach((k, v) -> values.addObject().put("name", k).put("value", v));
            b.paginatedReportConfiguration(cfg);
        }
        if (f.fileName != null) {
            b.output(OutputSpec.fileName(f.fileName));
        }
        b.notAfter(f.notAfter);
        b.attributes(f.attributes == null ? Map.of() : new HashMap<>(f.attributes));
        return b.build();
    }
}
