package dev.switchboard.gateway.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * A logback appender on the {@code switchboard.access} logger that keeps every line, optionally blocking in its
 * append until {@link #unblock} (a sink stuck on a full disk or pipe). Installed at INFO, replacing the logger's
 * appenders for the test; {@link #close} restores the logger.
 */
public final class AccessLogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    public final List<String> lines = new CopyOnWriteArrayList<>();
    /** Counted down when the first line reaches the appender. */
    public final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release;
    private final Logger logger;
    private final Level oldLevel;
    private final boolean oldAdditive;

    private AccessLogCapture(boolean blocked) {
        this.release = new CountDownLatch(blocked ? 1 : 0);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        this.logger = context.getLogger("switchboard.access");
        this.oldLevel = logger.getLevel();
        this.oldAdditive = logger.isAdditive();
        setContext(context);
        setName("access-capture");
        start();
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(this);
    }

    /** Keeps lines as they come. */
    public static AccessLogCapture install() {
        return new AccessLogCapture(false);
    }

    /** Blocks the first append (and every later one) until {@link #unblock}. */
    public static AccessLogCapture installBlocked() {
        return new AccessLogCapture(true);
    }

    public void unblock() {
        release.countDown();
    }

    @Override
    protected void append(ILoggingEvent event) {
        entered.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lines.addAll(List.of(event.getFormattedMessage().split("\n"))); // a batch of lines per event
    }

    @Override
    public void close() {
        unblock();
        logger.detachAppender(this);
        logger.setLevel(oldLevel);
        logger.setAdditive(oldAdditive);
        stop();
    }
}
