package com.pbiexport.worker.it.faults;

import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.worker.it.Outcome;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Requests in versus outcomes out, for one fault run: what the report in docs/RELIABILITY.md quotes.
 *
 * @param requests   requests published
 * @param answered   requests with at least one outcome
 * @param completed  requests whose first outcome is ExportCompleted
 * @param failedByCode requests whose first outcome is ExportFailed, by error code
 * @param duplicates outcomes beyond the first for a request (at-least-once redeliveries)
 * @param first      the first outcome of every answered request
 */
record Tally(int requests, int answered, int completed, Map<String, Integer> failedByCode, int duplicates,
             Map<String, Outcome> first) {

    static Tally of(Collection<String> requestIds, Map<String, List<Outcome>> all) {
        int answered = 0;
        int completed = 0;
        int duplicates = 0;
        Map<String, Integer> failed = new TreeMap<>();
        Map<String, Outcome> first = new LinkedHashMap<>();
        for (String id : requestIds) {
            List<Outcome> outs = all.get(id);
            if (outs == null || outs.isEmpty()) {
                continue;
            }
            answered++;
            duplicates += outs.size() - 1;
            Outcome o = outs.get(0);
            first.put(id, o);
            if (o.isCompleted()) {
                completed++;
            } else if (o.isFailed()) {
                failed.merge(o.failed().error().code(), 1, Integer::sum);
            }
        }
        return new Tally(requestIds.size(), answered, completed, Map.copyOf(failed), duplicates, Map.copyOf(first));
    }

    int failed() {
        return failedByCode.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** One line for the log and for docs/RELIABILITY.md. */
    String summary() {
        return "requests=" + requests + " outcomes=" + answered + " completed=" + completed + " failed=" + failedByCode
                + " duplicates=" + duplicates;
    }

    @Override
    public String toString() {
        return summary();
    }

    /**
     * Proves a completion event tells the truth about a file reachable as a {@link Path} (file:// or any installed
     * FileSystemProvider): it exists, has the stated size, and its SHA-256 is the stated one.
     */
    static void assertStored(ExportCompleted c) {
        Path p = Path.of(URI.create(c.file().uri()));
        try {
            if (!Files.isRegularFile(p)) {
                throw new AssertionError("ExportCompleted of " + c.requestId() + " names a missing file " + p);
            }
            long size = Files.size(p);
            if (size != c.file().sizeBytes()) {
                throw new AssertionError("ExportCompleted of " + c.requestId() + " states " + c.file().sizeBytes()
                        + " bytes but " + p + " has " + size);
            }
            String sha;
            try (InputStream in = Files.newInputStream(p)) {
                sha = sha256(in);
            }
            if (!sha.equals(c.file().sha256())) {
                throw new AssertionError("ExportCompleted of " + c.requestId() + " states SHA-256 " + c.file().sha256()
                        + " but " + p + " has " + sha);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream d = new DigestInputStream(in, md)) {
                d.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return sha256(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
