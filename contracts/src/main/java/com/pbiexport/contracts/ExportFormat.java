package com.pbiexport.contracts;

import java.util.Locale;
import java.util.Optional;

/**
 * The export formats Power BI knows, with the report types that support them. Events keep {@code format}
 * as a String (a tolerant reader must survive a format added later); use {@link #parse(String)} to
 * interpret it.
 */
public enum ExportFormat {
    PDF(true, true, "pdf"),
    PPTX(true, true, "pptx"),
    /** Power BI reports only. Several pages come back as a zip of PNGs (see {@link #contentTypeForExtension}). */
    PNG(true, false, "png"),
    ACCESSIBLEPDF(false, true, "pdf"),
    XLSX(false, true, "xlsx"),
    DOCX(false, true, "docx"),
    CSV(false, true, "csv"),
    XML(false, true, "xml"),
    MHTML(false, true, "mhtml"),
    /** Paginated reports only; TIFF unless {@code formatSettings.OutputFormat} picks BMP, EMF, GIF, JPEG or PNG. */
    IMAGE(false, true, "tiff");

    private final boolean powerBi;
    private final boolean paginated;
    private final String extension;

    ExportFormat(boolean powerBi, boolean paginated, String extension) {
        this.powerBi = powerBi;
        this.paginated = paginated;
        this.extension = extension;
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
        return contentTypeForExtension(extension);
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
            return OCTET_STREAM;
        }
        String ext = extension.strip().toLowerCase(Locale.ROOT);
        String bare = ext.startsWith(".") ? ext.substring(1) : ext;
        return MEDIA_TYPES.stream().filter(m -> m.extensions().contains(bare)).map(MediaType::contentType)
                .findFirst().orElse(OCTET_STREAM);
    }

    /**
     * The usual extension (without the dot, e.g. {@code "tif"}) of a download's {@code Content-Type} (parameters
     * such as {@code ; charset} ignored), or empty for an unknown or missing type.
     */
    public static Optional<String> extensionForContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.empty();
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return MEDIA_TYPES.stream().filter(m -> m.contentType().equals(type) || m.aliases().contains(type))
                .map(m -> m.extensions().get(0)).findFirst();
    }

    private static final String OCTET_STREAM = "application/octet-stream";

    /** A file type Power BI produces: its MIME type, other names it goes by, its extensions (usual one first). */
    private record MediaType(String contentType, java.util.List<String> aliases, java.util.List<String> extensions) {
        static MediaType of(String contentType, String... extensions) {
            return new MediaType(contentType, java.util.List.of(), java.util.List.of(extensions));
        }
    }

    // the one table of file types (PDF/ACCESSIBLEPDF, Office, images incl. IMAGE's OutputFormat choices, zip of PNGs)
    private static final java.util.List<MediaType> MEDIA_TYPES = java.util.List.of(
            MediaType.of("application/pdf", "pdf"),
            MediaType.of("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
            MediaType.of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
            MediaType.of("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
            MediaType.of("application/zip", "zip"),
            MediaType.of("image/png", "png"),
            MediaType.of("image/tiff", "tif", "tiff"),
            MediaType.of("image/jpeg", "jpg", "jpeg"),
            MediaType.of("image/gif", "gif"),
            MediaType.of("image/bmp", "bmp"),
            MediaType.of("image/emf", "emf"),
            MediaType.of("text/csv", "csv"),
            new MediaType("application/xml", java.util.List.of("text/xml"), java.util.List.of("xml")),
            new MediaType("multipart/related", java.util.List.of("message/rfc822"), java.util.List.of("mhtml", "mht")));
}
