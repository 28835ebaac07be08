package com.pbiexport.worker.diagnose;

import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.powerbi.PowerBiFailure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/** Builders of failures as the token source and the Power BI client report them (test fixtures). */
final class Failures {
    static final String PUBLIC_AUD = "https://analysis.windows.net/powerbi/api";
    static final String GOV_AUD = "https://analysis.usgovcloudapi.net/powerbi/api";
    static final String GRAPH_AUD = "https://graph.microsoft.com";

    private Failures() {
    }

    static TokenFailure rejected(int status, String oauthError, Integer aadsts) {
        return new TokenFailure("contoso", Optional.of(status), Optional.ofNullable(oauthError),
                Optional.ofNullable(aadsts), (aadsts == null ? "" : "AADSTS" + aadsts + ": ") + "Entra said no.",
                TokenFailure.Kind.REJECTED, Optional.empty());
    }

    static TokenFailure kind(TokenFailure.Kind kind, Integer status, Integer aadsts) {
        return new TokenFailure("contoso", Optional.ofNullable(status), Optional.empty(), Optional.ofNullable(aadsts),
                "described", kind, kind == TokenFailure.Kind.THROTTLED ? Optional.of(Duration.ofSeconds(5))
                : Optional.empty());
    }

    static PowerBiFailure.Http http(int status, String code, String message) {
        return new PowerBiFailure.Http("start", status, code, message, Optional.of("req-1"), Optional.empty());
    }

    /** A compact JWT with this payload and a fake signature (the classifier never verifies it). */
    static String jwt(String payloadJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    static ClassificationContext withAudience(String aud, String expected) {
        return ClassificationContext.empty().withTokenClaims(TokenClaims.ofAudience(aud)).withExpectedAudience(expected);
    }
}
