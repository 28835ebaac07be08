package com.pbiexport.devstack.powerbi.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal but valid PDF 1.4: one page per rendered page, each showing the file's text lines in Helvetica.
 * Padding goes in comment lines right after the header; the cross-reference offsets account for it.
 */
final class PdfFiles {
    private static final byte[] PADDING_LINE = ("%" + " ".repeat(62) + "\n").getBytes(StandardCharsets.US_ASCII);

    private PdfFiles() { }

    static RenderedFile render(FileSpec spec) {
        byte[] head = "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1);
        // the body does not depend on the padding except for its offsets: render once to learn its size
        long naturalBody = body(spec, head.length).length;
        long padding = RenderedFile.padding(spec.targetSize(), head.length + naturalBody, PADDING_LINE.length);
        byte[] tail = body(spec, head.length + padding);
        return new RenderedFile("application/pdf", ".pdf", head, padding, PADDING_LINE, tail);
    }

    /** Objects, xref table and trailer, with offsets counted from {@code base} (bytes before the body). */
    private static byte[] body(FileSpec spec, long base) {
        int pages = spec.pages();
        List<String> objects = new ArrayList<>();
        StringBuilder kids = new StringBuilder();
        for (int p = 0; p < pages; p++) {
            kids.append(4 + 2 * p).append(" 0 R ");
        }
        objects.add("<< /Type /Catalog /Pages 2 0 R >>");
        objects.add("<< /Type /Pages /Kids [" + kids.toString().trim() + "] /Count " + pages + " >>");
        objects.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        for (int p = 1; p <= pages; p++) {
            int contentObj = 5 + 2 * (p - 1);
            objects.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 3 0 R >> >> "
                    + "/Contents " + contentObj + " 0 R >>");
            String stream = contentStream(spec.lines(p));
            objects.add("<< /Length " + stream.getBytes(StandardCharsets.ISO_8859_1).length + " >>\nstream\n" + stream
                    + "\nendstream");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] offsets = new long[objects.size()];
        for (int i = 0; i < objects.size(); i++) {
            offsets[i] = base + out.size();
            write(out, (i + 1) + " 0 obj\n" + objects.get(i) + "\nendobj\n");
        }
        long xref = base + out.size();
        StringBuilder sb = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        for (long off : offsets) {
            sb.append(String.format("%010d 00000 n \n", off));
        }
        sb.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref).append("\n%%EOF\n");
        write(out, sb.toString());
        return out.toByteArray();
    }

    private static String contentStream(List<String> lines) {
        StringBuilder sb = new StringBuilder("BT\n/F1 14 Tf\n50 540 Td\n18 TL\n");
        for (String line : lines) {
            sb.append('(').append(escape(line)).append(") Tj T*\n");
        }
        return sb.append("ET").toString();
    }

    /** PDF literal string escaping; characters outside Latin-1 become '?' (the standard font cannot show them). */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '(' || c == ')' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 32 || c > 255) {
                sb.append('?');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Characters outside Latin-1 become '?' (for formats whose text fields are Latin-1). */
    static String escapeLatin1(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(c > 255 ? '?' : c);
        }
        return sb.toString();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
