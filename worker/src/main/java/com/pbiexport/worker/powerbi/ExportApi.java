package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/**
 * The Power BI calls one export's lifecycle makes, for ONE tenant: start, poll, download, and the workspace look-up
 * that tells which capacity the export runs on. {@link PowerBiClient} is the HTTP implementation; the export
 * lifecycle's unit tests answer these calls from a fake, in fake time.
 * <p>
 * Lives in {@code powerbi}, beside its implementation: the calls, their answers ({@link ExportJob},
 * {@link ApiResponse}) and their failures ({@link PowerBiException}) are this package's vocabulary, and
 * {@code powerbi} must not depend on {@code export} (which would be a cycle).
 * <p>
 * Failures: {@link PowerBiException} (HTTP error, transport, decoding, refused) and
 * {@link com.pbiexport.worker.auth.TokenAcquisitionException} (no token), both unchecked.
 */
public interface ExportApi {
    /** {@code POST groups/{g}/reports/{r}/ExportTo} with an {@code ExportReportRequest} body (passed through). */
    ApiResponse<ExportJob> startExport(ExportTarget target, JsonNode body);

    /** {@code GET groups/{g}/reports/{r}/exports/{id}}: status, percent complete and Retry-After. */
    ApiResponse<ExportJob> getExportStatus(ExportTarget target, String exportId);

    /**
     * Streams the file of a Succeeded export to {@code handler} (never buffered whole).
     *
     * @throws java.io.UncheckedIOException when the handler itself fails with an IOException (its sink)
     */
    <T> ApiResponse<T> downloadFile(ExportTarget target, ExportJob job, FileBodyHandler<T> handler);

    /** {@code GET groups?$filter=...}: the workspaces the caller can see (capacity resolution). */
    ApiResponse<List<GroupInfo>> listGroups(String odataFilter, Optional<String> profileId);
}
