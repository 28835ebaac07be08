package com.pbiexport.devstack.scenario;

/**
 * A report.
 *
 * @param type             {@code PowerBIReport} or {@code PaginatedReport}
 * @param pages            page count (drives render time: 5 pages render at a time)
 * @param sensitivityLabel a label blocks PDF/PPTX export by a service principal
 * @param datasetId        the dataset behind a Power BI report
 * @param fileSizeBytes    optional: pad exported files to about this size (streamed, never held in memory), for
 *                         large-download tests and benchmarks; null = natural size
 */
public record Report(
        String id,
        String name,
        String workspaceId,
        String type,
        Integer pages,
        Boolean sensitivityLabel,
        String datasetId,
        Long fileSizeBytes) {

    public Report {
        name = name == null ? id : name;
        type = type == null ? "PowerBIReport" : type;
        pages = pages == null ? 3 : pages;
        sensitivityLabel = sensitivityLabel != null && sensitivityLabel;
    }

    /** The shape before {@code fileSizeBytes} was added; kept so existing callers compile. */
    public Report(String id, String name, String workspaceId, String type, Integer pages, Boolean sensitivityLabel,
                  String datasetId) {
        this(id, name, workspaceId, type, pages, sensitivityLabel, datasetId, null);
    }

    public boolean paginated() {
        return "PaginatedReport".equalsIgnoreCase(type);
    }
}
