package com.pbiexport.contracts;

import java.util.Locale;
import java.util.Optional;

/**
 * The export formats Power BI knows, with the report types that support them. Events keep {@code format}
 * as a String (a tolerant reader must survive a format added later); use {@link #parse(String)} to
 * interpret it.
 */
public enum ExportFormat {
    PDF(true, true, "pdf", "application/pdf"),
    PPTX(true, true, "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    /** Power BI reports only. Several pages come back as a zip of PNGs (see {@link #contentTypeForExtension}). */
    PNG(true, false, "png", "image/png"),
    ACCESSIBLEPDF(false, true, "pdf", "application/pdf"),
    XLSX(false, true, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    DOCX(false, true, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    CSV(false, true, "csv", "text/csv"),
    XML(false, true, "xml", "application/xml"),
    MHTML(false, true, "mhtml", "multipart/related"),
    /** Paginated reports only; TIFF unless {@code formatSettings.OutputFormat} picks BMP, EMF, GIF, JPEG or PNG. */
    IMAGE(false, true, "tiff", "image/tiff");

    private final boolean powerBi;
    private final boolean paginated;
    private final String extension;
    private final String contentType;

    ExportFormat(boolean powerBi, boolean paginated, String extension, String contentType) {
        this.powerBi = powerBi;
        this.paginated = paginated;
        this.extension = extension;
        this.contentType = contentType;
    }

    /** The wire value as it appears in events and in Power BI's ExportTo body, e.g. {@code "PDF"}. */
    public String wireValue() {
        return name();
    }

    /** True when Power BI reports (.pbix) can be exported to this format. */
    public boolean isPowerBiFormat() {
        return powerBi;
    }

    /** True when paginated reports (.rdl) can be exported to this format. */
    public boolean isPaginatedFormat() {
        return paginated;
    }

    /** Usual file extension without the dot; Power BI's {@code ResourceFileExtension} wins when it says otherwise. */
    public String fileExtension() {
        return extension;
    }

    /** Usual MIME type of a single-file result. */
    public String defaultContentType() {
        return contentType;
    }

    /**
     * The format named exactly by a wire value ({@code "PDF"}), or empty for null, lower-case or unknown
     * values: the schema's enum is case-sensitive and the worker answers {@code invalid_request}.
     */
    public static Optional<ExportFormat> parse(String wireValue) {
        if (wireValue == null) {
            return Optional.empty();
        }
        for (ExportFormat f : values()) {
            if (f.name().equals(wireValue)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * MIME type for the extension Power BI reports for the produced file ({@code ".zip"}, {@code "pdf"}...),
     * falling back to {@code application/octet-stream}. Needed because a multi-page PNG export is a zip.
     */
    public static String contentTypeForExtension(String extension) {
        if (extension == null || extension.isBlank()) {
            return "application/octet-stream";
        }
        String ext = extension.strip().toLowerCase(Locale.ROOT);
        if (ext.startsWith(".")) {
            ext = ext.substring(1);
        }
        return switch (ext) {
            case "zip" -> "application/zip";
            case "pdf" -> "application/pdf";
            case "pptx" -> PPTX.contentType;
            case "png" -> "image/png";
            case "xlsx" -> XLSX.contentType;
            case "docx" -> DOCX.contentType;
            case "csv" -> "text/csv";
            case "xml" -> "application/xml";
            case "mhtml", "mht" -> "multipart/related";
            case "tif", "tiff" -> "image/tiff";
            case "bmp" -> "image/bmp";
            case "emf" -> "image/emf";
            case "gif" -> "image/gif";
            case "jpg", "jpeg" -> "image/jpeg";
            default -> "application/octet-stream";
        };
    }
}
