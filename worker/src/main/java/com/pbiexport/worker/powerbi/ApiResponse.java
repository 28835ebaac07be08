package com.pbiexport.worker.powerbi;

import java.time.Duration;
import java.util.Optional;

/**
 * A successful Power BI answer.
 *
 * @param value      the decoded body
 * @param status     the HTTP status (200, 202...)
 * @param requestId  Power BI's {@code RequestId} header (Microsoft support asks for it)
 * @param retryAfter the {@code Retry-After} header when present and valid (absent: use the configured fallback)
 */
public record ApiResponse<T>(T value, int status, Optional<String> requestId, Optional<Duration> retryAfter) { }
