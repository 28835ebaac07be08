package com.pbiexport.worker.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Reading what the worker stored: files behind {@code file://} URIs, SHA-256, zip entries. */
final class ItFiles {
    private ItFiles() {
    }

    static byte[] read(String fileUri) {
        try {
            return Files.readAllBytes(Path.of(URI.create(fileUri)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stored file " + fileUri, e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every entry of a zip (OOXML packages are zips too), by name. */
    static Map<String, byte[]> unzip(byte[] zip) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not a readable zip", e);
        }
        return out;
    }

    /** All entries' text concatenated (for "does the package mention X" checks). */
    static String zipText(byte[] zip) {
        StringBuilder sb = new StringBuilder();
        unzip(zip).forEach((name, bytes) -> sb.append(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
        return sb.toString();
    }
}
