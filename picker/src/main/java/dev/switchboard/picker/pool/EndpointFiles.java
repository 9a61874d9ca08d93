package dev.switchboard.picker.pool;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.FileWatcher;
import dev.switchboard.core.config.PoolConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watched {@code Endpoints} files of one configuration: each change re-reads the file and gives every pool its
 * members anew (its selector over the file entries, plus its members from the configuration itself). An unreadable
 * or invalid version is logged and the last good one kept, so a half-written file never empties a pool.
 */
final class EndpointFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointFiles.class);

    private final Map<Path, List<PoolConfig.Member>> entries = new LinkedHashMap<>();
    private final List<FileWatcher> watchers = new ArrayList<>();
    private final Map<PoolConfig, InferencePool> pools;

    /** Reads every pool's files now, sets the pools' members, and watches the files. */
    EndpointFiles(Map<PoolConfig, InferencePool> pools) {
        this.pools = pools;
        for (PoolConfig p : pools.keySet()) {
            for (Path f : p.endpointFiles()) {
                if (!entries.containsKey(f)) {
                    entries.put(f, read(f, List.of()));
                    try {
                        watchers.add(new FileWatcher(f, "endpoints", content -> changed(f)));
                    } catch (IOException e) {
                        LOG.error("cannot watch endpoints file {}: {}; its endpoints will not change", f, e.getMessage());
                    }
                }
            }
        }
        apply();
    }

    private synchronized void changed(Path file) {
        entries.put(file, read(file, entries.get(file)));
        apply();
    }

    private static List<PoolConfig.Member> read(Path file, List<PoolConfig.Member> last) {
        try {
            return ConfigLoader.readEndpointsFile(file);
        } catch (ConfigException e) {
            LOG.error("endpoints file rejected, keeping its last good version: {}", e.getMessage());
            return last;
        }
    }

    private synchronized void apply() {
        for (Map.Entry<PoolConfig, InferencePool> p : pools.entrySet()) {
            PoolConfig config = p.getKey();
            List<PoolConfig.Member> members = new ArrayList<>(config.endpoints());
            for (Path f : config.endpointFiles()) {
                members.addAll(config.select(entries.getOrDefault(f, List.of())));
            }
            p.getValue().members(members);
        }
    }

    @Override
    public void close() {
        for (FileWatcher w : watchers) {
            try {
                w.close();
            } catch (IOException e) {
                LOG.debug("closing a watcher", e);
            }
        }
    }
}
