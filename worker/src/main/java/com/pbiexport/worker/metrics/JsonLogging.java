package com.pbiexport.worker.metrics;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * {@code logging.json: true}: switches the console appenders of the running Logback configuration to Logback's
 * built-in {@link JsonEncoder}, one JSON object per line with level, logger, thread, the formatted message, the
 * MDC ({@code requestId}, {@code tenant}, {@code exportId} on every line of an export job) and any throwable.
 * Selected at start-up so one image serves both humans (pattern) and log pipelines (JSON).
 */
public final class JsonLogging {
    private JsonLogging() {
    }

    /**
     * Replaces the encoder of every stream appender on the root logger. Returns how many appenders it switched
     * (0 when the SLF4J binding is not Logback, in which case the binding's own configuration applies).
     */
    public static int install() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return 0;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        int switched = 0;
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender
                    && !(appender.getEncoder() instanceof JsonEncoder)) {
                JsonEncoder encoder = new JsonEncoder();
                encoder.setContext(context);
                encoder.setWithSequenceNumber(false);
                encoder.setWithNanoseconds(false);
                encoder.setWithContext(false);
                encoder.setWithArguments(false);
                encoder.setWithMessage(false);
                encoder.setWithFormattedMessage(true);
                encoder.start();
                appender.stop();
                appender.setEncoder(encoder);
                appender.start();
                switched++;
            }
        }
        return switched;
    }
}
