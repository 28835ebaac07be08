package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Streams an export's file: Content-Type and Content-Disposition, download throttling and the truncation fault. */
final class FileDownload {
    /**
     * Thrown to cut a connection mid-answer: the JDK server closes the socket only when the handler itself throws
     * an {@code IOException} (closing a body shorter than its Content-Length leaves the socket open and the client
     * waiting).
     */
    static final class CutConnection extends IOException {
        CutConnection(String message) {
            super(message);
        }
    }

    private final Faults faults;
    private final Counters counters;
    private final Sleeper sleeper;

    FileDownload(Faults faults, Counters counters, Sleeper sleeper) {
        this.faults = faults;
        this.counters = counters;
        this.sleeper = sleeper;
    }

    void send(HttpExchange ex, ExportEngine.ExportJob job, ExportEngine.ExportFile file)
            throws IOException, InterruptedException {
        String ext = file.fileExtension() != null ? file.fileExtension() : job.resourceFileExtension();
        String name = safeFileName(job.reportName()) + (ext == null ? "" : ext);
        HttpAnswers.commonHeaders(ex);
        ex.getResponseHeaders().set("Content-Type", file.contentType());
        ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + "\"; filename*=UTF-8''"
                + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        ex.sendResponseHeaders(200, file.length() > 0 ? file.length() : -1);
        long bytesPerSecond = faults.current().downloadBytesPerSecond();
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
