package dev.switchboard.cli;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.policy.auth.KeyFile;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.limits.RateLimitPolicy;
import dev.switchboard.redis.RedisKeyWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Where {@code switchboard keys} reads and writes key records: a key file (rewritten whole, atomically) or Redis
 * (one field per key, each change announced to the gateways). The commands print the same either way.
 */
interface KeyStorage extends AutoCloseable {

    /** Every record. */
    List<KeyRecord> all() throws IOException;

    /** Adds {@code record}; false (nothing written) when its id is taken. */
    boolean add(KeyRecord record) throws IOException;

    /** Replaces the record with {@code record}'s id. */
    void replace(KeyRecord record) throws IOException;

    /** Where the keys are, for messages. */
    String where();

    @Override
    void close();

    static KeyStorage file(Path file) {
        return new InFile(file);
    }

    /**
     * Redis at {@code address} ({@code host:port}); {@code passwordEnv} names the variable holding its password, or
     * is null.
     */
    static KeyStorage redis(String address, String passwordEnv, String keyPrefix, Function<String, String> env)
            throws ConfigException {
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = colon <= 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--redis expects HOST:PORT, like 127.0.0.1:6379");
        }
        RateLimitPolicy.RedisStore store = new RateLimitPolicy.RedisStore(address.substring(0, colon), port,
                passwordEnv, Duration.ofSeconds(5), keyPrefix);
        try {
            return new InRedis(RedisKeyWriter.connect(store, env));
        } catch (IllegalStateException e) {
            throw new ConfigException("switchboard: " + e.getMessage());
        }
    }

    /** A key file, read and rewritten whole for each change. */
    final class InFile implements KeyStorage {
        private final Path file;

        InFile(Path file) {
            this.file = file;
        }

        @Override
        public List<KeyRecord> all() throws IOException {
            return KeyFile.read(file);
        }

        @Override
        public boolean add(KeyRecord record) throws IOException {
            List<KeyRecord> keys = new ArrayList<>(KeyFile.read(file));
            if (keys.stream().anyMatch(k -> k.id().equals(record.id()))) {
                return false;
            }
            keys.add(record);
            KeyFile.write(file, keys);
            return true;
        }

        @Override
        public void replace(KeyRecord record) throws IOException {
            List<KeyRecord> keys = new ArrayList<>(KeyFile.read(file));
            keys.replaceAll(k -> k.id().equals(record.id()) ? record : k);
            KeyFile.write(file, keys);
        }

        @Override
        public String where() {
            return file.toString();
        }

        @Override
        public void close() {}
    }

    /** Redis: one field per key; each write is announced, so gateways re-read it within a moment. */
    final class InRedis implements KeyStorage {
        private final RedisKeyWriter writer;

        InRedis(RedisKeyWriter writer) {
            this.writer = writer;
        }

        @Override
        public List<KeyRecord> all() {
            return writer.all();
        }

        @Override
        public boolean add(KeyRecord record) {
            return writer.create(record);
        }

        @Override
        public void replace(KeyRecord record) {
            writer.update(record);
        }

        @Override
        public String where() {
            return writer.where();
        }

        @Override
        public void close() {
            writer.close();
        }
    }
}
