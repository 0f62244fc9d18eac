package org.mlops4j;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The core tests' SLF4J binding: silent (as the no-operation binding it replaces) until a test starts recording, then
 * every line at every level, TRACE included, with its throwable's stack trace, goes to a list the test can scan (the
 * canary-secret scan). Registered in {@code META-INF/services}; test code only.
 */
public final class CapturedLogs implements SLF4JServiceProvider {
    private static final List<String> LINES = new ArrayList<>();
    private static volatile boolean recording;

    private final ILoggerFactory factory = new Factory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    /** Starts recording, with an empty list. */
    public static synchronized void start() {
        LINES.clear();
        recording = true;
    }

    /** Stops recording and returns what was recorded. */
    public static synchronized List<String> stop() {
        recording = false;
        return List.copyOf(LINES);
    }

    private static synchronized void add(String line) {
        if (recording) {
            LINES.add(line);
        }
    }

    /** Whether lines are being recorded now. */
    public static boolean isRecording() {
        return recording;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {}

    private static final class Factory implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, Recorder::new);
        }
    }

    private static final class Recorder extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return recording;
        }

        @Override
        public boolean isDebugEnabled() {
            return recording;
        }

        @Override
        public boolean isInfoEnabled() {
            return recording;
        }

        @Override
        public boolean isWarnEnabled() {
            return recording;
        }

        @Override
        public boolean isErrorEnabled() {
            return recording;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return Recorder.class.getName();
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
            StringBuilder line = new StringBuilder()
                    .append(level)
                    .append(' ')
                    .append(name)
                    .append(": ")
                    .append(MessageFormatter.basicArrayFormat(messagePattern, arguments));
            if (throwable != null) {
                StringWriter trace = new StringWriter();
                throwable.printStackTrace(new PrintWriter(trace));
                line.append('\n').append(trace);
            }
            add(line.toString());
        }
    }
}
