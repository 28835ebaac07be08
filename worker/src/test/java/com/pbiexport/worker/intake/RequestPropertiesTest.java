package com.pbiexport.worker.intake;

import com.pbiexport.contracts.RequestValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.OutputSpec;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.storage.FileNames;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based tests of the request parser and validator on generated hostile input: whatever the bytes, headers
 * or field values, each record ends in exactly one classified result (never an exception), messages stay one short
 * printable line, and what the validator accepts is safe for the stages after it (GUIDs, file names).
 */
class RequestPropertiesTest {
    private static final String WS = "3d5e0000-0000-4000-a000-000000000001";
    private static final String REPORT = "7e000000-0000-4000-a000-000000000001";
    private static final List<String> FIELDS = List.of("requestId", "tenant", "workspaceId", "reportId", "format",
            "powerBIReportConfiguration", "paginatedReportConfiguration", "profileId", "output", "notAfter",
            "attributes");

    private final RequestParser parser = new RequestParser(EventCodec.shared());
    private final RequestValidator validator = RequestValidator.forWorker(Set.of("contoso"), Set.of("files"));

    @Property(tries = 500)
    void arbitraryBytesEndInOneClassifiedResult(@ForAll @Size(max = 4096) byte[] value) {
        assertClassified(parser.parse(value, Map.of()));
    }

    @Property(tries = 500)
    void mutatedValidRequestsEndInOneClassifiedResult(@ForAll("mutatedRequests") byte[] value) {
        assertClassified(parser.parse(value, Map.of()));
    }

    @Property(tries = 500)
    void requestsWithFieldsOfAnyTypeEndInOneClassifiedResult(@ForAll("requestsOfAnyShape") ObjectNode request) {
        byte[] value = request.toString().getBytes(StandardCharsets.UTF_8);

        assertClassified(parser.parse(value, Map.of()));
    }

    @Property(tries = 300)
    void arbitraryCloudEventsHeadersNeverPassAWrongVersionOrType(@ForAll("headerValues") byte[] specVersion,
                                                                 @ForAll("headerValues") byte[] type,
                                                                 @ForAll("headerValues") byte[] contentType) {
        Map<String, byte[]> headers = new HashMap<>();
        headers.put(CloudEventHeaders.SPECVERSION, specVersion);
        headers.put(CloudEventHeaders.TYPE, type);
        headers.put(CloudEventHeaders.CONTENT_TYPE, contentType);
        byte[] value = validRequest().toString().getBytes(StandardCharsets.UTF_8);

        ParseResult r = parser.parse(value, headers);

        assertClassified(r);
        if (r instanceof ParseResult.Parsed) {
            assertThat(new String(specVersion, StandardCharsets.UTF_8)).isEqualTo(CloudEventHeaders.SPEC_VERSION);
            assertThat(new String(type, StandardCharsets.UTF_8)).isEqualTo(CloudEventHeaders.TYPE_REQUESTED);
        }
    }

    @Property(tries = 1000)
    void anAcceptedGuidIsACanonicalUuid(@ForAll("guidLike") String candidate) {
        ExportRequested r = ExportRequested.builder("r-1", "contoso", candidate, REPORT, ExportFormat.PDF).build();

        boolean accepted = validator.validate(r).stream().noneMatch(v -> v.code() == ErrorCode.INVALID_GUID);

        if (accepted) {
            assertThat(UUID.fromString(candidate).toString()).isEqualToIgnoringCase(candidate);
        }
    }

    @Property(tries = 1000)
    void anAcceptedFileNameNeverLeavesTheRequestsFolder(@ForAll("hostileFileNames") String fileName) {
        ExportRequested r = ExportRequested.builder("r-1", "contoso", WS, REPORT, ExportFormat.PDF)
                .output(OutputSpec.fileName(fileName)).build();
        List<RequestValidator.Violation> problems = validator.validate(r);

        if (problems.isEmpty()) {
            String key = FileNames.defaultKey("contoso", "r-1", fileName, ".pdf", LocalDate.of(2026, 11, 30));
            assertThat(key).startsWith("contoso/2026/11/30/r-1").endsWith(".pdf").doesNotContain("\\");
            assertThat(key.split("/")).hasSize(5).noneMatch(s -> s.equals("..") || s.equals(".") || s.isEmpty());
            assertThat(key.codePoints().noneMatch(Character::isISOControl)).isTrue();
        } else {
            assertThat(problems).extracting(RequestValidator.Violation::code).containsOnly(ErrorCode.INVALID_FILE_NAME);
        }
    }

    @Property(tries = 500)
    void violationMessagesAreOnePrintableBoundedLine(@ForAll("hostileFileNames") String text,
                                                     @ForAll @StringLength(max = 5000) String other) {
        ExportRequested r = new ExportRequested("r-1", text, other, text, other, null, null, text,
                new OutputSpec(text, other), null, Map.of(other, text));

        for (RequestValidator.Violation v : validator.validate(r)) {
            assertThat(v.message().codePoints().noneMatch(Character::isISOControl)).as(v.message()).isTrue();
            assertThat(v.message().length()).isLessThan(1_000);
        }
    }

    private static void assertClassified(ParseResult r) {
        assertThat(r).isNotNull();
        if (r instanceof ParseResult.Unparseable u) {
            assertThat(u.reason()).isNotNull();
            assertPrintable(u.detail());
        } else if (r instanceof ParseResult.Malformed m) {
            assertThat(m.requestId()).isNotBlank();
            assertPrintable(m.problem());
        } else {
            assertThat(((ParseResult.Parsed) r).request().requestId()).isNotBlank();
        }
    }

    private static void assertPrintable(String message) {
        assertThat(message.codePoints().noneMatch(Character::isISOControl)).as(message).isTrue();
        assertThat(message.length()).isLessThan(1_000);
    }

    private static ObjectNode validRequest() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("requestId", "r-1").put("tenant", "contoso").put("workspaceId", WS).put("reportId", REPORT)
                .put("format", "PDF");
        o.putObject("output").put("fileName", "sales");
        o.putObject("attributes").put("batch", "nightly");
        return o;
    }

    /** A valid request with bytes flipped, inserted, deleted or the tail cut off. */
    @Provide
    Arbitrary<byte[]> mutatedRequests() {
        byte[] base = validRequest().toString().getBytes(StandardCharsets.UTF_8);
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, base.length - 1), Arbitraries.integers().between(0, 255))
                .as((kind, at, b) -> new int[]{kind, at, b});
        return edit.list().ofMinSize(1).ofMaxSize(8).map(edits -> {
            byte[] v = base.clone();
            for (int[] e : edits) {
                int at = Math.min(e[1], Math.max(0, v.length - 1));
                v = switch (e[0]) {
                    case 0 -> { byte[] c = v.clone(); if (c.length > 0) { c[at] = (byte) e[2]; } yield c; }
                    case 1 -> concat(java.util.Arrays.copyOf(v, at), new byte[]{(byte) e[2]},
                            java.util.Arrays.copyOfRange(v, at, v.length));
                    case 2 -> concat(java.util.Arrays.copyOf(v, at), java.util.Arrays.copyOfRange(v,
                            Math.min(at + 1, v.length), v.length));
                    default -> java.util.Arrays.copyOf(v, at);
                };
            }
            return v;
        });
    }

    /** A valid request whose fields are replaced by JSON values of any type (nested up to a few levels). */
    @Provide
    Arbitrary<ObjectNode> requestsOfAnyShape() {
        return Combinators.combine(Arbitraries.of(FIELDS).list().ofMaxSize(5), anyJson(3).list().ofSize(5))
                .as((fields, values) -> {
                    ObjectNode o = validRequest();
                    for (int i = 0; i < fields.size(); i++) {
                        o.set(fields.get(i), values.get(i));
                    }
                    return o;
                });
    }

    private static Arbitrary<JsonNode> anyJson(int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(300).map(f::textNode),
                Arbitraries.integers().map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.of(true, false).map(f::booleanNode),
                Arbitraries.just(f.nullNode()),
                Arbitraries.of("2030-01-01T00:00:00Z", "not a date", WS, "", "PDF", "../..").map(f::textNode));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> array = anyJson(depth - 1).list().ofMaxSize(4).map(l -> {
            var a = f.arrayNode();
            l.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(Arbitraries.strings().ofMaxLength(20).list().ofMaxSize(4),
                anyJson(depth - 1).list().ofSize(4)).as((keys, values) -> {
                    ObjectNode o = f.objectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        o.set(keys.get(i), values.get(i));
                    }
                    return o;
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalar), net.jqwik.api.Tuple.of(1, array), net.jqwik.api.Tuple.of(1, object));
    }

    @Provide
    Arbitrary<byte[]> headerValues() {
        return Arbitraries.oneOf(
                Arbitraries.of(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.TYPE_REQUESTED,
                        CloudEventHeaders.JSON_CONTENT_TYPE, CloudEventHeaders.STRUCTURED_CONTENT_TYPE, "", "0.3",
                        "1.0 ", CloudEventHeaders.TYPE_FAILED).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }

    /** GUID-shaped strings with a few characters replaced by look-alikes, braces, spaces or non-ASCII digits. */
    @Provide
    Arbitrary<String> guidLike() {
        Arbitrary<Character> odd = Arbitraries.of('g', 'G', '{', '}', ' ', '\n', '\u0660', '\uff11', '-', 'O', 'l',
                '\u0000', '\u200b');
        return Combinators.combine(Arbitraries.create(UUID::randomUUID).map(UUID::toString),
                        Arbitraries.integers().between(0, 35).list().ofMaxSize(2), odd.list().ofSize(2),
                        Arbitraries.of(true, false))
                .as((guid, positions, chars, upper) -> {
                    StringBuilder b = new StringBuilder(upper ? guid.toUpperCase() : guid);
                    for (int i = 0; i < positions.size(); i++) {
                        b.setCharAt(positions.get(i), chars.get(i));
                    }
                    return b.toString();
                });
    }

    /** Names built from traversal pieces, separators, control, bidi and invisible characters and letters. */
    @Provide
    Arbitrary<String> hostileFileNames() {
        Arbitrary<String> piece = Arbitraries.of("..", ".", "/", "\\", "../", "..\\", "%2e%2e%2f", "\u0000", "\r\n",
                "\t", "\u202e", "\u200b", "\ufeff", "CON", "nul.txt", "a", "Sales", "\u00e9", "\u65e5\u672c",
                "\ud83d\ude00", "\ud800", ":", "*", "?", "\"", "<", ">", "|", " ", "~", "$HOME", "C:", "//server/share");
        return Arbitraries.oneOf(piece.list().ofMaxSize(12).map(l -> String.join("", l)),
                Arbitraries.strings().ofMaxLength(250));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
