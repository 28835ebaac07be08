package com.pbiexport.worker.powerbi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every signal an error answer of Power BI carries besides its status, {@code error.code}, {@code error.message},
 * {@code RequestId}, {@code Retry-After} and {@code X-PowerBI-Error-Info} (those are fields of
 * {@link PowerBiFailure.Http}), whatever the body's shape and Content-Type. Kept so that a failure can quote all of
 * them (support asks for them) and so that the classifier can read the few that are known to be real. Never holds a
 * token: values are excerpts of headers and bodies, redacted by the client.
 *
 * @param errorDetails         the {@code X-PowerBI-Error-Details} header (Microsoft's .NET SDK reads it)
 * @param authError            the {@code error} parameter of {@code WWW-Authenticate}, e.g. {@code invalid_token}
 * @param authErrorDescription the {@code error_description} parameter of {@code WWW-Authenticate}
 * @param pbiErrorCode         {@code error["pbi.error"].code} of the nested body shape
 * @param pbiErrorDetails      an excerpt of {@code error["pbi.error"].details}
 * @param contentType          the answer's Content-Type, when it had one
 */
public record ErrorSignals(Optional<String> errorDetails, Optional<String> authError,
                           Optional<String> authErrorDescription, Optional<String> pbiErrorCode,
                           Optional<String> pbiErrorDetails, Optional<String> contentType) {

    /** Longest value kept of any one signal: enough to read, never a whole page. */
    public static final int MAX_VALUE = 200;
    private static final Pattern AUTH_PARAM = Pattern.compile("([A-Za-z_]+)\\s*=\\s*\"([^\"]*)\"");
    private static final ErrorSignals NONE = new ErrorSignals(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public ErrorSignals {
        errorDetails = bounded(errorDetails);
        authError = bounded(authError);
        authErrorDescription = bounded(authErrorDescription);
        pbiErrorCode = bounded(pbiErrorCode);
        pbiErrorDetails = bounded(pbiErrorDetails);
        contentType = bounded(contentType);
    }

    /** No signal beyond the status. */
    public static ErrorSignals none() {
        return NONE;
    }

    /**
     * Reads the {@code error} and {@code error_description} parameters of a {@code WWW-Authenticate} header; every
     * value passes through {@code redact} (a server echoing the request's token must not get it into a message).
     */
    static ErrorSignals from(Optional<String> errorDetails, Optional<String> wwwAuthenticate, ErrorBody body,
                             Optional<String> contentType, UnaryOperator<String> redact) {
        Optional<String> error = Optional.empty();
        Optional<String> description = Optional.empty();
        if (wwwAuthenticate.isPresent()) {
            Matcher m = AUTH_PARAM.matcher(wwwAuthenticate.get());
            while (m.find()) {
                if (m.group(1).equalsIgnoreCase("error")) {
                    error = Optional.of(m.group(2));
                } else if (m.group(1).equalsIgnoreCase("error_description")) {
                    description = Optional.of(m.group(2));
                }
            }
        }
        return new ErrorSignals(errorDetails.map(redact), error.map(redact), description.map(redact),
                Optional.ofNullable(body.pbiCode()).map(redact), Optional.ofNullable(body.pbiDetails()).map(redact),
                contentType);
    }

    /** The signals present, as {@code name=value} items (values on one line, bounded); empty when none. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        pbiErrorCode.ifPresent(v -> out.add("pbi.error.code=" + v));
        pbiErrorDetails.ifPresent(v -> out.add("pbi.error.details=" + v));
        errorDetails.ifPresent(v -> out.add("X-PowerBI-Error-Details=" + v));
        authError.ifPresent(v -> out.add("WWW-Authenticate error=" + v));
        authErrorDescription.ifPresent(v -> out.add("WWW-Authenticate error_description=" + v));
        contentType.ifPresent(v -> out.add("Content-Type=" + v));
        return out;
    }

    private static Optional<String> bounded(Optional<String> value) {
        if (value == null) {
            return Optional.empty();
        }
        return value.map(v -> v.replaceAll("[\\r\\n\\t]+", " ").strip()).filter(v -> !v.isEmpty())
                .map(v -> v.length() <= MAX_VALUE ? v : v.substring(0, MAX_VALUE) + "...");
    }
}
