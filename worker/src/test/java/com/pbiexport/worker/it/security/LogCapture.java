package com.pbiexport.worker.it.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures every log event of the worker (everything but the devstack's own simulators) in the two formats the
 * worker writes, plain pattern and Logback JSON (with arguments, MDC and full stack traces), while raising the
 * worker's and msal4j's loggers to DEBUG so the scan sees what an operator turning up logging would see.
 * Close to detach and restore the levels.
 */
final class LogCapture implements AutoCloseable {
    private static final List<String> DEBUG_LOGGERS = List.of("com.pbiexport.worker", "com.microsoft.aad.msal4j",
            "com.azure");

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ByteArrayOutputStream plain = new ByteArrayOutputStream();
    private final ByteArrayOutputStream json = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> plainAppender = new OutputStreamAppender<>();
    private final OutputStreamAppender<ILoggingEvent> jsonAppender = new OutputStreamAppender<>();
    private final Map<String, Level> previousLevels = new LinkedHashMap<>();

    LogCapture() {
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern("%d %level [%thread] %logger %mdc - %msg%n%ex{full}");
        pattern.start();
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithArguments(true); // stricter than production: raw arguments too
        encoder.setWithFormattedMessage(true);
        encoder.start();
        start(plainAppender, "security-scan-plain", pattern, plain);
        start(jsonAppender, "security-scan-json", encoder, json);
        for (String name : DEBUG_LOGGERS) {
            Logger l = context.getLogger(name);
            previousLevels.put(name, l.getLevel());
            l.setLevel(Level.DEBUG);
        }
    }

    private void start(OutputStreamAppender<ILoggingEvent> appender, String name,
                       ch.qos.logback.core.encoder.Encoder<ILoggingEvent> encoder, ByteArrayOutputStream sink) {
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.setOutputStream(sink);
        appender.setImmediateFlush(true);
        appender.addFilter(new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                // the simulators are not the worker: what they log is not what the worker leaks
                return event.getLoggerName().startsWith("com.pbiexport.devstack") ? FilterReply.DENY : FilterReply.NEUTRAL;
            }
        });
        appender.start();
        root.addAppender(appender);
    }

    String plain() {
        synchronized (plain) {
            return plain.toString(StandardCharsets.UTF_8);
        }
    }

    String json() {
        synchronized (json) {
            return json.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        root.detachAppender(plainAppender);
        root.detachAppender(jsonAppender);
        plainAppender.stop();
        jsonAppender.stop();
        previousLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }
}
