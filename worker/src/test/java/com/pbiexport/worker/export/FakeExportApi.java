package com.pbiexport.worker.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.worker.powerbi.ApiResponse;
import com.pbiexport.worker.powerbi.ExportApi;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.powerbi.ExportStatus;
import com.pbiexport.worker.powerbi.ExportTarget;
import com.pbiexport.worker.powerbi.FileBody;
import com.pbiexport.worker.powerbi.FileBodyHandler;
import com.pbiexport.worker.powerbi.GroupInfo;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Power BI, scripted: each call takes the next answer of its queue (the last one repeats), and every call is
 * recorded with the (fake) time it was made. No HTTP: the lifecycle's tests run in fake time, in milliseconds.
 */
final class FakeExportApi implements ExportApi {
    static final byte[] FILE = "%PDF-1.7 fake".getBytes(StandardCharsets.US_ASCII);

    /** One call Power BI received. */
    record Call(Operation operation, Instant at, String exportId) { }

    private final Clock clock;
    private final Deque<Supplier<ApiResponse<ExportJob>>> starts = new ArrayDeque<>();
    private final Deque<Supplier<ApiResponse<ExportJob>>> polls = new ArrayDeque<>();
    private final Deque<Supplier<Optional<RuntimeException>>> downloads = new ArrayDeque<>();
    final List<Call> calls = new ArrayList<>();
    private int exports;

    FakeExportApi(Clock clock) {
        this.clock = clock;
    }

    FakeExportApi onStart(Supplier<ApiResponse<ExportJob>> answer) {
        starts.add(answer);
        return this;
    }

    FakeExportApi onPoll(Supplier<ApiResponse<ExportJob>> answer) {
        polls.add(answer);
        return this;
    }

    /** The next download fails with {@code failure} (by default downloads succeed with {@link #FILE}). */
    FakeExportApi onDownload(Supplier<RuntimeException> failure) {
        downloads.add(() -> Optional.of(failure.get()));
        return this;
    }

    /** ExportTo accepted: a new export id, created now (Power BI's clock agrees with ours). */
    Supplier<ApiResponse<ExportJob>> accepted() {
        return () -> response(job("export-" + (++exports), new ExportStatus.NotStarted(), 0, null), Optional.empty());
    }

    Supplier<ApiResponse<ExportJob>> status(ExportStatus status, Optional<Duration> retryAfter) {
        return () -> response(job(lastExportId(), status, 0, null), retryAfter);
    }

    /** Running at {@code percent} %, rendering since {@code since} (Power BI's {@code lastActionDateTime}). */
    Supplier<ApiResponse<ExportJob>> running(int percent, Instant since, Duration retryAfter) {
        return () -> response(job(lastExportId(), new ExportStatus.Running(percent), percent, since),
                Optional.of(retryAfter));
    }

    /** Succeeded at {@code succeededAt} (long ago, for a resumed export); its file's URL valid until {@code expires}. */
    Supplier<ApiResponse<ExportJob>> succeeded(Instant succeededAt, Instant expires) {
        return () -> response(new ExportJob(lastExportId(), Optional.empty(), Optional.empty(),
                new ExportStatus.Succeeded(), 100, Optional.empty(), Optional.of(".pdf"), Optional.of(succeededAt),
                Optional.of(succeededAt), Optional.of(expires)), Optional.empty());
    }

    /** An HTTP error answer (429, 404, 503...), with Retry-After when given. */
    static <T> Supplier<T> http(Operation operation, int status, Optional<Duration> retryAfter) {
        return () -> {
            throw new PowerBiException(new PowerBiFailure.Http(operation.wireName(), status, "Error" + status,
                    "HTTP " + status, Optional.of("rq-" + status), retryAfter));
        };
    }

    int count(Operation operation) {
        return (int) calls.stream().filter(c -> c.operation() == operation).count();
    }

    List<Instant> times(Operation operation) {
        return calls.stream().filter(c -> c.operation() == operation).map(Call::at).toList();
    }

    @Override
    public ApiResponse<ExportJob> startExport(ExportTarget target, JsonNode body) {
        calls.add(new Call(Operation.START, clock.instant(), null));
        return next(starts).get();
    }

    @Override
    public ApiResponse<ExportJob> getExportStatus(ExportTarget target, String exportId) {
        calls.add(new Call(Operation.POLL, clock.instant(), exportId));
        return next(polls).get();
    }

    @Override
    public <T> ApiResponse<T> downloadFile(ExportTarget target, ExportJob job, FileBodyHandler<T> handler) {
        calls.add(new Call(Operation.DOWNLOAD, clock.instant(), job.id()));
        Optional<RuntimeException> failure = downloads.isEmpty() ? Optional.empty() : downloads.poll().get();
        if (failure.isPresent()) {
            throw failure.get();
        }
        try {
            T value = handler.handle(new FileBody(new ByteArrayInputStream(FILE), Optional.of("application/pdf"),
                    OptionalLong.of(FILE.length), ".pdf"));
            return new ApiResponse<>(value, 200, Optional.of("rq-file"), Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ApiResponse<List<GroupInfo>> listGroups(String odataFilter, Optional<String> profileId) {
        throw new UnsupportedOperationException("limits are kept per workspace in these tests");
    }

    private static <T> Supplier<T> next(Deque<Supplier<T>> answers) {
        if (answers.isEmpty()) {
            throw new IllegalStateException("no answer scripted");
        }
        return answers.size() == 1 ? answers.peek() : answers.poll();
    }

    private String lastExportId() {
        return calls.stream().filter(c -> c.operation() == Operation.POLL).reduce((a, b) -> b)
                .map(Call::exportId).orElse("export-" + exports);
    }

    private ApiResponse<ExportJob> response(ExportJob job, Optional<Duration> retryAfter) {
        return new ApiResponse<>(job, 202, Optional.of("rq-" + calls.size()), retryAfter);
    }

    private ExportJob job(String id, ExportStatus status, int percent, Instant lastAction) {
        Instant now = clock.instant();
        return new ExportJob(id, Optional.empty(), Optional.empty(), status, percent, Optional.empty(),
                Optional.of(".pdf"), Optional.of(now), Optional.ofNullable(lastAction), Optional.of(now.plus(
                        Duration.ofHours(24))));
    }
}
