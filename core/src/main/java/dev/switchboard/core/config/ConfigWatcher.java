package dev.switchboard.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file and hands every valid new version to the gateway. An invalid version is rejected
 * whole, with the loader's precise error logged, and the running configuration stays. A version that is valid but
 * fails while it is applied (a pool or a TLS context that cannot be built) is logged with its exception; the
 * running configuration stays then too. Either way the watcher goes on, and the next change is applied as usual.
 * Both outcomes are counted, for the gateway to export.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    /** Applies a configuration; may still reject it. */
    @FunctionalInterface
    public interface Apply {
        void apply(GatewayConfig config) throws ConfigException;
    }

    private final FileWatcher watcher;
    private final LongAdder applied = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();

    public ConfigWatcher(Path file, Apply apply) throws IOException {
        Path absolute = file.toAbsolutePath();
        this.watcher = new FileWatcher(absolute, "config", content -> {
            try {
                apply.apply(ConfigLoader.parse(new String(content, StandardCharsets.UTF_8),
                        absolute.getFileName().toString(), absolute.getParent()));
                applied.increment();
            } catch (ConfigException e) {
                rejected.increment();
                LOG.error("configuration rejected, keeping the running one: {}", e.getMessage());
            } catch (RuntimeException e) {
                failed.increment();
                LOG.error("configuration from {} could not be applied, keeping the running one; still watching",
                        absolute, e);
            }
        });
    }

    /** Changes applied, since the start. */
    public long applied() {
        return applied.sum();
    }

    /** Changes refused as invalid (the loader's or the gateway's checks), since the start. */
    public long rejected() {
        return rejected.sum();
    }

    /** Valid changes whose applying failed with an unexpected exception, since the start. */
    public long failed() {
        return failed.sum();
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
