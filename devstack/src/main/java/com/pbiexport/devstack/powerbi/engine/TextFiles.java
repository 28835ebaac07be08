package com.pbiexport.devstack.powerbi.engine;

import java.nio.charset.StandardCharsets;

/**
 * Paginated report text formats: CSV, XML and MHTML. Padding (for large-file tests) goes where each format
 * allows free text: empty CSV lines at the end, an XML comment after the root element, the MIME epilogue.
 */
final class TextFiles {
    private static final byte[] BLANK_LINE = (" ".repeat(63) + "\n").getBytes(StandardCharsets.US_ASCII);

    private TextFiles() { }

    static RenderedFile csv(FileSpec spec) {
        StringBuilder sb = new StringBuilder("Report,Page,PageName,Parameters,Identities\r\n");
        for (int p = 1; p <= spec.pages(); p++) {
            sb.append(csvField(spec.reportName())).append(',').append(p).append(',')
                    .append(csvField(spec.pageNames().get(p - 1))).append(',')
                    .append(csvField(String.join("; ", spec.parameters()))).append(',')
                    .append(csvField(String.join("; ", spec.identities()))).append("\r\n");
        }
        return padded("text/csv", ".csv", sb.toString(), "", spec.targetSize());
    }

    static RenderedFile xmlFile(FileSpec spec) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Report Name=\"")
                .append(xml(spec.reportName())).append("\" Pages=\"").append(spec.pages()).append("\">\n  <Parameters>\n");
        for (String param : spec.parameters()) {
            int eq = param.indexOf('=');
            sb.append("    <Parameter Name=\"").append(xml(param.substring(0, eq))).append("\" Value=\"")
                    .append(xml(param.substring(eq + 1))).append("\"/>\n");
        }
        sb.append("  </Parameters>\n  <Identities>\n");
        for (String id : spec.identities()) {
            sb.append("    <Identity Username=\"").append(xml(id)).append("\"/>\n");
        }
        sb.append("  </Identities>\n");
        for (int p = 1; p <= spec.pages(); p++) {
            sb.append("  <Page Number=\"").append(p).append("\" Name=\"").append(xml(spec.pageNames().get(p - 1)))
                    .append("\"/>\n");
        }
        sb.append("</Report>\n<!--");
        return padded("application/xml", ".xml", sb.toString(), "-->\n", spec.targetSize());
    }

    static RenderedFile mhtml(FileSpec spec) {
        String boundary = "----=_devstack_boundary";
        StringBuilder html = new StringBuilder("<html><head><title>").append(xml(spec.reportName()))
                .append("</title></head><body>\r\n");
        for (int p = 1; p <= spec.pages(); p++) {
            html.append("<div class=\"page\">\r\n");
            for (String line : spec.lines(p)) {
                html.append("<p>").append(xml(line)).append("</p>\r\n");
            }
            html.append("</div>\r\n");
        }
        html.append("</body></html>\r\n");
        String doc = "MIME-Version: 1.0\r\nSubject: " + oneLine(spec.reportName()) + "\r\n"
                + "Content-Type: multipart/related; type=\"text/html\"; boundary=\"" + boundary + "\"\r\n\r\n"
                + "--" + boundary + "\r\nContent-Type: text/html; charset=\"utf-8\"\r\nContent-Location: report.html\r\n\r\n"
                + html + "--" + boundary + "--\r\n";
        return padded("message/rfc822", ".mhtml", doc, "", spec.targetSize());
    }

    private static RenderedFile padded(String contentType, String ext, String head, String tail, long target) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        long padding = RenderedFile.padding(target, h.length + t.length, BLANK_LINE.length);
        return new RenderedFile(contentType, ext, h, padding, BLANK_LINE, t);
    }

    static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains(";")
                ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** Escapes text for XML content and attributes. */
    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String oneLine(String s) {
        return s.replace('\r', ' ').replace('\n', ' ');
    }
}
