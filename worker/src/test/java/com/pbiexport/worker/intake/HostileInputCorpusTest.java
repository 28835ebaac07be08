package com.pbiexport.worker.intake;

import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.contracts.DeadLetterReason;
import com.pbiexport.contracts.EventCodec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every case of the fuzz corpus ends where {@code cases.tsv} says: a dead letter with a stable reason, an
 * ExportFailed with a stable error code, or a valid request; quickly, without an exception, and with a message that
 * is one short printable line (it goes into headers, events and logs).
 */
class HostileInputCorpusTest {
    static final FuzzCorpus.Target TARGET = new FuzzCorpus.Target("contoso",
            "3d5e0000-0000-4000-a000-000000000001", "7e000000-0000-4000-a000-000000000001");
    /** Far above what any case needs (a few ms); a regression to a pathological path would take seconds. */
    static final Duration PER_CASE = Duration.ofSeconds(2);

    private final RequestParser parser = new RequestParser(EventCodec.shared());
    private final RequestValidator validator = RequestValidator.forWorker(Set.of("contoso", "fabrikam"), Set.of("files"));

    /** What the router would do with a record: the same decision, without Kafka. */
    record Verdict(FuzzCorpus.Expect expect, String code, String message) { }

    static Verdict decide(RequestParser parser, RequestValidator validator, FuzzCorpus.Case c) {
        ParseResult r = parser.parse(c.value(), c.headers());
        if (r instanceof ParseResult.Unparseable u) {
            return new Verdict(FuzzCorpus.Expect.DEAD_LETTER, u.reason().name(), u.detail());
        }
        if (r instanceof ParseResult.Malformed m) {
            return new Verdict(FuzzCorpus.Expect.FAILED, "INVALID_REQUEST", m.problem());
        }
        List<RequestValidator.Violation> problems = validator.validate(((ParseResult.Parsed) r).request());
        if (problems.isEmpty()) {
            ((ParseResult.Parsed) r).request().exportToBody(); // must not fail on what was accepted
            return new Verdict(FuzzCorpus.Expect.VALID, "", "");
        }
        return new Verdict(FuzzCorpus.Expect.FAILED, problems.get(0).code().name(),
                String.join("; ", problems.stream().map(RequestValidator.Violation::message).toList()));
    }

    @TestFactory
    Stream<DynamicTest> everyCaseEndsAsTheCorpusSays() {
        return FuzzCorpus.load("fuzz-", TARGET).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Verdict v = assertTimeoutPreemptively(PER_CASE, () -> decide(parser, validator, c));

            assertThat(v.expect()).as("%s: %s", c.name(), v.message()).isEqualTo(c.expect());
            assertThat(v.code()).as("%s: %s", c.name(), v.message()).isEqualTo(c.code());
            assertThat(v.message().codePoints().noneMatch(Character::isISOControl)).as("one printable line: %s",
                    v.message()).isTrue();
            assertThat(v.message().length()).as("bounded message").isLessThan(2_000);
        }));
    }

    @Test
    void corpusCoversEveryDeadLetterReasonAndTheHostileCategoriesOfTheIssue() {
        List<FuzzCorpus.Case> cases = FuzzCorpus.load("fuzz-", TARGET);

        assertThat(cases.stream().filter(c -> c.expect() == FuzzCorpus.Expect.DEAD_LETTER).map(FuzzCorpus.Case::code))
                .containsAll(Stream.of(DeadLetterReason.values()).map(Enum::name).toList());
        assertThat(cases).extracting(FuzzCorpus.Case::name).anyMatch(n -> n.startsWith("deep-nesting"))
                .anyMatch(n -> n.startsWith("huge-string")).anyMatch(n -> n.startsWith("invalid-guid"))
                .anyMatch(n -> n.contains("traversal")).anyMatch(n -> n.startsWith("unknown-tenant"))
                .anyMatch(n -> n.startsWith("attributes-")).anyMatch(n -> n.startsWith("ce-"))
                .anyMatch(n -> n.startsWith("invalid-utf8")).anyMatch(n -> n.contains("bom"))
                .anyMatch(n -> n.startsWith("wrong-type"));
        assertThat(cases.stream().filter(c -> c.name().equals("deep-nesting-arrays")).findFirst().orElseThrow()
                .value()).hasSize(100_000);
    }

    @Test
    void aValueOverTheSizeLimitIsRefusedWithoutBeingParsed() {
        // 1 MiB + 1 of '[': parsing would fail on depth; refusing by size first names the real problem
        byte[] value = "[".repeat(RequestParser.MAX_VALUE_BYTES + 1).getBytes();

        ParseResult r = parser.parse(value, java.util.Map.of());

        assertThat(r).isInstanceOfSatisfying(ParseResult.Unparseable.class,
                u -> assertThat(u.reason()).isEqualTo(DeadLetterReason.TOO_LARGE));
    }
}
