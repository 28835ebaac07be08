package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorCodeDocsTest {

    @Test
    void listsEveryCodeWithItsCategoryAndFix() {
        String table = ErrorCodeDocs.markdownTable();

        assertThat(table.lines().count()).isEqualTo(ErrorCode.values().length + 2L);
        assertThat(table).contains("| `AUTH_SECRET_EXPIRED` | auth | no | " + ErrorCode.AUTH_SECRET_EXPIRED.remediation()
                + " |");
        assertThat(table).contains("| `PBI_THROTTLED` | throttled | yes | ");
    }
}
