package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.devstack.sim.ForcedAnswers;
import com.pbiexport.devstack.sim.Realism;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders an {@link ApiError} as the real service would: in the clean profile its first answer, as
 * {@code application/json; charset=utf-8}, with the exact Retry-After; in the realistic profile one of its observed
 * answers, a varying Content-Type and Retry-After as Microsoft sends it. Draws come from the shared, seeded
 * {@link Realism}, so a single-threaded client sees the same sequence for the same seed.
 */
final class ErrorShapes {
    static final String JSON_UTF8 = "application/json; charset=utf-8";
    static final String JSON_PLAIN = "application/json";
    /** Sometimes sent for a JSON-looking body (issue "Realism"; no public capture pinned down). */
    static final String TEXT_PLAIN = "text/plain";

    /** Coarse Retry-After values Microsoft sends instead of the exact wait. */
    private static final List<Long> COARSE_STEPS = List.of(30L, 60L);

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One rendered answer.
     *
     * @param contentType null for an empty body
     * @param headers {@code X-PowerBI-Error-Info} and {@code Retry-After} when sent
     */
    record Rendered(int status, String contentType, byte[] body, Map<String, String> headers) { }

    private final Realism realism;
    private final Clock clock;
    private final ForcedAnswers forced;

    ErrorShapes(Realism realism, Clock clock) {
        this(realism, clock, new ForcedAnswers());
    }

    /** @param forced a test's choice of answer (a diagnosis matrix), else the profile's */
    ErrorShapes(Realism realism, Clock clock, ForcedAnswers forced) {
        this.realism = realism;
        this.clock = clock;
        this.forced = forced;
    }

    Rendered render(ApiError error) {
        ApiError.Answer chosen = forced.pick(error.answers());
        ApiError.Answer answer = chosen != null ? chosen
                : realism.realistic() ? realism.pick(error.answers()) : error.clean();
        byte[] body = body(answer, error.message());
        String contentType = answer.shape() == ApiError.Shape.EMPTY ? null
                : chosen != null ? forced.pick(List.of(JSON_UTF8, JSON_PLAIN, TEXT_PLAIN)) : contentType();
        Map<String, String> headers = new LinkedHashMap<>();
        if (answer.errorInfo() != null) {
            headers.put("X-PowerBI-Error-Info", answer.errorInfo());
        }
        if (error.retryAfterSeconds() != null) {
            String retryAfter = "exact".equals(error.retryAfterStyle())
                    ? String.valueOf(Math.max(0, error.retryAfterSeconds()))
                    : "coarse".equals(error.retryAfterStyle()) ? coarse(error.retryAfterSeconds(), COARSE_STEPS.get(0))
                    : retryAfter(error.retryAfterSeconds());
            if (retryAfter != null) {
                headers.put("Retry-After", retryAfter);
            }
        }
        return new Rendered(answer.status(), contentType, body, headers);
    }

    /**
     * Retry-After for a wait of {@code exactSeconds}. Clean: the exact seconds. Realistic: whole seconds, often
     * coarse (30 or 60, or the next multiple of them, never below the exact wait), sometimes absent (reference
     * section 2: "not always present"), sometimes an HTTP date (RFC 1123, GMT; "may be delta-seconds or an HTTP date").
     */
    String retryAfter(long exactSeconds) {
        long exact = Math.max(0, exactSeconds);
        if (!realism.realistic()) {
            return String.valueOf(exact);
        }
        double u = realism.nextDouble();
        if (u < 0.15) {
            return null;
        }
        if (u < 0.35) {
            Instant at = clock.instant().plusSeconds(exact);
            if (at.getNano() > 0) {
                at = at.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);  // never earlier than the slot frees
            }
            return DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atZone(ZoneOffset.UTC));
        }
        if (u < 0.75) {
            return coarse(exact, realism.pick(COARSE_STEPS));
        }
        return String.valueOf(exact);
    }

    /** A coarse Retry-After: the step, or the next multiple of it, never below the exact wait. */
    static String coarse(long exactSeconds, long step) {
        return String.valueOf(Math.max(step, ceilTo(Math.max(0, exactSeconds), step)));
    }

    private String contentType() {
        if (!realism.realistic()) {
            return JSON_UTF8;
        }
        double u = realism.nextDouble();
        return u < 0.45 ? JSON_UTF8 : u < 0.85 ? JSON_PLAIN : TEXT_PLAIN;
    }

    private static byte[] body(ApiError.Answer answer, String message) {
        ObjectNode body = JSON.createObjectNode();
        switch (answer.shape()) {
            case EMPTY -> {
                return new byte[0];
            }
            case NESTED -> {
                ObjectNode error = body.putObject("error");
                error.put("code", answer.code());
                ObjectNode pbi = error.putObject("pbi.error");
                pbi.put("code", answer.code());
                pbi.putObject("parameters");
                pbi.putArray("details");
                pbi.put("exceptionCulprit", 1);
            }
            case CODE_MESSAGE -> {
                ObjectNode error = body.putObject("error");
                error.put("code", answer.code());
                error.put("message", message);
            }
            case MESSAGE -> body.put("Message", message);
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long ceilTo(long value, long step) {
        return (value + step - 1) / step * step;
    }
}
