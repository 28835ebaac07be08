package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.devstack.sim.Cloud;
import com.pbiexport.devstack.sim.Realism;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The realistic profile's error answers, against what the real service was seen to send (reference document
 * section 3 and "What the real service sends"; the public sources cited in {@link ApiError}). Expected sets are
 * written out here from those sources, not read from the code under test.
 */
class RealisticErrorAnswersTest {
    private static final long SEED = 4242L;
    /** Enough draws that a seeded run shows every listed answer and content type. */
    private static final int DRAWS = 60;
    private static final String PDF = "{\"format\":\"PDF\"}";
    private static final String EXPORT = groupReport(WS_SALES, RPT_SALES) + "/ExportTo";
    private static final String UNKNOWN_WS = "3d5e0000-0000-4000-a000-0000000000ff";

    @Test
    void aCapacityThatForcesItsRetryAfterStyleGetsItOnEvery429WhateverTheProfileDraws() {
        ErrorShapes shapes = new ErrorShapes(Realism.realistic(SEED), java.time.Clock.systemUTC());
        for (int i = 0; i < DRAWS; i++) {
            assertThat(shapes.render(ApiError.tooManyRequests(7, "coarse")).headers())
                    .as("coarse: 30 s, the step Microsoft is seen to send").containsEntry("Retry-After", "30");
            assertThat(shapes.render(ApiError.tooManyRequests(31, "coarse")).headers())
                    .as("never below the exact wait").containsEntry("Retry-After", "60");
            assertThat(shapes.render(ApiError.tooManyRequests(7, "exact")).headers())
                    .containsEntry("Retry-After", "7");
        }
    }

    /** The only X-PowerBI-Error-Info values the real service was seen to send. */
    private static final Set<String> OBSERVED_INFO = Set.of(
            "ServicePrincipalIsNotAllowedByTenantAdminSwitch", "InvalidToken", "TokenExpired", "GroupNotAccessible");
    private static final Set<String> JSON_CONTENT_TYPES =
            Set.of("application/json; charset=utf-8", "application/json", "text/plain");

    private final List<ApiHarness> harnesses = new ArrayList<>();

    @AfterEach
    void stop() {
        harnesses.forEach(ApiHarness::close);
    }

    private ApiHarness realistic(long seed) {
        ApiHarness h = ApiHarness.withFakeEngine(Realism.realistic(seed));
        // the realistic latency is recorded, not waited: this class checks answer shapes over thousands of draws
        h.sleeper.waitForReal = false;
        harnesses.add(h);
        return h;
    }

    /** One answer as a client sees it: status, body shape, body code, X-PowerBI-Error-Info. */
    record Seen(int status, String shape, String code, String info) { }

    private static Seen seen(int status, String shape, String code, String info) {
        return new Seen(status, shape, code, info);
    }

    private static Seen seen(Reply r) {
        String shape = shape(r);
        String code = shape.equals("nested") || shape.equals("code+message") ? r.errorCode() : null;
        return new Seen(r.status(), shape, code, r.header("X-PowerBI-Error-Info"));
    }

    private static String shape(Reply r) {
        if (r.body().length == 0) {
            return "empty";
        }
        JsonNode json = r.json();
        if (json.has("Message")) {
            return "Message";
        }
        JsonNode error = json.path("error");
        if (error.has("pbi.error")) {
            return "nested";
        }
        return error.has("message") ? "code+message" : "unknown: " + r.text();
    }

    /** Sends the request {@link #DRAWS} times; checks what every error answer must have; returns them. */
    private static List<Reply> draw(Supplier<Reply> request) {
        return draw(request, DRAWS);
    }

    private static List<Reply> draw(Supplier<Reply> request, int times) {
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Reply r = request.get();
            assertThat(r.status()).as(r.text()).isGreaterThanOrEqualTo(400);
            assertThat(r.header("RequestId")).as("RequestId on every answer").isNotBlank();
            assertThat(r.headers().allValues("X-PowerBI-Error-Info")).isSubsetOf(OBSERVED_INFO);
            if (r.body().length == 0) {
                assertThat(r.header("Content-Length")).isEqualTo("0");
                assertThat(r.header("Content-Type")).isNull();
            } else {
                assertThat(r.header("Content-Type")).isIn(JSON_CONTENT_TYPES);
            }
            replies.add(r);
        }
        return replies;
    }

    private static void assertAnswersCover(List<Reply> replies, Set<Seen> observed) {
        Set<Seen> answered = new HashSet<>();
        Set<String> contentTypes = new TreeSet<>();
        for (Reply r : replies) {
            answered.add(seen(r));
            if (r.body().length > 0) {
                contentTypes.add(r.header("Content-Type"));
            }
        }
        assertThat(answered).as("answers (status, shape, code, X-PowerBI-Error-Info)").isEqualTo(observed);
        assertThat(contentTypes).as("content types of the JSON bodies").isEqualTo(new TreeSet<>(JSON_CONTENT_TYPES));
    }

    private static Set<Seen> entityNotFound() {
        return Set.of(seen(404, "nested", "PowerBIEntityNotFound", null),
                seen(404, "code+message", "PowerBIEntityNotFound", null),
                seen(404, "empty", null, null));
    }

    @Test
    void unknownWorkspaceWrongReportAndUnknownExportAnswer404EntityNotFoundInEveryObservedShape() {
        ApiHarness api = realistic(SEED);
        String token = api.contosoToken();

        assertAnswersCover(draw(() -> api.post(groupReport(UNKNOWN_WS, RPT_SALES) + "/ExportTo", token, PDF)),
                entityNotFound());
        assertAnswersCover(draw(() -> api.post(groupReport(WS_SALES, "7e000000-0000-4000-a000-0000000000ff")
                + "/ExportTo", token, PDF)), entityNotFound());
        assertAnswersCover(draw(() -> api.get(groupReport(WS_SALES, RPT_SALES) + "/exports/Mi9C5419i+/file", token)),
                entityNotFound());
    }

    @Test
    void nonMemberAndUnknownWorkspaceAnswerIdenticallyDrawForDraw() {
        ApiHarness unknownSide = realistic(SEED);
        ApiHarness nonMemberSide = realistic(SEED);
        String unknownToken = unknownSide.contosoToken();
        String nonMemberToken = nonMemberSide.contosoToken();

        List<Reply> unknown = draw(() -> unknownSide.post(groupReport(UNKNOWN_WS, RPT_FINANCE) + "/ExportTo",
                unknownToken, PDF));
        List<Reply> nonMember = draw(() -> nonMemberSide.post(groupReport(WS_FINANCE_NO_ACCESS, RPT_FINANCE)
                + "/ExportTo", nonMemberToken, PDF));

        assertThat(fingerprints(nonMember)).isEqualTo(fingerprints(unknown));
        assertAnswersCover(nonMember, entityNotFound());
        assertThat(nonMember).allSatisfy(r -> assertThat(r.text()).doesNotContain("member"));
    }

    @Test
    void expiredTokenAnswers403WithTheObservedBodyOrEmptyWithTheTokenExpiredHeader() {
        ApiHarness api = realistic(SEED);
        String expired = api.token(CONTOSO, APP, c -> c.put("exp", api.clock.instant().getEpochSecond() - 1));

        List<Reply> replies = draw(() -> api.post(EXPORT, expired, PDF));

        assertAnswersCover(replies, Set.of(seen(403, "code+message", "TokenExpired", null),
                seen(403, "empty", null, "TokenExpired")));
        replies.stream().filter(r -> r.body().length > 0).forEach(r -> assertThat(r.json().path("error")
                .path("message").asText()).isEqualTo("Access token has expired, resubmit with a new access token"));
    }

    @Test
    void missingOrMalformedTokenAnswers403InvalidTokenOr401NotAuthorized() {
        ApiHarness api = realistic(SEED);
        Set<Seen> observed = Set.of(seen(403, "empty", null, "InvalidToken"),
                seen(401, "nested", "PowerBINotAuthorizedException", null),
                seen(401, "empty", null, null));

        assertAnswersCover(draw(() -> api.post(EXPORT, null, PDF)), observed);
        assertAnswersCover(draw(() -> api.post(EXPORT, "not-a-jwt", PDF)), observed);
    }

    @Test
    void servicePrincipalsSwitchOffAnswers401WithTheSwitchInErrorInfoWhateverTheBody() {
        ApiHarness api = realistic(SEED);
        String northwind = api.token(NORTHWIND, NORTHWIND_APP);
        String info = "ServicePrincipalIsNotAllowedByTenantAdminSwitch";

        assertAnswersCover(draw(() -> api.post(groupReport(WS_NORTHWIND, RPT_NORTHWIND) + "/ExportTo", northwind, PDF)),
                Set.of(seen(401, "nested", "PowerBINotAuthorizedException", info), seen(401, "empty", null, info)));
    }

    @Test
    void myWorkspaceRouteByAServicePrincipalAnswers403ApiNotAccessibleOrEmpty() {
        ApiHarness api = realistic(SEED);
        String token = api.contosoToken();

        List<Reply> replies = draw(() -> api.post("/v1.0/myorg/reports/" + RPT_SALES + "/ExportTo", token, PDF));

        assertAnswersCover(replies, Set.of(seen(403, "Message", null, null), seen(403, "empty", null, null)));
        replies.stream().filter(r -> r.body().length > 0).forEach(r -> assertThat(r.json().path("Message").asText())
                .isEqualTo("API is not accessible for application"));
    }

    @Test
    void graphOrOtherCloudAudienceAnswers401Or403() {
        ApiHarness api = realistic(SEED);
        String graph = api.token(CONTOSO, APP, c -> c.put("aud", Cloud.GRAPH_AUDIENCE));
        String gov = api.token(CONTOSO, APP, c -> c.put("aud", Cloud.US_GOV.powerBiResource()));
        Set<Seen> observed = Set.of(seen(401, "nested", "PowerBINotAuthorizedException", null),
                seen(401, "empty", null, null), seen(403, "empty", null, null));

        assertAnswersCover(draw(() -> api.post(EXPORT, graph, PDF)), observed);
        assertAnswersCover(draw(() -> api.post(EXPORT, gov, PDF)), observed);
    }

    @Test
    void noAnswerCarriesAnErrorInfoValueOutsideTheObservedFourAndEveryBodyHasADocumentedShape() {
        ApiHarness api = realistic(SEED);
        String contoso = api.contosoToken();
        String fabrikam = api.token(FABRIKAM, FABRIKAM_APP);
        SwaggerSchemas swagger = SwaggerSchemas.load();
        List<Supplier<Reply>> situations = List.of(
                () -> api.post(groupReport(WS_SHARED, RPT_SHARED) + "/ExportTo", contoso, PDF),
                () -> api.post(groupReport(WS_PPU, RPT_PPU_PBI) + "/ExportTo", contoso, PDF),
                () -> api.post(groupReport(WS_FABRIKAM, RPT_FABRIKAM) + "/ExportTo", fabrikam, "{\"format\":\"PNG\"}"),
                () -> api.post(groupReport(WS_SALES, RPT_LABELLED) + "/ExportTo", contoso, PDF),
                () -> api.post(EXPORT, contoso, PDF, "X-PowerBI-Profile-Id", "9f0f11e0-0000-4000-a000-0000000000ff"),
                () -> api.post(EXPORT, fabrikam, PDF),
                () -> api.post(EXPORT, contoso, "{"),
                () -> api.get("/v1.0/myorg/dashboards", contoso),
                () -> api.send(HttpRequest.newBuilder(URI.create(api.baseUrl + EXPORT)).PUT(
                        HttpRequest.BodyPublishers.noBody()), contoso),
                () -> api.get("/v1.0/myorg/admin/groups?$top=1", fabrikam),
                () -> api.get("/v1.0/myorg/admin/groups", contoso));

        for (Supplier<Reply> situation : situations) {
            for (Reply r : draw(situation, 20)) {
                if (r.body().length > 0) {
                    assertThat(swagger.errorsAgainst(SwaggerConformanceTest.ERROR_SCHEMA, r.json()))
                            .as(r.status() + " " + r.text()).isEmpty();
                }
            }
        }
    }

    @Test
    void exportPrerequisitesWithoutAnObservedCodeAnswerTheGeneric403s() {
        ApiHarness api = realistic(SEED);
        String token = api.contosoToken();

        assertAnswersCover(draw(() -> api.post(groupReport(WS_SHARED, RPT_SHARED) + "/ExportTo", token, PDF)),
                Set.of(seen(403, "nested", "PowerBINotAuthorizedException", null), seen(403, "empty", null, null)));
    }

    // ---- 429 ------------------------------------------------------------------------------------------

    /**
     * Retry-After as Microsoft sends it for a wait of {@code exact} seconds: whole seconds (the exact wait, or a coarse
     * 30/60 or multiple, never shorter), absent, or an RFC 1123 date in GMT; all four kinds appear.
     */
    private static void assertRetryAfterAsMicrosoftSends(List<Reply> replies, long exact, Instant now) {
        Set<String> kinds = new TreeSet<>();
        for (Reply r : replies) {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.text()).contains(ApiError.TOO_MANY_REQUESTS_TEXT);
            String value = r.header("Retry-After");
            if (value == null) {
                kinds.add("absent");
            } else if (value.matches("\\d+")) {
                long seconds = Long.parseLong(value);
                assertThat(seconds).isGreaterThanOrEqualTo(exact);
                if (seconds == exact) {
                    kinds.add("exact");
                } else {
                    assertThat(seconds % 30).as("coarse: a multiple of 30, was " + value).isZero();
                    kinds.add("coarse");
                }
            } else {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                assertThat(value).endsWith(" GMT");
                assertThat(at).isEqualTo(now.plusSeconds(exact));
                kinds.add("date");
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder("absent", "exact", "coarse", "date");
    }

    @Test
    void forced429RetryAfterIsWholeSecondsCoarseAbsentOrAnHttpDate() {
        ApiHarness api = realistic(SEED);
        api.faults.merge(("{\"forced429Count\":" + DRAWS + ",\"forced429RetryAfterSeconds\":7}")
                .getBytes(StandardCharsets.UTF_8));
        String token = api.contosoToken();

        assertRetryAfterAsMicrosoftSends(draw(() -> api.get("/v1.0/myorg/groups", token)), 7, api.clock.instant());
    }

    @Test
    void capacityFull429RetryAfterIsWholeSecondsCoarseAbsentOrAnHttpDate() {
        ApiHarness api = realistic(SEED);
        api.fake().throttleNext(DRAWS, 5);
        String token = api.contosoToken();

        assertRetryAfterAsMicrosoftSends(draw(() -> api.post(EXPORT, token, PDF)), 5, api.clock.instant());
    }

    @Test
    void premiumPerUserLimiter429RetryAfterIsNeverShorterThanTheWait() {
        ApiHarness api = realistic(SEED);
        String token = api.contosoToken();
        String xlsx = "{\"format\":\"XLSX\"}";
        assertThat(api.post(groupReport(WS_PPU, RPT_PPU_PAGINATED) + "/ExportTo", token, xlsx).status()).isEqualTo(202);
        api.clock.advance(Duration.ofMinutes(2));

        List<Reply> replies = draw(() -> api.post(groupReport(WS_PPU, RPT_PPU_PAGINATED) + "/ExportTo", token, xlsx));

        Set<String> values = new TreeSet<>();
        replies.forEach(r -> values.add(String.valueOf(r.header("Retry-After"))));
        // 180 s left of the 5 minutes; 180 is already a multiple of 30 and 60, so coarse and exact agree
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(api.clock.instant().plusSeconds(180)
                .atZone(java.time.ZoneOffset.UTC));
        assertThat(values).containsExactlyInAnyOrder("180", "null", date);
    }

    // ---- replay -----------------------------------------------------------------------------------------

    private static List<String> fingerprints(List<Reply> replies) {
        List<String> out = new ArrayList<>();
        for (Reply r : replies) {
            out.add(seen(r) + " " + r.header("Content-Type") + " " + r.header("Retry-After"));
        }
        return out;
    }

    private static List<Reply> mixedSequence(ApiHarness api) {
        String token = api.contosoToken();
        String expired = api.token(CONTOSO, APP, c -> c.put("exp", api.clock.instant().getEpochSecond() - 1));
        api.fake().throttleNext(10, 5);
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            replies.add(api.post(EXPORT, token, PDF));                                               // 429
            replies.add(api.post(groupReport(UNKNOWN_WS, RPT_SALES) + "/ExportTo", token, PDF));      // 404
            replies.add(api.post(EXPORT, expired, PDF));                                              // 403
            replies.add(api.post(EXPORT, null, PDF));                                                 // 401/403
        }
        return replies;
    }

    @Test
    void theSameSeedGivesTheSameSequenceOfAnswers() {
        List<String> first = fingerprints(mixedSequence(realistic(SEED)));
        List<String> second = fingerprints(mixedSequence(realistic(SEED)));
        List<String> otherSeed = fingerprints(mixedSequence(realistic(SEED + 1)));

        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void cleanProfileGivesOneAnswerPerSituation() {
        ApiHarness api = ApiHarness.withFakeEngine();
        harnesses.add(api);
        String token = api.contosoToken();
        Map<String, Set<String>> answers = new LinkedHashMap<>();

        for (int i = 0; i < 20; i++) {
            answers.computeIfAbsent("unknown workspace", k -> new HashSet<>()).addAll(fingerprints(List.of(
                    api.post(groupReport(UNKNOWN_WS, RPT_SALES) + "/ExportTo", token, PDF))));
            answers.computeIfAbsent("no token", k -> new HashSet<>()).addAll(fingerprints(List.of(
                    api.post(EXPORT, null, PDF))));
        }

        assertThat(answers.get("unknown workspace")).containsExactly(
                seen(404, "nested", "PowerBIEntityNotFound", null) + " application/json; charset=utf-8 null");
        assertThat(answers.get("no token")).containsExactly(
                seen(401, "nested", "PowerBINotAuthorizedException", null) + " application/json; charset=utf-8 null");
    }
}
