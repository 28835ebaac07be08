package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.pbiexport.devstack.sim.Realism;
import com.pbiexport.devstack.sim.RealisticDefaults;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Writes an export's file: headers, then the bytes at a bounded rate, possibly cut half-way.
 *
 * <ul>
 *   <li>Rate: {@code downloadBytesPerSecond} when set; otherwise, in the realistic profile, a rate drawn per export
 *       in {@link RealisticDefaults#DOWNLOAD_MIN_BYTES_PER_SECOND}..{@link RealisticDefaults#DOWNLOAD_MAX_BYTES_PER_SECOND}
 *       (an assumption); unlimited in the clean profile.</li>
 *   <li>Cut: {@code truncatedDownloadCount}/{@code truncatedDownloadRate} close the connection half-way through the
 *       announced Content-Length (counter {@code downloadsTruncated}).</li>
 * </ul>
 */
final class FileSender {
    private final Faults faults;
    private final Counters counters;
    private final Sleeper sleeper;
    private final Realism realism;
    private final Consumer<HttpExchange> commonHeaders;

    FileSender(Faults faults, Counters counters, Sleeper sleeper, Realism realism, Consumer<HttpExchange> commonHeaders) {
        this.faults = faults;
        this.counters = counters;
        this.sleeper = sleeper;
        this.realism = realism;
        this.commonHeaders = commonHeaders;
    }

    /** Bytes per second for this export's download (0 = unlimited). */
    long rate(String exportId) {
        long set = faults.current().downloadBytesPerSecond();
        if (set > 0 || !realism.realistic()) {
            return set;
        }
        return realism.keyed(exportId + "#download-rate").nextLong(RealisticDefaults.DOWNLOAD_MIN_BYTES_PER_SECOND,
                RealisticDefaults.DOWNLOAD_MAX_BYTES_PER_SECOND + 1);
    }

    void send(HttpExchange ex, ExportEngine.ExportJob job, ExportEngine.ExportFile file)
            throws IOException, InterruptedException {
        String ext = file.fileExtension() != null ? file.fileExtension() : job.resourceFileExtension();
        String name = safeFileName(job.reportName()) + (ext == null ? "" : ext);
        commonHeaders.accept(ex);
        ex.getResponseHeaders().set("Content-Type", file.contentType());
        ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + "\"; filename*=UTF-8''"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        ex.sendResponseHeaders(200, file.length() > 0 ? file.length() : -1);
        long bytesPerSecond = rate(job.id());
        byte[] buf = new byte[bytesPerSecond > 0 ? (int) Math.max(1, Math.min(16_384, bytesPerSecond / 20)) : 65_536];
        long started = System.nanoTime();
        long sent = 0;
        long cutAt = file.length() > 1 && faults.truncateDownload() ? file.length() / 2 : -1;
        try (InputStream in = file.content(); OutputStream out = ex.getResponseBody()) {
            int n;
            while (file.length() > 0 && (n = in.read(buf)) > 0) {
                if (cutAt >= 0) {
                    n = (int) Math.min(n, cutAt - sent);
                }
                // counted before the write: the client may hold the last bytes before write() returns here, and a
                // test that reads the counter right after its download must see them
                counters.add("bytesServed", n);
                out.write(buf, 0, n);
                sent += n;
                if (cutAt >= 0 && sent >= cutAt) {
                    out.flush();
                    counters.increment("downloadsTruncated");
                    throw new CutConnection("fault: download cut after " + sent + " of " + file.length() + " bytes");
                }
                if (bytesPerSecond > 0) {
                    long wait = started + (long) (sent * 1e9 / bytesPerSecond) - System.nanoTime();
                    if (wait > 0) {
                        sleeper.sleep(Duration.ofNanos(wait));
                    }
                }
            }
        }
    }

    private static String safeFileName(String reportName) {
        String s = reportName == null || reportName.isBlank() ? "export" : reportName;
        return s.replaceAll("[\\\\/:*?\"<>|\\p{Cntrl}]", "_");
    }
}
