package com.pbiexport.contracts;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ExportFormatTest {

    @Test
    void knowsWhichReportTypesSupportEachFormat() {
        assertThat(Arrays.stream(ExportFormat.values()).filter(ExportFormat::isPowerBiFormat))
                .containsExactly(ExportFormat.PDF, ExportFormat.PPTX, ExportFormat.PNG);
        assertThat(ExportFormat.PNG.isPaginatedFormat()).isFalse();
        assertThat(ExportFormat.XLSX.isPowerBiFormat()).isFalse();
        assertThat(Arrays.stream(ExportFormat.values()).filter(ExportFormat::isPaginatedFormat))
                .hasSize(9).doesNotContain(ExportFormat.PNG);
    }

    @Test
    void parsesOnlyExactWireValues() {
        assertThat(ExportFormat.parse("ACCESSIBLEPDF")).contains(ExportFormat.ACCESSIBLEPDF);
        assertThat(ExportFormat.parse("pdf")).isEmpty();
        assertThat(ExportFormat.parse("PDFX")).isEmpty();
        assertThat(ExportFormat.parse(null)).isEmpty();
    }

    @Test
    void matchesTheSchemaEnum() {
        var schemaEnum = ContractFiles.schemaTree("ExportRequested").at("/$defs/format/enum");

        assertThat(schemaEnum).extracting(n -> n.asText())
                .containsExactlyInAnyOrder(Arrays.stream(ExportFormat.values()).map(ExportFormat::wireValue)
                        .toArray(String[]::new));
    }

    @Test
    void namesExtensionAndContentType() {
        assertThat(ExportFormat.XLSX.fileExtension()).isEqualTo("xlsx");
        assertThat(ExportFormat.ACCESSIBLEPDF.defaultContentType()).isEqualTo("application/pdf");
        assertThat(ExportFormat.contentTypeForExtension(".zip")).isEqualTo("application/zip");
        assertThat(ExportFormat.contentTypeForExtension("PNG")).isEqualTo("image/png");
        assertThat(ExportFormat.contentTypeForExtension("weird")).isEqualTo("application/octet-stream");
        assertThat(ExportFormat.contentTypeForExtension(null)).isEqualTo("application/octet-stream");
    }

    @Test
    void namesTheExtensionOfADownloadsContentType() {
        assertThat(ExportFormat.extensionForContentType("application/pdf")).contains("pdf");
        assertThat(ExportFormat.extensionForContentType("Image/TIFF; charset=binary")).contains("tif");
        assertThat(ExportFormat.extensionForContentType("text/xml")).contains("xml");
        assertThat(ExportFormat.extensionForContentType("message/rfc822")).contains("mhtml");
        assertThat(ExportFormat.extensionForContentType("application/octet-stream")).isEmpty();
        assertThat(ExportFormat.extensionForContentType(null)).isEmpty();
    }

    @Test
    void everyFormatsExtensionAndContentTypeGoBothWays() {
        for (ExportFormat f : ExportFormat.values()) {
            assertThat(ExportFormat.contentTypeForExtension(f.fileExtension())).as("%s", f)
                    .isEqualTo(f.defaultContentType()).isNotEqualTo("application/octet-stream");
            assertThat(ExportFormat.contentTypeForExtension(ExportFormat.extensionForContentType(f.defaultContentType())
                    .orElseThrow())).as("%s", f).isEqualTo(f.defaultContentType());
        }
    }

    @Test
    void errorCategoryWireValuesMatchTheSchemaEnum() {
        var schemaEnum = ContractFiles.schemaTree("ExportFailed").at("/properties/error/properties/category/enum");

        assertThat(schemaEnum).extracting(n -> n.asText()).containsExactlyInAnyOrder(
                Arrays.stream(ErrorCategory.values()).filter(c -> c != ErrorCategory.UNKNOWN)
                        .map(ErrorCategory::wireValue).toArray(String[]::new));
    }
}
