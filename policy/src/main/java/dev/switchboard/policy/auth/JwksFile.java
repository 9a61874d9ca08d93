package dev.switchboard.policy.auth;

import com.nimbusds.jose.jwk.JWKSet;
import dev.switchboard.core.config.FileWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys from a JWKS file, read at start (a file that cannot be used then fails the start) and again when it changes;
 * a change that does not parse is logged and the keys read before are kept. Only public parts are kept, should the
 * file hold private keys.
 */
final class JwksFile implements JwksSource {
    private static final Logger LOG = LoggerFactory.getLogger(JwksFile.class);

    private final Path file;
    private final FileWatcher watcher;
    private volatile Jwks current;

    JwksFile(Path file) {
        this.file = file.toAbsolutePath();
        try {
            this.current = new Jwks(parse(Files.readAllBytes(this.file)), null);
            this.watcher = new FileWatcher(this.file, "jwks", this::changed);
        } catch (IOException e) {
            throw new UncheckedIOException("the JWKS file " + this.file + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the JWKS file " + this.file + " cannot be used: " + e.getMessage(), e);
        }
        LOG.info("JWKS file {}: {} keys", this.file, current.keys().size());
    }

    /** The public keys of a JWKS document; IllegalArgumentException without the content when it is not one. */
    static JWKSet parse(byte[] content) {
        try {
            JWKSet set = JWKSet.parse(new String(content, StandardCharsets.UTF_8)).toPublicJWKSet();
            if (set.isEmpty()) {
                throw new IllegalArgumentException("the set holds no keys");
            }
            return set;
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWKS document ({\"keys\": [...]})");
        }
    }

    private void changed(byte[] content) {
        try {
            current = new Jwks(parse(content), null);
            LOG.info("JWKS file {} changed: {} keys", file, current.keys().size());
        } catch (IllegalArgumentException e) {
            LOG.error("JWKS file {} changed but cannot be used ({}); keeping the keys read before", file, e.getMessage());
        }
    }

    @Override
    public Jwks current() {
        return current;
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the watch on {}", file, e);
        }
    }
}
