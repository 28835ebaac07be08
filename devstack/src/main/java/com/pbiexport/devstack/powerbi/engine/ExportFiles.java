package com.pbiexport.devstack.powerbi.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an export's file in its format, with the content type and extension the service uses.
 *
 * <table>
 *   <caption>formats</caption>
 *   <tr><td>PDF, ACCESSIBLEPDF</td><td>application/pdf .pdf, one page per rendered page</td></tr>
 *   <tr><td>PNG</td><td>one page: image/png .png; several: application/zip .zip with one PNG per page</td></tr>
 *   <tr><td>PPTX, XLSX, DOCX</td><td>minimal Office Open XML packages</td></tr>
 *   <tr><td>CSV, XML, MHTML</td><td>text/csv, application/xml, message/rfc822 (.mhtml)</td></tr>
 *   <tr><td>IMAGE</td><td>{@code formatSettings.OutputFormat}: TIFF (default, multi-page), BMP, EMF, GIF, JPEG,
 *       PNG (several pages of a single-page format: a .zip)</td></tr>
 * </table>
 * Padding to {@code Report.fileSizeBytes} applies to PDF and the text formats (the ones a large-download test
 * needs); zip and image files keep their natural size.
 */
final class ExportFiles {
    private ExportFiles() { }

    /** The extension of the file an export will produce (known at start, reported while running). */
    static String extension(String format, String imageFormat, int pages) {
        return switch (format) {
            case "PDF", "ACCESSIBLEPDF" -> ".pdf";
            case "PNG" -> pages > 1 ? ".zip" : ".png";
            case "PPTX" -> ".pptx";
            case "XLSX" -> ".xlsx";
            case "DOCX" -> ".docx";
            case "CSV" -> ".csv";
            case "XML" -> ".xml";
            case "MHTML" -> ".mhtml";
            case "IMAGE" -> imageExtension(imageFormat, pages);
            default -> ".bin";
        };
    }

    /** The normalised IMAGE output format: TIFF unless one of the documented alternatives was asked for. */
    static String imageFormat(String outputFormat) {
        String f = outputFormat == null ? "TIFF" : outputFormat.trim().toUpperCase(Locale.ROOT);
        return switch (f) {
            case "BMP", "EMF", "GIF", "JPEG", "PNG", "TIFF" -> f;
            case "JPG" -> "JPEG";
            case "TIF" -> "TIFF";
            default -> "TIFF";
        };
    }

    private static String imageExtension(String imageFormat, int pages) {
        if (imageFormat.equals("TIFF")) {
            return ".tiff";
        }
        return pages > 1 ? ".zip" : "." + (imageFormat.equals("JPEG") ? "jpg" : imageFormat.toLowerCase(Locale.ROOT));
    }

    static RenderedFile render(FileSpec spec) {
        return switch (spec.format()) {
            case "PDF", "ACCESSIBLEPDF" -> PdfFiles.render(spec);
            case "PNG" -> pageImages(spec, "PNG");
            case "PPTX" -> RenderedFile.unpadded(ZipFiles.PPTX, ".pptx", ZipFiles.pptx(spec));
            case "XLSX" -> RenderedFile.unpadded(ZipFiles.XLSX, ".xlsx", ZipFiles.xlsx(spec));
            case "DOCX" -> RenderedFile.unpadded(ZipFiles.DOCX, ".docx", ZipFiles.docx(spec));
            case "CSV" -> TextFiles.csv(spec);
            case "XML" -> TextFiles.xmlFile(spec);
            case "MHTML" -> TextFiles.mhtml(spec);
            case "IMAGE" -> spec.imageFormat().equals("TIFF")
                    ? RenderedFile.unpadded("image/tiff", ".tiff", ImageFiles.tiff(spec))
                    : pageImages(spec, spec.imageFormat());
            default -> throw new IllegalArgumentException("unsupported export format " + spec.format());
        };
    }

    /** One image per page; several pages travel as a zip. */
    private static RenderedFile pageImages(FileSpec spec, String imageFormat) {
        String ext = imageFormat.equals("JPEG") ? "jpg" : imageFormat.toLowerCase(Locale.ROOT);
        if (spec.pages() == 1) {
            return RenderedFile.unpadded(imageContentType(imageFormat), "." + ext, image(spec, imageFormat, 1));
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int p = 1; p <= spec.pages(); p++) {
            entries.put(fileName(spec.reportName()) + "-page" + p + "." + ext, image(spec, imageFormat, p));
        }
        return RenderedFile.unpadded("application/zip", ".zip", ZipFiles.zip(entries));
    }

    private static byte[] image(FileSpec spec, String imageFormat, int page) {
        List<String> lines = spec.lines(page);
        return switch (imageFormat) {
            case "PNG" -> ImageFiles.png(lines, page);
            case "EMF" -> ImageFiles.emf(lines);
            case "JPEG" -> ImageFiles.imageIo("jpeg", page);
            default -> ImageFiles.imageIo(imageFormat.toLowerCase(Locale.ROOT), page);
        };
    }

    private static String imageContentType(String imageFormat) {
        return switch (imageFormat) {
            case "EMF" -> "image/emf";
            case "JPEG" -> "image/jpeg";
            default -> "image/" + imageFormat.toLowerCase(Locale.ROOT);
        };
    }

    private static String fileName(String reportName) {
        String s = reportName.replaceAll("[^A-Za-z0-9._-]+", "_");
        return s.isEmpty() ? "report" : s;
    }
}
