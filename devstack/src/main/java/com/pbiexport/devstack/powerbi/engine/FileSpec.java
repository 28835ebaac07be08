package com.pbiexport.devstack.powerbi.engine;

import java.util.List;

/**
 * What an export file shows: enough for a test to see that the request's options were passed through.
 *
 * @param format      the export format as requested (upper case: PDF, PNG, PPTX, IMAGE, ...)
 * @param imageFormat for IMAGE: {@code formatSettings.OutputFormat} (TIFF when absent)
 * @param pageNames   one name per rendered page
 * @param parameters  paginated {@code parameterValues} as {@code name=value}
 * @param identities  RLS {@code identities[].username}
 * @param targetSize  pad the file to about this many bytes (0 = natural size)
 */
record FileSpec(String reportName, String format, String imageFormat, List<String> pageNames, List<String> parameters,
                List<String> identities, long targetSize) {

    FileSpec {
        pageNames = List.copyOf(pageNames);
        parameters = List.copyOf(parameters);
        identities = List.copyOf(identities);
    }

    int pages() {
        return pageNames.size();
    }

    /** The lines of text every format carries for a page (1-based). */
    List<String> lines(int page) {
        return List.of(
                "Report: " + reportName,
                "Page " + page + " of " + pages() + ": " + pageNames.get(page - 1),
                "Format: " + format + (format.equals("IMAGE") ? " (" + imageFormat + ")" : ""),
                "Parameters: " + String.join(", ", parameters),
                "Identities: " + String.join(", ", identities));
    }
}
