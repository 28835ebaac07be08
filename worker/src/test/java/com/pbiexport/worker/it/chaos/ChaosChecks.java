package com.pbiexport.worker.it.chaos;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.worker.it.Outcome;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The chaos run's end checks that are not about counting outcomes: the blob container against the completions
 * (no partial, no orphan, no missing file) and the secret scan (every configured secret, the storage account key
 * and every access token the simulator issued, and each token's signature alone, in the worker logs, every record
 * of the worker's topics read {@code read_uncommitted}, and every {@code /metrics} scrape).
 */
final class ChaosChecks {
    private ChaosChecks() {
    }

    /** A named text that must hold no secret. */
    record Artefact(String name, String text) { }

    /**
     * Problems with the stored files: a completion whose blob is missing or differs in size or SHA-256 (partial),
     * a blob no completion names (orphan).
     */
    static List<String> fileProblems(BlobContainerClient container, Collection<Outcome> completions) {
        List<String> problems = new ArrayList<>();
        Set<String> named = new TreeSet<>();
        String prefix = "/" + container.getBlobContainerName() + "/";
        for (Outcome o : completions) {
            ExportCompleted c = o.completed();
            String path = URI.create(c.file().uri()).getPath();
            String blob = path.substring(path.indexOf(prefix) + prefix.length());
            named.add(blob);
            if (!container.getBlobClient(blob).exists()) {
                problems.add("missing " + blob + " (request " + c.requestId() + ")");
                continue;
            }
            byte[] bytes = container.getBlobClient(blob).downloadContent().toBytes();
            if (bytes.length != c.file().sizeBytes() || !sha256(bytes).equals(c.file().sha256())) {
                problems.add("partial " + blob + ": " + bytes.length + " bytes, announced " + c.file().sizeBytes());
            }
        }
        for (BlobItem item : container.listBlobs()) {
            if (!named.contains(item.getName())) {
                problems.add("orphan " + item.getName() + " (" + item.getProperties().getContentLength() + " bytes)");
            }
        }
        return problems;
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every record of {@code topics}, uncommitted ones included: values and headers as text. */
    static List<Artefact> topicRecords(String bootstrap, List<String> topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<Artefact> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            Instant until = Instant.now().plusSeconds(30);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && Instant.now().isBefore(until)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    StringBuilder text = new StringBuilder();
                    if (r.value() != null) {
                        text.append(new String(r.value(), StandardCharsets.UTF_8));
                    }
                    for (Header h : r.headers()) {
                        text.append('\n').append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8));
                    }
                    out.add(new Artefact(r.topic() + "@" + r.partition() + ":" + r.offset(), text.toString()));
                }
            }
        }
        return out;
    }

    static List<Artefact> logs(Collection<Path> files) {
        List<Artefact> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(new Artefact(f.getFileName().toString(),
                        new String(Files.readAllBytes(f), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new AssertionError("cannot read worker log " + f + ": " + e, e);
            }
        }
        return out;
    }

    /**
     * Where each secret or token occurs as a whole word, naming it by number only (the report must not leak it).
     * Each token's signature is looked for alone too (a truncated token leaks as well).
     */
    static List<String> secretHits(Collection<String> secrets, List<String> tokens, List<Artefact> artefacts) {
        Map<String, String> needles = new LinkedHashMap<>();
        secrets.forEach(s -> needles.put(s, "secret #" + needles.size()));
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            needles.put(t, "token #" + i);
            needles.put(t.substring(t.lastIndexOf('.') + 1), "signature of token #" + i);
        }
        List<String> hits = new ArrayList<>();
        for (Artefact a : artefacts) {
            needles.forEach((needle, label) -> {
                if (standalone(a.text(), needle)) {
                    hits.add(label + " in " + a.name());
                }
            });
        }
        return hits;
    }

    private static boolean standalone(String text, String needle) {
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            int end = at + needle.length();
            if ((at == 0 || !word(text.charAt(at - 1))) && (end == text.length() || !word(text.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean word(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '_';
    }
}
