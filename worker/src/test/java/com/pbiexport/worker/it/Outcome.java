package com.pbiexport.worker.it;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFailed;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One record read from the results or dead-letter topic, with its headers decoded as UTF-8 text. */
public record Outcome(String topic, String key, byte[] value, Map<String, String> headers) {

    public static Outcome of(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return new Outcome(r.topic(), r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(),
                headers);
    }

    public String header(String name) {
        return headers.get(name);
    }

    public boolean isCompleted() {
        return CloudEventHeaders.TYPE_COMPLETED.equals(header(CloudEventHeaders.TYPE));
    }

    public boolean isFailed() {
        return CloudEventHeaders.TYPE_FAILED.equals(header(CloudEventHeaders.TYPE));
    }

    /** The ExportCompleted event; fails with the event text when the outcome is something else. */
    public ExportCompleted completed() {
        if (!isCompleted()) {
            throw new AssertionError("expected ExportCompleted for " + key + " but got " + describe());
        }
        return EventCodec.shared().read(value, ExportCompleted.class);
    }

    /** The ExportFailed event; fails with the event text when the outcome is something else. */
    public ExportFailed failed() {
        if (!isFailed()) {
            throw new AssertionError("expected ExportFailed for " + key + " but got " + describe());
        }
        return EventCodec.shared().read(value, ExportFailed.class);
    }

    public String text() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** Type and body, for assertion messages. */
    public String describe() {
        return header(CloudEventHeaders.TYPE) + " " + text();
    }
}
