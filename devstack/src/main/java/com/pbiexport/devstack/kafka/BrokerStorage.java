package com.pbiexport.devstack.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.tools.StorageTool;

/** Formats and deletes a broker's storage. */
final class BrokerStorage {

    private static final Logger log = LoggerFactory.getLogger(BrokerStorage.class);

    private BrokerStorage() {
    }

    /**
     * Formats the log directories named in {@code propertiesFile} as a fresh one-voter cluster. Uses
     * {@code StorageTool.execute}, not {@code main}, because {@code main} exits the JVM.
     */
    static void format(Path propertiesFile) {
        run(new String[] {"format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", propertiesFile.toString()});
    }

    /**
     * Formats one node of a multi-node cluster whose voters are listed in its {@code controller.quorum.voters}
     * (a static quorum: no {@code --standalone}); every node gets the same {@code clusterId}.
     */
    static void formatClusterNode(Path propertiesFile, String clusterId) {
        run(new String[] {"format", "-t", clusterId, "-c", propertiesFile.toString()});
    }

    private static void run(String[] arguments) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(arguments, out);
        } catch (RuntimeException e) {
            throw new IllegalStateException("formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8), e);
        }
        if (exitCode != 0) {
            throw new IllegalStateException(
                    "formatting Kafka storage failed (exit " + exitCode + "): " + output.toString(StandardCharsets.UTF_8));
        }
        log.debug("formatted Kafka storage: {}", output.toString(StandardCharsets.UTF_8).trim());
    }

    /** Best effort: a leftover temp dir is a nuisance, not a reason to fail a shutdown. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(BrokerStorage::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete Kafka temp dir {}: {}", dir, e.toString());
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
