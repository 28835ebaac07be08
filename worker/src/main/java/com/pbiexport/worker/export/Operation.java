package com.pbiexport.worker.export;

import com.pbiexport.worker.diagnose.PowerBiCall;

/** The Power BI calls of an export's life; retry rules and failure classification are keyed on them. */
enum Operation {
    /** {@code POST .../ExportTo}. */
    START(PowerBiCall.START),
    /** {@code GET .../exports/{id}}. */
    POLL(PowerBiCall.POLL),
    /** {@code GET .../exports/{id}/file}, streamed into the sink. */
    DOWNLOAD(PowerBiCall.DOWNLOAD);

    private final PowerBiCall call;

    Operation(PowerBiCall call) {
        this.call = call;
    }

    /** The call as the classifier and its evidence rules key on it. */
    PowerBiCall call() {
        return call;
    }

    /** The name metrics ({@code operation} tag) and messages use: {@code start}, {@code poll}, {@code download}. */
    String wireName() {
        return call.wireName();
    }
}
