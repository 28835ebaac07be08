package com.pbiexport.devstack.powerbi.engine;

import com.pbiexport.devstack.sim.ManualClock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.powerbi.ExportEngine.ExportFile;
import com.pbiexport.devstack.powerbi.ExportEngine.ExportJob;
import com.pbiexport.devstack.powerbi.ExportEngine.Started;
import com.pbiexport.devstack.scenario.Capacity;
import com.pbiexport.devstack.scenario.Report;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The files are real files of their format: parsed here the way a consumer would. */
class ExportFilesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Capacity F64 = new Capacity("cap", null, "F64", null, null, null, null);
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    ManualClock clock;
    SimExportEngine engine;

    @BeforeEach
    void setUp() {
        clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
        engine = new SimExportEngine(new Scenario("t", null, null, 10L, 1, List.of()), new Faults(clock), new Counters(), clock);
    }

    ExportFile export(Report report, String format, int pages, String configJson) throws IOException {
        JsonNode config = JSON.readTree(configJson);
        ExportJob job = ((Started) engine.start("t", F64, "ws", report, format, pages, "app", config)).job();
        clock.advanceMillis(10_000);
        return engine.file(job.id()).orElseThrow();
    }

    static byte[] bytes(ExportFile f) throws IOException {
        try (InputStream in = f.content()) {
            byte[] b = in.readAllBytes();
            assertThat((long) b.length).as("declared length").isEqualTo(f.length());
            return b;
        }
    }

    static Report powerBi(int pages) {
        return new Report("r", "Sales (Q1)", "ws", "PowerBIReport", pages, false, null);
    }

    static Report paginated(int pages) {
        return new Report("p", "Invoice", "ws", "PaginatedReport", pages, false, null);
    }

    static final String PAGINATED_CONFIG = """
            {"format":"X","paginatedReportConfiguration":{
              "parameterValues":[{"name":"Region","value":"West"},{"name":"Region","value":"East"}],
              "identities":[{"username":"alice@contoso.com","datasets":["d"]}]}}""";

    @Test
    void pdfIsAValidPdfWithOnePagePerRenderedPageNamingTheReportAndIdentities() throws IOException {
        ExportFile f = export(powerBi(3), "PDF", 3, """
                {"format":"PDF","powerBIReportConfiguration":{"identities":[{"username":"bob@contoso.com"}]}}""");
        assertThat(f.contentType()).isEqualTo("application/pdf");
        assertThat(f.fileExtension()).isEqualTo(".pdf");
        String pdf = new String(bytes(f), StandardCharsets.ISO_8859_1);
        assertValidPdf(pdf, 3);
        assertThat(pdf).contains("Report: Sales \\(Q1\\)", "Page 3 of 3", "Identities: bob@contoso.com");
    }

    /** Header, trailer, and a cross-reference table whose every offset points at its object. */
    static void assertValidPdf(String pdf, int pages) {
        assertThat(pdf).startsWith("%PDF-1.4\n").endsWith("%%EOF\n");
        Matcher sx = Pattern.compile("startxref\n(\\d+)\n%%EOF\n$").matcher(pdf);
        assertThat(sx.find()).isTrue();
        int xref = Integer.parseInt(sx.group(1));
        assertThat(pdf.substring(xref)).startsWith("xref\n0 ");
        Matcher entries = Pattern.compile("(\\d{10}) 00000 n \n").matcher(pdf.substring(xref));
        int obj = 1;
        while (entries.find()) {
            int off = Integer.parseInt(entries.group(1));
            assertThat(pdf.substring(off)).startsWith(obj + " 0 obj\n");
            obj++;
        }
        assertThat(obj - 1).isEqualTo(3 + 2 * pages);
        assertThat(pdf).contains("/Count " + pages + " >>");
    }

    @Test
    void accessiblePdfIsAPdfWithTheParameterValues() throws IOException {
        ExportFile f = export(paginated(2), "ACCESSIBLEPDF", 2, PAGINATED_CONFIG);
        String pdf = new String(bytes(f), StandardCharsets.ISO_8859_1);
        assertValidPdf(pdf, 2);
        assertThat(pdf).contains("Parameters: Region=West, Region=East", "alice@contoso.com");
    }

    @Test
    void multiPagePngIsARealZipWithOnePngPerPage() throws IOException {
        ExportFile f = export(powerBi(3), "PNG", 3, "{\"format\":\"PNG\"}");
        assertThat(f.contentType()).isEqualTo("application/zip");
        assertThat(f.fileExtension()).isEqualTo(".zip");
        Map<String, byte[]> entries = unzip(bytes(f));
        assertThat(entries).hasSize(3);
        for (byte[] png : entries.values()) {
            assertThat(png).startsWith(PNG_SIGNATURE);
            assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(ImageFiles.WIDTH);
        }
        assertThat(entries.keySet()).allMatch(n -> n.endsWith(".png"));
    }

    @Test
    void singlePagePngIsAPlainPngNamingThePage() throws IOException {
        ExportFile f = export(powerBi(1), "PNG", 1, """
                {"format":"PNG","powerBIReportConfiguration":{"pages":[{"pageName":"ReportSection2"}]}}""");
        assertThat(f.contentType()).isEqualTo("image/png");
        assertThat(f.fileExtension()).isEqualTo(".png");
        byte[] png = bytes(f);
        assertThat(png).startsWith(PNG_SIGNATURE);
        assertThat(ImageIO.read(new ByteArrayInputStream(png))).isNotNull();
        assertThat(new String(png, StandardCharsets.ISO_8859_1)).contains("Page 1 of 1: ReportSection2");
    }

    @Test
    void officeFormatsAreOoxmlPackagesWithTheirContentTypes() throws IOException {
        Map<String, String[]> expected = new LinkedHashMap<>();
        expected.put("PPTX", new String[] {ZipFiles.PPTX, ".pptx", "ppt/presentation.xml"});
        expected.put("XLSX", new String[] {ZipFiles.XLSX, ".xlsx", "xl/workbook.xml"});
        expected.put("DOCX", new String[] {ZipFiles.DOCX, ".docx", "word/document.xml"});
        for (Map.Entry<String, String[]> e : expected.entrySet()) {
            ExportFile f = export(paginated(2), e.getKey(), 2, PAGINATED_CONFIG);
            assertThat(f.contentType()).isEqualTo(e.getValue()[0]);
            assertThat(f.fileExtension()).isEqualTo(e.getValue()[1]);
            Map<String, byte[]> entries = unzip(bytes(f));
            assertThat(entries).containsKeys("[Content_Types].xml", "_rels/.rels", e.getValue()[2]);
            String types = new String(entries.get("[Content_Types].xml"), StandardCharsets.UTF_8);
            assertThat(types).contains("PartName=\"/" + e.getValue()[2] + "\"");
            String all = entries.values().stream().map(b -> new String(b, StandardCharsets.UTF_8))
                    .reduce("", String::concat);
            assertThat(all).as(e.getKey()).contains("Region=West", "alice@contoso.com");
        }
    }

    @Test
    void textFormatsCarryTheParametersAndIdentities() throws IOException {
        ExportFile csv = export(paginated(2), "CSV", 2, PAGINATED_CONFIG);
        assertThat(csv.contentType()).isEqualTo("text/csv");
        assertThat(new String(bytes(csv), StandardCharsets.UTF_8))
                .startsWith("Report,Page").contains("Region=West; Region=East", "alice@contoso.com");
        ExportFile xml = export(paginated(2), "XML", 2, PAGINATED_CONFIG);
        assertThat(xml.fileExtension()).isEqualTo(".xml");
        assertThat(new String(bytes(xml), StandardCharsets.UTF_8))
                .contains("<Parameter Name=\"Region\" Value=\"East\"/>", "Username=\"alice@contoso.com\"");
        ExportFile mhtml = export(paginated(2), "MHTML", 2, PAGINATED_CONFIG);
        assertThat(mhtml.fileExtension()).isEqualTo(".mhtml");
        assertThat(new String(bytes(mhtml), StandardCharsets.UTF_8))
                .startsWith("MIME-Version: 1.0").contains("multipart/related", "Region=East");
    }

    @Test
    void imageIsAMultiPageTiffByDefault() throws IOException {
        ExportFile f = export(paginated(2), "IMAGE", 2, PAGINATED_CONFIG);
        assertThat(f.contentType()).isEqualTo("image/tiff");
        assertThat(f.fileExtension()).isEqualTo(".tiff");
        byte[] tiff = bytes(f);
        ByteBuffer b = ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.get(0)).isEqualTo((byte) 'I');
        assertThat(b.getShort(2)).isEqualTo((short) 42);
        int ifds = 0;
        for (int ifd = b.getInt(4); ifd != 0 && ifds < 10; ifds++) {
            int entries = b.getShort(ifd);
            ifd = b.getInt(ifd + 2 + entries * 12);
        }
        assertThat(ifds).isEqualTo(2);
        assertThat(ImageIO.getImageReadersBySuffix("tiff").hasNext()).isTrue();
        assertThat(ImageIO.read(new ByteArrayInputStream(tiff)).getHeight()).isEqualTo(ImageFiles.HEIGHT);
        assertThat(new String(tiff, StandardCharsets.ISO_8859_1)).contains("Region=West", "alice@contoso.com");
    }

    @Test
    void imageHonoursTheOutputFormatSetting() throws IOException {
        String one = """
                {"format":"IMAGE","paginatedReportConfiguration":{"formatSettings":{"OutputFormat":"%s"}}}""";
        ExportFile jpeg = export(paginated(1), "IMAGE", 1, one.formatted("JPEG"));
        assertThat(jpeg.contentType()).isEqualTo("image/jpeg");
        assertThat(jpeg.fileExtension()).isEqualTo(".jpg");
        assertThat(ImageIO.read(new ByteArrayInputStream(bytes(jpeg)))).isNotNull();
        ExportFile gif = export(paginated(1), "IMAGE", 1, one.formatted("gif"));
        assertThat(new String(bytes(gif), StandardCharsets.US_ASCII)).startsWith("GIF8");
        ExportFile bmp = export(paginated(1), "IMAGE", 1, one.formatted("BMP"));
        assertThat(new String(bytes(bmp), StandardCharsets.US_ASCII)).startsWith("BM");
        ExportFile emf = export(paginated(1), "IMAGE", 1, one.formatted("EMF"));
        ByteBuffer e = ByteBuffer.wrap(bytes(emf)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(e.getInt(0)).as("EMR_HEADER").isEqualTo(1);
        assertThat(e.getInt(40)).as("' EMF' signature").isEqualTo(0x464D4520);
        assertThat(e.getInt(48)).as("nBytes").isEqualTo(e.capacity());
        ExportFile pngs = export(paginated(3), "IMAGE", 3, one.formatted("PNG"));
        assertThat(pngs.fileExtension()).isEqualTo(".zip");
        assertThat(unzip(bytes(pngs))).hasSize(3);
    }

    @Test
    void largeFileIsPaddedToTheReportsFileSizeAndStillAValidPdf() throws IOException {
        Report big = new Report("b", "Big", "ws", "PowerBIReport", 2, false, null, 5_000_000L);
        ExportFile f = export(big, "PDF", 2, "{}");
        assertThat(f.length()).isBetween(4_999_900L, 5_000_100L);
        assertValidPdf(new String(bytes(f), StandardCharsets.ISO_8859_1), 2);
    }

    @Test
    void scenarioReportsReadFileSizeBytesAndDefaultItToNull() throws IOException {
        Report sized = JSON.readValue("{\"id\":\"r\",\"workspaceId\":\"w\",\"fileSizeBytes\":262144000}", Report.class);
        assertThat(sized.fileSizeBytes()).isEqualTo(262_144_000L);
        assertThat(sized.pages()).isEqualTo(3);
        assertThat(JSON.readValue("{\"id\":\"r\",\"workspaceId\":\"w\"}", Report.class).fileSizeBytes()).isNull();
    }

    @Test
    void quarterGigabyteFileStreamsWithoutBeingHeldInMemory() throws IOException {
        long size = 250L * 1024 * 1024;
        Report big = new Report("b", "Big", "ws", "PaginatedReport", 1, false, null, size);
        ExportFile f = export(big, "CSV", 1, "{}");
        long heapBefore = usedHeap();
        long read = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = f.content()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                read += n;
            }
        }
        assertThat(read).isEqualTo(f.length()).isGreaterThan(size - 100);
        assertThat(usedHeap() - heapBefore).as("heap growth").isLessThan(100L * 1024 * 1024);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }
}
