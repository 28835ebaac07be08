package com.pbiexport.worker.export;

/** The Power BI calls of an export's life; retry rules and failure classification are keyed on them. */
enum Operation {
    /** {@code POST .../ExportTo}. */
    START("start"),
    /** {@code GET .../exports/{id}}. */
    POLL("poll"),
    /** {@code GET .../exports/{id}/file}, streamed into the sink. */
    DOWNLOAD("download");

    private final String wireName;

    Operation(String wireName) {
        this.wireName = wireName;
    }

    /** The name metrics ({@code operation} tag) and the classifier use: {@code start}, {@code poll}, {@code download}. */
    String wireName() {
        return wireName;
    }
}
