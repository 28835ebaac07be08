package com.pbiexport.worker.it.process;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.it.ScenarioIds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * What the crash tests share: worker config files for a {@link CrashLane} (the demo configuration on the devstack,
 * with the lane's topics and group and Kafka pass-through properties), requests of a chosen length, and the
 * simulator's ExportTo count.
 */
final class CrashWorkers {
    /**
     * {@code -Dcrash.delivery.mode=at-least-once} runs the same tests in the other delivery mode (for comparing
     * figures); unset, the worker's default applies.
     */
    static final String DELIVERY_MODE = System.getProperty("crash.delivery.mode", "");

    private CrashWorkers() {
    }

    /**
     * Where the worker JVMs' output goes: {@code -Dcrash.logs.dir=DIR} keeps it after the run (one sub-directory
     * per test), otherwise the test's temporary directory (deleted afterwards).
     */
    static Path logDir(Path tempDir, String test) {
        String keep = System.getProperty("crash.logs.dir", "");
        return keep.isBlank() ? tempDir.resolve("logs")
                : Path.of(keep).resolve(test + "-" + System.currentTimeMillis());
    }

    /**
     * JVM options of the worker processes: with {@code -Dcrash.debug=true} every Power BI call is logged with the
     * request and export it belongs to (to find out which request an extra ExportTo was for).
     */
    static List<String> jvmOptions(Path dir) {
        if (!Boolean.getBoolean("crash.debug")) {
            return List.of();
        }
        Path xml = dir.resolve("logback-crash-debug.xml");
        try {
            Files.writeString(xml, """
                    <configuration>
                      <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
                        <target>System.err</target>
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} req=%X{requestId} \
                    export=%X{exportId} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="com.pbiexport" level="INFO"/>
                      <logger name="com.pbiexport.worker.powerbi" level="DEBUG"/>
                      <root level="WARN"><appender-ref ref="ERR"/></root>
                    </configuration>
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of("-Dlogback.configurationFile=" + xml.toAbsolutePath());
    }

    /** Writes {@code <dir>/<instanceId>.json}: one instance of the lane's consumer group. */
    static Path configFile(DevStack stack, CrashLane lane, Path dir, String instanceId, Map<String, String> consumer,
                           Map<String, String> producer) {
        return configFile(stack, lane, dir, instanceId, consumer, producer, Map.of());
    }

    /** The same, with further settings by path (e.g. {@code shutdown.drainTimeout}). */
    static Path configFile(DevStack stack, CrashLane lane, Path dir, String instanceId, Map<String, String> consumer,
                           Map<String, String> producer, Map<String, Object> settings) {
        WorkerConfig demo = DemoStack.config(stack, dir.resolve("files"), lane.groupId());
        // readiness needs a token for every tenant: only the demo's tenants whose credentials work (the crash
        // tests wait for /health/ready)
        Map<String, com.pbiexport.worker.config.TenantConfig> working = new LinkedHashMap<>();
        for (String alias : List.of(DemoStack.CONTOSO, DemoStack.FABRIKAM, DemoStack.NORTHWIND)) {
            working.put(alias, demo.tenants().get(alias));
        }
        WorkerConfig base = demo.withTenants(working);
        WorkerConfig config = base.withTopics(lane.topics()).withInstanceId(instanceId)
                .withKafka(new KafkaSettings(stack.kafkaBootstrap(), lane.groupId(), Map.of(), consumer, producer));
        Map<String, Object> extra = new LinkedHashMap<>();
        if (!DELIVERY_MODE.isBlank()) {
            extra.put("delivery.mode", DELIVERY_MODE);
        }
        extra.putAll(settings);
        return ConfigFile.write(config, extra, dir.resolve(instanceId + ".json"));
    }

    /** A Sales Overview PDF export of {@code pages} pages: the simulator renders 5 pages per round. */
    static ExportRequested request(String prefix, int pages) {
        return ExportRequested.builder("crash-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8),
                DemoStack.CONTOSO, ScenarioIds.SALES_WS, ScenarioIds.SALES_REPORT, ExportFormat.PDF)
                .powerBIReportConfiguration(pages(pages)).build();
    }

    private static ObjectNode pages(int count) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        ArrayNode pages = cfg.putArray("pages");
        for (int i = 1; i <= count; i++) {
            pages.addObject().put("pageName", "ReportSection" + i);
        }
        return cfg;
    }

    /** ExportTo calls Power BI accepted (a 429 answer is counted by the simulator as a call too). */
    /**
     * Exports Power BI started and told the caller about: the simulator's started exports less those whose ExportTo
     * answer the realistic profile lost (the worker rightly starts those again: it never learned their id). Counting
     * ExportTo calls instead would also count calls the realistic profile dropped before any export started.
     */
    static long acceptedStarts(Counters counters) {
        return counters.get("exportsStarted") - counters.get("exportToAnswersLost");
    }

    /** Waits {@code d} without a bare sleep (tests only: a random delay before a kill). */
    static void pause(Duration d) {
        if (!d.isZero() && !d.isNegative()) {
            await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true);
        }
    }
}
