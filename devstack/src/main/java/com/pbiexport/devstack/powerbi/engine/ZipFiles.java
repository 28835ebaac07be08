package com.pbiexport.devstack.powerbi.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zip archives: one image per page (multi-page PNG), and minimal Office Open XML packages. */
final class ZipFiles {
    static final String PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private static final String REL_OFFICE_DOCUMENT =
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
    private static final String XML_HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

    private ZipFiles() { }

    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One part of an OOXML package. */
    private record Part(String name, String contentType, String xml) { }

    /**
     * A package with {@code [Content_Types].xml}, the root relationship to the main part, and the parts. Not
     * everything an Office application needs to open it, but a structurally valid package.
     */
    private static byte[] ooxml(List<Part> parts, Map<String, String> extraFiles) {
        StringBuilder types = new StringBuilder(XML_HEAD)
                .append("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">")
                .append("<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>")
                .append("<Default Extension=\"xml\" ContentType=\"application/xml\"/>");
        for (Part p : parts) {
            types.append("<Override PartName=\"/").append(p.name()).append("\" ContentType=\"").append(p.contentType()).append("\"/>");
        }
        types.append("</Types>");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("[Content_Types].xml", utf8(types.toString()));
        files.put("_rels/.rels", utf8(XML_HEAD
                + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"" + REL_OFFICE_DOCUMENT + "\" Target=\"" + parts.get(0).name() + "\"/>"
                + "</Relationships>"));
        for (Part p : parts) {
            files.put(p.name(), utf8(p.xml()));
        }
        extraFiles.forEach((k, v) -> files.put(k, utf8(v)));
        return zip(files);
    }

    static byte[] docx(FileSpec spec) {
        StringBuilder body = new StringBuilder();
        for (int p = 1; p <= spec.pages(); p++) {
            for (String line : spec.lines(p)) {
                body.append("<w:p><w:r><w:t xml:space=\"preserve\">").append(TextFiles.xml(line)).append("</w:t></w:r></w:p>");
            }
        }
        String doc = XML_HEAD + "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                + "<w:body>" + body + "</w:body></w:document>";
        return ooxml(List.of(new Part("word/document.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", doc)), Map.of());
    }

    static byte[] xlsx(FileSpec spec) {
        String ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        String relNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        String workbook = XML_HEAD + "<workbook xmlns=\"" + ns + "\" xmlns:r=\"" + relNs + "\"><sheets>"
                + "<sheet name=\"Report\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
        StringBuilder rows = new StringBuilder();
        int r = 1;
        for (int p = 1; p <= spec.pages(); p++) {
            for (String line : spec.lines(p)) {
                rows.append("<row r=\"").append(r).append("\"><c r=\"A").append(r).append("\" t=\"inlineStr\"><is><t>")
                        .append(TextFiles.xml(line)).append("</t></is></c></row>");
                r++;
            }
        }
        String sheet = XML_HEAD + "<worksheet xmlns=\"" + ns + "\"><sheetData>" + rows + "</sheetData></worksheet>";
        String rels = XML_HEAD + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"" + relNs + "/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
        return ooxml(List.of(
                new Part("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", workbook),
                new Part("xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml", sheet)),
                Map.of("xl/_rels/workbook.xml.rels", rels));
    }

    static byte[] pptx(FileSpec spec) {
        String pNs = "http://schemas.openxmlformats.org/presentationml/2006/main";
        String aNs = "http://schemas.openxmlformats.org/drawingml/2006/main";
        String relNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        List<Part> parts = new ArrayList<>();
        StringBuilder ids = new StringBuilder();
        StringBuilder rels = new StringBuilder(XML_HEAD
                + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
        List<Part> slides = new ArrayList<>();
        for (int p = 1; p <= spec.pages(); p++) {
            ids.append("<p:sldId id=\"").append(255 + p).append("\" r:id=\"rId").append(p).append("\"/>");
            rels.append("<Relationship Id=\"rId").append(p).append("\" Type=\"").append(relNs)
                    .append("/slide\" Target=\"slides/slide").append(p).append(".xml\"/>");
            StringBuilder text = new StringBuilder();
            for (String line : spec.lines(p)) {
                text.append("<a:p><a:r><a:t>").append(TextFiles.xml(line)).append("</a:t></a:r></a:p>");
            }
            slides.add(new Part("ppt/slides/slide" + p + ".xml",
                    "application/vnd.openxmlformats-officedocument.presentationml.slide+xml",
                    XML_HEAD + "<p:sld xmlns:p=\"" + pNs + "\" xmlns:a=\"" + aNs + "\"><p:cSld><p:spTree><p:sp><p:txBody>"
                            + "<a:bodyPr/>" + text + "</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"));
        }
        rels.append("</Relationships>");
        parts.add(new Part("ppt/presentation.xml",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
                XML_HEAD + "<p:presentation xmlns:p=\"" + pNs + "\" xmlns:r=\"" + relNs + "\"><p:sldIdLst>" + ids
                        + "</p:sldIdLst><p:sldSz cx=\"12192000\" cy=\"6858000\"/><p:notesSz cx=\"6858000\" cy=\"9144000\"/>"
                        + "</p:presentation>"));
        parts.addAll(slides);
        return ooxml(parts, Map.of("ppt/_rels/presentation.xml.rels", rels.toString()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
