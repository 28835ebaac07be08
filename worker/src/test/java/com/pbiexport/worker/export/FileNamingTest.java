package com.pbiexport.worker.export;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.storage.StoreRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FileNamingTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:15:30Z");

    private static ExportJobSpec spec(ExportFormat format) {
        ExportRequested r = ExportRequested.builder("req-42", "contoso", "3d5e0000-0000-4000-a000-000000000001",
                "7e000000-0000-4000-a000-000000000001", format).build();
        return new ExportJobSpec(r, JsonNodeFactory.instance.objectNode(), "files", NOW, Optional.empty());
    }

    private static StoreRequest named(ExportFormat format, String contentType, String extension) {
        return FileNaming.storeRequest(spec(format), contentType, 10, extension, 1_000, NOW);
    }

    // expected extensions: the table documented on contracts' ExportFormat (PDF pdf, PPTX pptx, PNG png,
    // ACCESSIBLEPDF pdf, XLSX xlsx, DOCX docx, CSV csv, XML xml, MHTML mhtml, IMAGE tiff)
    @ParameterizedTest
    @CsvSource({"PDF, .pdf", "PPTX, .pptx", "PNG, .png", "ACCESSIBLEPDF, .pdf", "XLSX, .xlsx", "DOCX, .docx",
            "CSV, .csv", "XML, .xml", "MHTML, .mhtml", "IMAGE, .tiff"})
    void withoutAnExtensionOrAKnownContentTypeTheFileIsNamedAfterTheRequestedFormat(ExportFormat format,
                                                                                     String expected) {
        assertThat(named(format, "application/octet-stream", null).fileName()).endsWith("req-42" + expected);
        assertThat(named(format, null, "").fileName()).endsWith("req-42" + expected);
    }

    @Test
    void aPdfWithNeitherExtensionNorContentTypeIsStoredAsAPdf() {
        StoreRequest stored = named(ExportFormat.PDF, null, null);

        assertThat(stored.fileName()).isEqualTo("contoso/2026/12/03/req-42.pdf");
        assertThat(stored.contentType()).isEqualTo("application/pdf");
    }

    @Test
    void aKnownContentTypeNamesTheExtensionWhenPowerBiGivesNone() {
        // an IMAGE export whose formatSettings.OutputFormat asked for PNG
        assertThat(named(ExportFormat.IMAGE, "image/png", null).fileName()).endsWith("req-42.png");
    }

    @Test
    void powerBisResourceFileExtensionWins() {
        // several PNG pages come back as a zip
        StoreRequest stored = named(ExportFormat.PNG, "application/octet-stream", ".zip");

        assertThat(stored.fileName()).endsWith("req-42.zip");
        assertThat(stored.contentType()).isEqualTo("application/zip");
    }
}
