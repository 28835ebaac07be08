package com.pbiexport.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks for one report export. See {@code schemas/ExportRequested.schema.json} for the rules.
 *
 * <p>A tolerant reader: ids and {@code format} are plain strings so that a request with a bad id or an
 * unknown format still maps, and the worker can answer it with an {@link ExportFailed}
 * ({@code invalid_request}) instead of dropping it; unknown properties are ignored. The two Power BI
 * configurations are kept as JSON trees and passed to Power BI unchanged, so no field is lost; treat them
 * as read-only. {@code identities[].identityBlob} inside them is a secret: never log these trees.
 *
 * @param requestId                    idempotency key (required)
 * @param tenant                       alias of a tenant configured in the worker (required)
 * @param workspaceId                  workspace (group) UUID (required)
 * @param reportId                     report UUID (required)
 * @param format                       Power BI format, e.g. {@code "PDF"} (required); see {@link ExportFormat}
 * @param powerBIReportConfiguration   Power BI's {@code PowerBIReportExportConfiguration}, or null
 * @param paginatedReportConfiguration Power BI's {@code PaginatedReportExportConfiguration}, or null
 * @param profileId                    service principal profile UUID, or null
 * @param output                       file name and sink, or null for the defaults
 * @param notAfter                     deadline, or null
 * @param attributes                   opaque correlation data echoed on the outcome; never null (empty)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExportRequested(
        String requestId,
        String tenant,
        String workspaceId,
        String reportId,
        String format,
        ObjectNode powerBIReportConfiguration,
        ObjectNode paginatedReportConfiguration,
        String profileId,
        OutputSpec output,
        Instant notAfter,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> attributes) {

    public ExportRequested {
        attributes = Maps.attributes(attributes);
    }

    /** {@link #format()} as a known format, or empty when it is missing or unknown to this version. */
    public Optional<ExportFormat> knownFormat() {
        return ExportFormat.parse(format);
    }

    /**
     * The body of Power BI's {@code ExportTo} call ({@code ExportReportRequest}) for a valid request: the format and
     * the configuration given, copied (the request's trees stay untouched).
     */
    public ObjectNode exportToBody() {
        ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        body.put("format", knownFormat().map(ExportFormat::wireValue).orElse(format));
        if (powerBIReportConfiguration != null) {
            body.set("powerBIReportConfiguration", powerBIReportConfiguration.deepCopy());
        }
        if (paginatedReportConfiguration != null) {
            body.set("paginatedReportConfiguration", paginatedReportConfiguration.deepCopy());
        }
        return body;
    }

    /** Starts a request with its required fields; everything else is optional. */
    public static Builder builder(String requestId, String tenant, String workspaceId, String reportId,
                                  ExportFormat format) {
        return new Builder(requestId, tenant, workspaceId, reportId, Objects.requireNonNull(format, "format").name());
    }

    /** Convenience for producers. Does not validate: validate against the schema, or let the worker answer. */
    public static final class Builder {
        private final String requestId;
        private final String tenant;
        private final String workspaceId;
        private final String reportId;
        private final String format;
        private ObjectNode powerBIReportConfiguration;
        private ObjectNode paginatedReportConfiguration;
        private String profileId;
        private OutputSpec output;
        private Instant notAfter;
        private Map<String, String> attributes = Map.of();

        private Builder(String requestId, String tenant, String workspaceId, String reportId, String format) {
            this.requestId = requestId;
            this.tenant = tenant;
            this.workspaceId = workspaceId;
            this.reportId = reportId;
            this.format = format;
        }

        public Builder powerBIReportConfiguration(ObjectNode configuration) {
            this.powerBIReportConfiguration = configuration;
            return this;
        }

        public Builder paginatedReportConfiguration(ObjectNode configuration) {
            this.paginatedReportConfiguration = configuration;
            return this;
        }

        public Builder profileId(String profileId) {
            this.profileId = profileId;
            return this;
        }

        public Builder output(OutputSpec output) {
            this.output = output;
            return this;
        }

        public Builder notAfter(Instant notAfter) {
            this.notAfter = notAfter;
            return this;
        }

        public Builder attributes(Map<String, String> attributes) {
            this.attributes = attributes;
            return this;
        }

        public ExportRequested build() {
            return new ExportRequested(requestId, tenant, workspaceId, reportId, format, powerBIReportConfiguration,
                    paginatedReportConfiguration, profileId, output, notAfter, attributes);
        }
    }
}
