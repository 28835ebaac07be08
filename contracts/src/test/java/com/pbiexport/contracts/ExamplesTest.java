package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every shipped example is valid, and the records carry every field of it both ways. */
class ExamplesTest {

    static List<Path> examples() {
        return ContractFiles.examples();
    }

    @Test
    void shipsExamplesForEveryEventAndTheMainRequestKinds() {
        List<String> names = examples().stream().map(p -> p.getFileName().toString()).toList();

        assertThat(names).contains(
                "ExportRequested.powerbi-pdf.json",
                "ExportRequested.paginated-xlsx.json",
                "ExportRequested.powerbi-png.json");
        assertThat(names).anyMatch(n -> n.startsWith("ExportCompleted."));
        assertThat(names).anyMatch(n -> n.startsWith("ExportFailed."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleValidatesAgainstItsSchema(Path example) {
        String event = ContractFiles.eventNameOf(example);

        assertThat(ContractFiles.validate(event, ContractFiles.read(example))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void recordRoundTripKeepsEveryField(Path example) {
        EventCodec codec = EventCodec.shared();
        JsonNode original = ContractFiles.read(example);
        Class<?> type = ContractFiles.recordOf(ContractFiles.eventNameOf(example));

        Object event = codec.convert(original, type);
        JsonNode written = codec.readTree(codec.write(event));

        assertThat(written).isEqualTo(original);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void writtenEventStillValidates(Path example) {
        EventCodec codec = EventCodec.shared();
        String event = ContractFiles.eventNameOf(example);
        Object record = codec.convert(ContractFiles.read(example), ContractFiles.recordOf(event));

        assertThat(ContractFiles.validate(event, codec.toTree(record))).isEmpty();
    }
}
