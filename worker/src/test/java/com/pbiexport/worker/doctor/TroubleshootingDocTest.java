package com.pbiexport.worker.doctor;

import com.pbiexport.worker.diagnose.ErrorCodeDocs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/TROUBLESHOOTING.md cannot drift from the tests that back it: every {@code DoctorMatrixIT[row]} it names is a
 * row of the matrix and every matrix row is documented, every {@code DoctorIT.method} exists, and the code table is
 * the one generated from {@code ErrorCode}.
 */
class TroubleshootingDocTest {
    private static final Path DOC = Path.of("..", "docs", "TROUBLESHOOTING.md");

    @Test
    void everyMatrixRowIsDocumentedAndEveryDocumentedRowExists() throws IOException {
        String doc = Files.readString(DOC);
        Set<String> documented = new LinkedHashSet<>();
        Matcher m = Pattern.compile("DoctorMatrixIT\\[([a-z0-9-]+)]").matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
        }
        List<String> rows = DoctorMatrixIT.rows().stream().map(DoctorMatrixIT.Row::name).toList();

        assertThat(documented).containsExactlyInAnyOrderElementsOf(rows);
    }

    @Test
    void everyDoctorItMethodNamedInTheDocumentExists() throws IOException {
        String doc = Files.readString(DOC);
        Set<String> methods = new LinkedHashSet<>();
        Arrays.stream(DoctorIT.class.getDeclaredMethods()).map(Method::getName).forEach(methods::add);
        Matcher m = Pattern.compile("DoctorIT\\.([A-Za-z0-9]+)(\\.\\.\\.)?").matcher(doc);
        int found = 0;
        while (m.find()) {
            found++;
            String name = m.group(1);
            if (m.group(2) != null) {
                assertThat(methods).as("a DoctorIT method starting with %s", name).anyMatch(x -> x.startsWith(name));
            } else {
                assertThat(methods).as("DoctorIT.%s", name).contains(name);
            }
        }
        assertThat(found).isGreaterThanOrEqualTo(5);
    }

    @Test
    void theCodeTableIsTheGeneratedOne() throws IOException {
        assertThat(Files.readString(DOC)).contains(ErrorCodeDocs.markdownTable());
    }
}
