package com.pbiexport.worker.diagnose;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the caller knows about a failed Power BI call beyond the answer itself; lets the classifier tell
 * apart causes that Power BI answers alike (a Graph token and a non-member both get 401/403).
 *
 * @param operation          the failed call ({@link PowerBiCall#START}, {@link PowerBiCall#POLL}...), if the caller knows
 *                           it better than the failure's own name
 * @param tokenClaims        claims of the token that was sent (decoded for diagnosis only)
 * @param expectedAudience   the configured cloud's Power BI audience, e.g. {@code https://analysis.windows.net/powerbi/api}
 * @param myWorkspaceRoute   the call used a {@code /v1.0/myorg/reports/...} (My workspace) route
 * @param format             the requested export format, e.g. {@code PNG}
 * @param reportType         the report's type, if known
 * @param pageCount          pages/visuals asked for, if known
 * @param errorInfo          Power BI's {@code X-PowerBI-Error-Info} response header, if the client kept it
 * @param workspaceExists    kept for callers; no longer read: that the workspace exists proves nothing about a 403 or
 *                           404 by itself (the route may have failed on the report or the capacity); the contrastive
 *                           look-ups of {@link TargetEvidence} decide instead
 * @param profileId          the service principal profile the call was made as, if any (a candidate cause of a 404)
 * @param exportExpiresAt    the {@code expirationTime} of the export as the worker last saw it (poll, download):
 *                           the only evidence that a 404 on the file is an expired file
 */
public record ClassificationContext(
        Optional<PowerBiCall> operation,
        Optional<TokenClaims> tokenClaims,
        Optional<String> expectedAudience,
        boolean myWorkspaceRoute,
        Optional<String> format,
        Optional<ReportType> reportType,
        Optional<Integer> pageCount,
        Optional<String> errorInfo,
        boolean workspaceExists,
        Optional<String> profileId,
        Optional<Instant> exportExpiresAt) {

    /** The two kinds of report, which accept different formats. */
    public enum ReportType {
        POWER_BI_REPORT, PAGINATED_REPORT;

        /** Power BI's {@code reportType} values: {@code PowerBIReport}, {@code PaginatedReport}. */
        public static Optional<ReportType> parse(String value) {
            if ("PowerBIReport".equalsIgnoreCase(value)) {
                return Optional.of(POWER_BI_REPORT);
            }
            if ("PaginatedReport".equalsIgnoreCase(value)) {
                return Optional.of(PAGINATED_REPORT);
            }
            return Optional.empty();
        }
    }

    public ClassificationContext {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(tokenClaims, "tokenClaims");
        Objects.requireNonNull(expectedAudience, "expectedAudience");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(reportType, "reportType");
        Objects.requireNonNull(pageCount, "pageCount");
        Objects.requireNonNull(errorInfo, "errorInfo");
        Objects.requireNonNull(profileId, "profileId");
        Objects.requireNonNull(exportExpiresAt, "exportExpiresAt");
    }

    private static final ClassificationContext EMPTY = new ClassificationContext(Optional.empty(), Optional.empty(),
            Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty(),
            Optional.empty());

    /** Nothing known beyond the failure. */
    public static ClassificationContext empty() {
        return EMPTY;
    }

    public ClassificationContext withOperation(PowerBiCall value) {
        return new ClassificationContext(Optional.ofNullable(value), tokenClaims, expectedAudience, myWorkspaceRoute,
                format, reportType, pageCount, errorInfo, workspaceExists, profileId, exportExpiresAt);
    }

    public ClassificationContext withTokenClaims(TokenClaims value) {
        return new ClassificationContext(operation, Optional.ofNullable(value), expectedAudience, myWorkspaceRoute,
                format, reportType, pageCount, errorInfo, workspaceExists, profileId, exportExpiresAt);
    }

    /** Decodes the access token that was sent (without trusting it); ignores tokens that are not JWTs. */
    public ClassificationContext withAccessToken(String jwt) {
        return withTokenClaims(TokenClaims.decode(jwt).orElse(null));
    }

    public ClassificationContext withExpectedAudience(String value) {
        return new ClassificationContext(operation, tokenClaims, Optional.ofNullable(value), myWorkspaceRoute,
                format, reportType, pageCount, errorInfo, workspaceExists, profileId, exportExpiresAt);
    }

    public ClassificationContext withMyWorkspaceRoute(boolean value) {
        return new ClassificationContext(operation, tokenClaims, expectedAudience, value, format, reportType,
                pageCount, errorInfo, workspaceExists, profileId, exportExpiresAt);
    }

    public ClassificationContext withFormat(String value) {
        return new ClassificationContext(operation, tokenClaims, expectedAudience, myWorkspaceRoute,
                Optional.ofNullable(value), reportType, pageCount, errorInfo, workspaceExists, profileId, exportExpiresAt);
    }

    public ClassificationContext withReportType(ReportType value) {
        return new ClassificationContext(operation, tokenClaims, expectedAudience, myWorkspaceRoute, format,
                Optional.ofNullable(value), pageCount, errorInfo, workspaceExists, profileId, exportExpiresAt);
    }

    public ClassificationContext withPageCount(Integer value) {
        return new ClassificationContext(operation, tokenClaims, expectedAudience, myWorkspaceRoute, format,
                reportType, Optional.ofNullable(value), errorInfo, workspaceExists, profileId, exportExpiresAt);
    }

    public ClassificationContext withErrorInfo(String value) {
        return new ClassificationContext(operation, tokenClaims, expectedAudience, myWorkspaceRoute, format,
                reportType, pageCount, Optional.ofNullable(value), workspaceExists, profileId,
                exportExpiresAt);
    }

    public ClassificationContext withWorkspaceExists(boolean value) {
        return new ClassificationContext(operation, tokenClaims, expectedAudience, myWorkspaceRoute, format,
                reportType, pageCount, errorInfo, value, profileId, exportExpiresAt);
    }

    public ClassificationContext withProfileId(String value) {
        return new ClassificationContext(operation, tokenClaims, expectedAudience, myWorkspaceRoute, format,
                reportType, pageCount, errorInfo, workspaceExists, Optional.ofNullable(value), exportExpiresAt);
    }

    public ClassificationContext withExportExpiresAt(Instant value) {
        return new ClassificationContext(operation, tokenClaims, expectedAudience, myWorkspaceRoute, format,
                reportType, pageCount, errorInfo, workspaceExists, profileId, Optional.ofNullable(value));
    }
}
