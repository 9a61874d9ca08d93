package dev.switchboard.policy.auth;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Every log event of the auth package and core's file watcher, at DEBUG and up, as text, while open. */
final class CapturedLogs implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger[] loggers;
    private final Level[] levels;

    CapturedLogs() {
        loggers = new Logger[] {(Logger) LoggerFactory.getLogger("dev.switchboard.policy.auth"),
                (Logger) LoggerFactory.getLogger("dev.switchboard.core.config")};
        levels = new Level[loggers.length];
        appender.start();
        for (int i = 0; i < loggers.length; i++) {
            levels[i] = loggers[i].getLevel();
            loggers[i].setLevel(Level.DEBUG);
            loggers[i].addAppender(appender);
        }
    }

    /** The formatted messages with their exceptions' class names and messages, one event a line. */
    String text() {
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
