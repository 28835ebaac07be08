package com.pbiexport.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.DeadLetterHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.OutputSpec;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.kafka.EmbeddedKafka;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.WorkerConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The demo's sample requests, and the reading and printing of their outcomes. */
final class DemoRun {
    // ids of the default devstack scenario (devstack/README.md)
    static final String SALES_WS = "3d5e0000-0000-4000-a000-000000000001";
    static final String FINANCE_WS = "3d5e0000-0000-4000-a000-000000000002";
    static final String TEAM_WS = "3d5e0000-0000-4000-a000-000000000003";
    static final String FABRIKAM_WS = "3d5e0000-0000-4000-a000-000000000011";
    static final String NORTHWIND_WS = "3d5e0000-0000-4000-a000-000000000021";
    static final String SALES_REPORT = "7e000000-0000-4000-a000-000000000001";
    static final String INVOICE_PAGINATED = "7e000000-0000-4000-a000-000000000002";
    static final String BOARD_PACK_LABELLED = "7e000000-0000-4000-a000-000000000003";
    static final String FINANCE_REPORT = "7e000000-0000-4000-a000-000000000006";
    static final String TEAM_REPORT = "7e000000-0000-4000-a000-000000000007";
    static final String FABRIKAM_REPORT = "7e000000-0000-4000-a000-000000000011";
    static final String NORTHWIND_REPORT = "7e000000-0000-4000-a000-000000000021";

    private record Sample(String tenantKey, byte[] value, boolean cloudEvent, String requestId) { }

    private final DevStack stack;
    private final Path output;
    private final Clock clock;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final EventCodec codec = EventCodec.shared();
    private final WorkerConfig config;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<Sample> samples = new ArrayList<>();
    private final DemoMail mail;
    private String mailRequestId;
    private boolean mailVerified;

    DemoRun(DevStack stack, DemoMail mail, Path output, Clock clock, PrintWriter out, PrintWriter err, boolean json) {
        this.stack = stack;
        this.mail = mail;
        this.output = output;
        this.clock = clock;
        this.out = out;
        this.err = err;
        this.json = json;
        WorkerConfig files = DemoStack.config(stack, output, "demo-worker-" + run);
        Map<String, SinkConfig> sinks = new LinkedHashMap<>(files.sinks().targets());
        sinks.put(DemoMail.SINK, mail.sink());
        this.config = files.withSinks(new Sinks(files.sinks().defaultSink(), sinks));
        buildSamples();
    }

    WorkerConfig workerConfig() {
        return config;
    }

    int sampleCount() {
        return samples.size();
    }

    void createTopics() {
        EmbeddedKafka kafka = stack.kafka().orElseThrow(() -> new IllegalStateException("the devstack runs no Kafka"));
        kafka.createTopic(config.topics().requests(), 3, Map.of());
        kafka.createTopic(config.topics().results(), 3, Map.of());
        kafka.createTopic(config.topics().jobState(), 3, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(config.topics().deadLetter(), 1, Map.of());
    }

    private void buildSamples() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode twoPages = f.objectNode();
        twoPages.putArray("pages").addObject().put("pageName", "ReportSection1");
        ((com.fasterxml.jackson.databind.node.ArrayNode) twoPages.get("pages")).addObject().put("pageName", "ReportSection2");
        ObjectNode rls = f.objectNode();
        rls.putArray("identities").addObject().put("username", "alice@contoso.com")
                .set("roles", f.arrayNode().add("Sales EMEA"));
        ObjectNode params = f.objectNode();
        params.putArray("parameterValues").addObject().put("name", "InvoiceNumber").put("value", "INV-1001");

        add(request("pdf", DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF).output(OutputSpec.fileName("Sales Overview")), true);
        add(request("png-pages", DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PNG).powerBIReportConfiguration(twoPages), false);
        add(request("pptx-rls", DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PPTX).powerBIReportConfiguration(rls), true);
        add(request("xlsx-params", DemoStack.CONTOSO, SALES_WS, INVOICE_PAGINATED, ExportFormat.XLSX).paginatedReportConfiguration(params), true);
        add(request("not-a-member", DemoStack.CONTOSO, FINANCE_WS, FINANCE_REPORT, ExportFormat.PDF), true);
        add(request("shared-capacity", DemoStack.CONTOSO, TEAM_WS, TEAM_REPORT, ExportFormat.PDF), true);
        add(request("labelled-pdf", DemoStack.CONTOSO, SALES_WS, BOARD_PACK_LABELLED, ExportFormat.PDF), true);
        add(request("png-disabled", DemoStack.FABRIKAM, FABRIKAM_WS, FABRIKAM_REPORT, ExportFormat.PNG), true);
        add(request("sp-not-allowed", DemoStack.NORTHWIND, NORTHWIND_WS, NORTHWIND_REPORT, ExportFormat.PDF), true);
        add(request("graph-token", DemoStack.CONTOSO_GRAPH_SCOPE, SALES_WS, SALES_REPORT, ExportFormat.PDF), true);
        add(request("expired-secret", DemoStack.CONTOSO_EXPIRED_SECRET, SALES_WS, SALES_REPORT, ExportFormat.PDF), true);
        add(request("unknown-tenant", "acme", SALES_WS, SALES_REPORT, ExportFormat.PDF), true);
        add(request("xlsx-of-powerbi", DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.XLSX), true);
        add(request("pdf-email", DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF)
                .output(new OutputSpec("Sales Overview", DemoMail.SINK)), true);
        mailRequestId = samples.get(samples.size() - 1).requestId();
        samples.add(new Sample("contoso", "{ this is not JSON".getBytes(StandardCharsets.UTF_8), false, null));
    }

    private ExportRequested.Builder request(String name, String tenant, String ws, String report, ExportFormat format) {
        return ExportRequested.builder("demo-" + run + "-" + name, tenant, ws, report, format)
                .attributes(Map.of("demo", name));
    }

    private void add(ExportRequested.Builder b, boolean cloudEvent) {
        ExportRequested r = b.build();
        samples.add(new Sample(r.tenant(), codec.write(r), cloudEvent, r.requestId()));
    }

    /** Publishes the samples and prints each answer; true when every sample got one within the timeout. */
    boolean publishAndAwait(Duration timeout) throws Exception {
        Set<String> awaited = new LinkedHashSet<>();
        int deadLettersAwaited = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps());
             KafkaConsumer<byte[], byte[]> consumer = outcomeConsumer()) {
            for (Sample s : samples) {
                RecordHeaders h = s.cloudEvent() ? requestHeaders(s.requestId()) : new RecordHeaders();
                producer.send(new ProducerRecord<>(config.topics().requests(), null,
                        s.tenantKey().getBytes(StandardCharsets.UTF_8), s.value(), h)).get(30, TimeUnit.SECONDS);
                if (s.requestId() == null) {
                    deadLettersAwaited++;
                } else {
                    awaited.add(s.requestId());
                }
            }
            Instant until = clock.instant().plus(timeout);
            int completed = 0;
            int failed = 0;
            int dead = 0;
            boolean mailChecked = false;
            while ((!awaited.isEmpty() || dead < deadLettersAwaited) && clock.instant().isBefore(until)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    if (r.topic().equals(config.topics().deadLetter())) {
                        dead++;
                        printDeadLetter(r);
                    } else {
                        String id = new String(r.key(), StandardCharsets.UTF_8);
                        if (awaited.remove(id)) {
                            if (printOutcome(r)) {
                                completed++;
                                mailChecked |= id.equals(mailRequestId);
                            } else {
                                failed++;
                            }
                        }
                    }
                }
            }
            err.printf(Locale.ROOT, "%d requests: %d completed, %d failed with a classified error, %d dead letter(s)%s%n",
                    samples.size(), completed, failed, dead,
                    awaited.isEmpty() ? "" : "; NO ANSWER within " + timeout + " for " + awaited);
            err.printf("Files are in %s%n", output);
            if (!mailChecked) {
                err.printf("The e-mail request %s did not complete: no message to read back%n", mailRequestId);
            }
            err.flush();
            return awaited.isEmpty() && dead >= deadLettersAwaited && mailChecked && mailVerified;
        }
    }

    /** Prints outcomes of further requests (--keep-running) until the latch opens. */
    void followOutcomes(CountDownLatch stop) throws InterruptedException {
        try (KafkaConsumer<byte[], byte[]> consumer = outcomeConsumer()) {
            consumer.seekToEnd(consumer.assignment());
            while (!stop.await(0, TimeUnit.MILLISECONDS)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(config.topics().deadLetter())) {
                        printDeadLetter(r);
                    } else {
                        printOutcome(r);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException | IllegalStateException e) {
            // shutting down
        }
    }

    private boolean printOutcome(ConsumerRecord<byte[], byte[]> r) {
        String type = header(r, CloudEventHeaders.TYPE);
        boolean completed = CloudEventHeaders.TYPE_COMPLETED.equals(type);
        ExportCompleted mailed = null;
        if (json) {
            ObjectNode line = JsonNodeFactory.instance.objectNode();
            line.put("type", completed ? "ExportCompleted" : "ExportFailed");
            line.set("data", codec.readTree(r.value()));
            out.println(line);
            mailed = completed ? mailed(codec.read(r.value(), ExportCompleted.class)) : null;
        } else if (completed) {
            ExportCompleted c = codec.read(r.value(), ExportCompleted.class);
            out.printf(Locale.ROOT, "OK    %-34s %-5s %-22s -> %s (%s, %.1f s)%n", c.requestId(), c.format(), c.tenant(),
                    where(c.file().uri()), size(c.file().sizeBytes()), c.timings().totalMs() / 1000.0);
            mailed = mailed(c);
        } else {
            ExportFailed f = codec.read(r.value(), ExportFailed.class);
            out.printf(Locale.ROOT, "FAIL  %-34s %-5s %-22s %s: %s%n", f.requestId(), f.format() == null ? "-" : f.format(),
                    f.tenant() == null ? "-" : f.tenant(), f.error().code(), f.error().remediation());
        }
        out.flush();
        if (mailed != null) {
            // the e-mail request: the message GreenMail received, read back and compared with the event
            mailVerified = mail.printReceived(mailed, out, json);
        }
        return completed;
    }

    private ExportCompleted mailed(ExportCompleted c) {
        return c.requestId().equals(mailRequestId) ? c : null;
    }

    /** A {@code file:} URI as its path; any other (an attached file's {@code mid:}) as it is. */
    private static String where(String uri) {
        java.net.URI u = java.net.URI.create(uri);
        return "file".equals(u.getScheme()) ? Path.of(u).toString() : uri;
    }

    private void printDeadLetter(ConsumerRecord<byte[], byte[]> r) {
        if (json) {
            ObjectNode line = JsonNodeFactory.instance.objectNode();
            line.put("type", "DeadLetter");
            ObjectNode data = line.putObject("data");
            data.put("reason", header(r, DeadLetterHeaders.REASON));
            data.put("error", header(r, DeadLetterHeaders.ERROR));
            data.put("topic", header(r, DeadLetterHeaders.TOPIC));
            data.put("partition", header(r, DeadLetterHeaders.PARTITION));
            data.put("offset", header(r, DeadLetterHeaders.OFFSET));
            out.println(line);
        } else {
            out.printf("DEAD  %s partition %s offset %s: %s (%s)%n", header(r, DeadLetterHeaders.TOPIC),
                    header(r, DeadLetterHeaders.PARTITION), header(r, DeadLetterHeaders.OFFSET),
                    header(r, DeadLetterHeaders.REASON), header(r, DeadLetterHeaders.ERROR));
        }
        out.flush();
    }

    private KafkaConsumer<byte[], byte[]> outcomeConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(config.topics().results(), config.topics().deadLetter())) {
            c.partitionsFor(t, Duration.ofSeconds(30)).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** CloudEvents binary-mode headers of a request, as the worker's {@code submit} command sends them. */
    private RecordHeaders requestHeaders(String requestId) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.build(UUID.randomUUID().toString(), CloudEventHeaders.TYPE_REQUESTED, "/export-worker/submit",
                clock.instant(), requestId).forEach(headers::add);
        return headers;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String size(long bytes) {
        return bytes < 1024 ? bytes + " B" : bytes < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

}
