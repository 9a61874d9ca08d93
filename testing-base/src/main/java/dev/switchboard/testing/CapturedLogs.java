package dev.switchboard.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the named loggers (and their children), at DEBUG and up, as text, while open: for tests that
 * grep what a component logged (for a secret, say).
 */
public final class CapturedLogs implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger[] loggers;
    private final Level[] levels;

    public CapturedLogs(String... loggerNames) {
        loggers = new Logger[loggerNames.length];
        for (int i = 0; i < loggerNames.length; i++) {
            loggers[i] = (Logger) LoggerFactory.getLogger(loggerNames[i]);
        }
        levels = new Level[loggers.length];
        appender.start();
        for (int i = 0; i < loggers.length; i++) {
            levels[i] = loggers[i].getLevel();
            loggers[i].setLevel(Level.DEBUG);
            loggers[i].addAppender(appender);
        }
    }

    /** The formatted messages with their exceptions' class names and messages, one event a line. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (ILoggingEvent e : appender.list) {
            b.append(e.getLevel()).append(' ').append(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            b.append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.length; i++) {
            loggers[i].detachAppender(appender);
            loggers[i].setLevel(levels[i]);
        }
    }
}
