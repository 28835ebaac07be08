package com.pbiexport.worker.intake;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.DeadLetterReason;
import com.pbiexport.contracts.EventCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RequestParserTest {
    static final String WORKSPACE = "3d5e0000-0000-4000-a000-000000000001";
    static final String REPORT = "7e000000-0000-4000-a000-000000000001";
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final RequestParser parser = new RequestParser(EventCodec.shared());

    static String request(String requestId) {
        return """
                {"requestId":"%s","tenant":"contoso","workspaceId":"%s","reportId":"%s","format":"PDF",
                 "output":{"fileName":"sales"},"notAfter":"2030-01-01T00:00:00Z","attributes":{"batch":"nightly"}}
                """.formatted(requestId, WORKSPACE, REPORT);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> headers(String... keyValues) {
        Map<String, byte[]> h = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            h.put(keyValues[i], bytes(keyValues[i + 1]));
        }
        return h;
    }

    private static Map<String, byte[]> binaryCloudEvent(String specVersion, String type) {
        return headers(CloudEventHeaders.ID, "e-1", CloudEventHeaders.SOURCE, "/test",
                CloudEventHeaders.SPECVERSION, specVersion, CloudEventHeaders.TYPE, type,
                CloudEventHeaders.CONTENT_TYPE, "application/json", "traceparent", TRACEPARENT);
    }

    private ParseResult.Unparseable unparseable(byte[] value, Map<String, byte[]> headers) {
        ParseResult r = parser.parse(value, headers);
        assertThat(r).isInstanceOf(ParseResult.Unparseable.class);
        return (ParseResult.Unparseable) r;
    }

    @Test
    void readsPlainJson() {
        ParseResult r = parser.parse(bytes(request("r-1")), Map.of());

        assertThat(r).isInstanceOf(ParseResult.Parsed.class);
        ParseResult.Parsed p = (ParseResult.Parsed) r;
        assertThat(p.request().requestId()).isEqualTo("r-1");
        assertThat(p.request().tenant()).isEqualTo("contoso");
        assertThat(p.request().workspaceId()).isEqualTo(WORKSPACE);
        assertThat(p.request().format()).isEqualTo("PDF");
        assertThat(p.request().output().fileName()).isEqualTo("sales");
        assertThat(p.request().notAfter()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(p.request().attributes()).containsExactly(Map.entry("batch", "nightly"));
        assertThat(p.traceparent()).isEmpty();
    }

    @Test
    void readsABinaryModeCloudEventAndKeepsItsTraceparent() {
        ParseResult r = parser.parse(bytes(request("r-2")), binaryCloudEvent("1.0", CloudEventHeaders.TYPE_REQUESTED));

        assertThat(r).isInstanceOfSatisfying(ParseResult.Parsed.class, p -> {
            assertThat(p.request().requestId()).isEqualTo("r-2");
            assertThat(p.traceparent()).contains(TRACEPARENT);
        });
    }

    @Test
    void readsAStructuredModeCloudEventFromItsData() {
        String event = """
                {"specversion":"1.0","type":"%s","source":"/upstream","id":"e-9","datacontenttype":"application/json",
                 "data":%s}""".formatted(CloudEventHeaders.TYPE_REQUESTED, request("r-3"));

        ParseResult r = parser.parse(bytes(event),
                headers(CloudEventHeaders.CONTENT_TYPE, "application/cloudevents+json; charset=UTF-8"));

        assertThat(r).isInstanceOfSatisfying(ParseResult.Parsed.class, p -> {
            assertThat(p.request().requestId()).isEqualTo("r-3");
            assertThat(p.request().reportId()).isEqualTo(REPORT);
        });
    }

    @Test
    void keepsTheTraceparentExtensionOfAStructuredCloudEvent() {
        // CloudEvents' distributed-tracing extension is a top-level attribute of the event, not part of its data
        String event = """
                {"specversion":"1.0","type":"%s","source":"/upstream","id":"e-9","traceparent":"%s","data":%s}"""
                .formatted(CloudEventHeaders.TYPE_REQUESTED, TRACEPARENT, request("r-3t"));

        ParseResult r = parser.parse(bytes(event), headers(CloudEventHeaders.CONTENT_TYPE,
                CloudEventHeaders.STRUCTURED_CONTENT_TYPE));

        assertThat(r).isInstanceOfSatisfying(ParseResult.Parsed.class,
                p -> assertThat(p.traceparent()).contains(TRACEPARENT));
    }

    @Test
    void treatsJsonWithSpecversionAsAStructuredCloudEventEvenWithoutContentType() {
        String event = """
                {"specversion":"1.0","type":"%s","source":"/upstream","id":"e-10","data":%s}"""
                .formatted(CloudEventHeaders.TYPE_REQUESTED, request("r-4"));

        assertThat(parser.parse(bytes(event), Map.of())).isInstanceOfSatisfying(ParseResult.Parsed.class,
                p -> assertThat(p.request().requestId()).isEqualTo("r-4"));
    }

    @Test
    void deadLettersAnEmptyOrMissingValue() {
        assertThat(unparseable(null, Map.of()).reason()).isEqualTo(DeadLetterReason.EMPTY_VALUE);
        assertThat(unparseable(new byte[0], Map.of()).reason()).isEqualTo(DeadLetterReason.EMPTY_VALUE);
    }

    @Test
    void refusesAValueOverTheSizeLimitBeforeParsing() {
        byte[] big = new byte[RequestParser.MAX_VALUE_BYTES + 1];
        Arrays.fill(big, (byte) '{');

        ParseResult.Unparseable u = unparseable(big, Map.of());

        assertThat(u.reason()).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(u.detail()).isEqualTo("the value has 1048577 bytes; at most 1048576 are accepted");
    }

    @Test
    void refusesAnotherCloudEventsVersion() {
        ParseResult.Unparseable u = unparseable(bytes(request("r")), binaryCloudEvent("0.3", CloudEventHeaders.TYPE_REQUESTED));

        assertThat(u.reason()).isEqualTo(DeadLetterReason.UNSUPPORTED_CLOUDEVENTS_VERSION);
        assertThat(u.detail()).isEqualTo("ce_specversion is '0.3'; only 1.0 is supported");
    }

    @Test
    void refusesAnotherEventTypeNamingIt() {
        ParseResult.Unparseable u = unparseable(bytes(request("r")), binaryCloudEvent("1.0", CloudEventHeaders.TYPE_COMPLETED));

        assertThat(u.reason()).isEqualTo(DeadLetterReason.UNEXPECTED_EVENT_TYPE);
        assertThat(u.detail()).isEqualTo("ce_type is '" + CloudEventHeaders.TYPE_COMPLETED + "'; expected "
                + CloudEventHeaders.TYPE_REQUESTED);
    }

    @Test
    void replacesControlCharactersOfHostileHeadersInTheDetail() {
        ParseResult.Unparseable u = unparseable(bytes(request("r")), binaryCloudEvent("1.0", "evil\ntype\u0000"));

        assertThat(u.reason()).isEqualTo(DeadLetterReason.UNEXPECTED_EVENT_TYPE);
        assertThat(u.detail()).startsWith("ce_type is 'evil?type?'").doesNotContain("\n");
    }

    @Test
    void refusesStructuredEventsWithoutSpecVersionOrOfAnotherType() {
        Map<String, byte[]> structured = headers(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.STRUCTURED_CONTENT_TYPE);

        assertThat(unparseable(bytes("{\"type\":\"" + CloudEventHeaders.TYPE_REQUESTED + "\",\"data\":"
                + request("r") + "}"), structured).reason()).isEqualTo(DeadLetterReason.UNSUPPORTED_CLOUDEVENTS_VERSION);
        assertThat(unparseable(bytes("{\"specversion\":\"1.0\",\"type\":\"other.type\",\"data\":" + request("r") + "}"),
                structured).reason()).isEqualTo(DeadLetterReason.UNEXPECTED_EVENT_TYPE);
        assertThat(unparseable(bytes("{\"specversion\":\"1.0\",\"type\":\"" + CloudEventHeaders.TYPE_REQUESTED
                + "\",\"data\":\"text\"}"), structured).reason()).isEqualTo(DeadLetterReason.NOT_AN_OBJECT);
    }

    @Test
    void deadLettersMalformedJson() {
        ParseResult.Unparseable u = unparseable(bytes("{\"requestId\": \"r-1\", "), Map.of());

        assertThat(u.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(u.detail()).startsWith("the value is not valid JSON: ");
    }

    @Test
    void deadLettersJsonThatIsNotAnObject() {
        assertThat(unparseable(bytes("[1,2,3]"), Map.of()).reason()).isEqualTo(DeadLetterReason.NOT_AN_OBJECT);
        assertThat(unparseable(bytes("\"just text\""), Map.of()).reason()).isEqualTo(DeadLetterReason.NOT_AN_OBJECT);
        assertThat(unparseable(bytes("null"), Map.of()).reason()).isEqualTo(DeadLetterReason.NOT_AN_OBJECT);
    }

    @Test
    void deadLettersARequestWithoutAUsableRequestId() {
        String noId = request("x").replace("\"requestId\":\"x\",", "");

        assertThat(unparseable(bytes(noId), Map.of()).reason()).isEqualTo(DeadLetterReason.MISSING_REQUEST_ID);
        assertThat(unparseable(bytes(request("rid-x").replace("\"rid-x\"", "42")), Map.of()).reason())
                .isEqualTo(DeadLetterReason.MISSING_REQUEST_ID);
        assertThat(unparseable(bytes(request("   ")), Map.of()).reason()).isEqualTo(DeadLetterReason.MISSING_REQUEST_ID);
    }

    @Test
    void answersAFieldOfTheWrongTypeAsMalformedWithTheRequestId() {
        String bad = request("r-5").replace("\"2030-01-01T00:00:00Z\"", "\"next tuesday\"");

        ParseResult r = parser.parse(bytes(bad), headers("traceparent", TRACEPARENT));

        assertThat(r).isInstanceOfSatisfying(ParseResult.Malformed.class, m -> {
            assertThat(m.requestId()).isEqualTo("r-5");
            assertThat(m.problem()).startsWith("notAfter has the wrong type: ");
            assertThat(m.traceparent()).contains(TRACEPARENT);
        });
    }

    @Test
    void answersAnUnknownFieldAsMalformedWithADidYouMean() {
        String bad = request("r-8").replace("\"output\":{\"fileName\":\"sales\"}",
                "\"output\":{\"fileName\":\"sales\",\"sinc\":\"files\"}");

        ParseResult r = parser.parse(bytes(bad), Map.of());

        assertThat(r).isInstanceOfSatisfying(ParseResult.Malformed.class, m -> {
            assertThat(m.requestId()).isEqualTo("r-8");
            assertThat(m.problem()).startsWith("unknown field 'output.sinc' (did you mean 'sink'?)");
        });
    }

    @Test
    void checksTheDataOfAStructuredCloudEventForUnknownFieldsNotItsEnvelope() {
        String event = "{\"specversion\":\"1.0\",\"type\":\"" + CloudEventHeaders.TYPE_REQUESTED
                + "\",\"id\":\"e\",\"source\":\"/t\",\"data\":" + request("r-9") + "}";

        assertThat(parser.parse(bytes(event), Map.of())).isInstanceOf(ParseResult.Parsed.class);
        assertThat(parser.parse(bytes(event.replace("\"format\"", "\"formt\"")), Map.of()))
                .isInstanceOfSatisfying(ParseResult.Malformed.class,
                        m -> assertThat(m.problem()).startsWith("unknown field 'formt' (did you mean 'format'?)"));
    }

    @Test
    void deadLettersARequestIdTooLongForAnyValidAnswer() {
        ParseResult.Unparseable u = unparseable(bytes(request("x".repeat(201))), Map.of());

        assertThat(u.reason()).isEqualTo(DeadLetterReason.REQUEST_ID_TOO_LONG);
        assertThat(u.detail()).isEqualTo("requestId has 201 characters; at most 200 are allowed");
    }

    @Test
    void answersAnObjectWhereAStringBelongsAsMalformed() {
        String bad = request("r-6").replace("\"tenant\":\"contoso\"", "\"tenant\":{\"alias\":\"contoso\"}");

        assertThat(parser.parse(bytes(bad), Map.of())).isInstanceOf(ParseResult.Malformed.class);
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        String deep = "{\"requestId\":\"r-7\",\"attributes\":" + "[".repeat(100) + "]".repeat(100) + "}";

        ParseResult.Unparseable u = unparseable(bytes(deep), Map.of());

        assertThat(u.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(u.detail()).containsIgnoringCase("nesting depth");
    }

    @Test
    void readsALongStringUnderTheSizeLimitSoTheRequestCanBeAnswered() {
        // the value's size is what bounds memory; a lower string limit would only dead-letter an answerable request
        String huge = "{\"requestId\":\"r-8\",\"attributes\":{\"note\":\"" + "a".repeat(300 * 1024) + "\"}}";

        ParseResult r = parser.parse(bytes(huge), Map.of());

        assertThat(r).isInstanceOfSatisfying(ParseResult.Parsed.class,
                p -> assertThat(p.request().requestId()).isEqualTo("r-8"));
    }

    @Test
    void leavesTheSharedCodecUnconstrained() {
        new RequestParser(EventCodec.shared());
        String deep = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";

        assertThat(EventCodec.shared().readTree(bytes(deep)).get("a").isArray()).isTrue();
    }

    @Test
    void neverThrowsOnRandomBytes() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + random.nextInt(200)];
            random.nextBytes(junk);
            assertThat(parser.parse(junk, Map.of())).isNotNull();
        }
    }

    @Test
    void parsedRequestHasNoTraceparentWhenNoneIsGiven() {
        ParseResult.Parsed p = (ParseResult.Parsed) parser.parse(bytes(request("r-9")),
                binaryCloudEvent("1.0", CloudEventHeaders.TYPE_REQUESTED).entrySet().stream()
                        .filter(e -> !e.getKey().equals("traceparent"))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));

        assertThat(p.traceparent()).isEqualTo(Optional.empty());
    }
}
