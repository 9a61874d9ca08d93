package dev.switchboard.policy.auth;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.SecurityPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The gateway's secret that virtual keys are hashed with: HMAC-SHA-256(secret, key). A keyed fast hash, not a slow
 * password hash: keys are 256 random bits, so there is nothing to brute-force that a slow hash would slow down,
 * while a slow hash on every request would let anyone with a stream of made-up keys burn the gateway's CPU. A stolen
 * key file is useless without this secret.
 *
 * <p>Read from an environment variable or a file, never written inline in config; at least 32 bytes once trailing
 * whitespace is removed (generate one with {@code openssl rand -base64 48}). Its {@code toString} names where it
 * came from, never the value.
 */
public final class ServerSecret {
    static final int MIN_BYTES = 32;

    private final byte[] secret;
    private final String source;
    /** Mac instances are not thread-safe; one per thread avoids a lookup and key setup per request. */
    private final ThreadLocal<Mac> macs;

    private ServerSecret(byte[] secret, String source) {
        this.secret = secret;
        this.source = source;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** Reads the secret from where {@code ref} says; a missing or short secret is a ConfigException saying what to do. */
    public static ServerSecret load(SecurityPolicy.Secret ref, Function<String, String> env) throws ConfigException {
        String text;
        if (ref.env() != null) {
            text = env.apply(ref.env());
            if (text == null || text.isBlank()) {
                throw new ConfigException("the virtual keys' server secret: environment variable " + ref.env()
                        + " is not set; set it to 32 or more random bytes (e.g. openssl rand -base64 48)");
            }
        } else {
            try {
                text = Files.readString(ref.file(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException("the virtual keys' server secret: cannot read " + ref.file() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        byte[] bytes = text.strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw new ConfigException("the virtual keys' server secret from " + ref + " is " + bytes.length
                    + " bytes; use 32 or more random bytes (e.g. openssl rand -base64 48)");
        }
        return new ServerSecret(bytes, ref.toString());
    }

    /** From bytes held elsewhere (tests). */
    static ServerSecret of(byte[] secret) {
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("a server secret of " + secret.length + " bytes is too short");
        }
        return new ServerSecret(secret.clone(), "bytes");
    }

    /** HMAC-SHA-256 of the key's UTF-8 bytes. */
    byte[] hash(String key) {
        return macs.get().doFinal(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The hash as stored in the key file: lower-case hex. */
    public String hashHex(String key) {
        return HexFormat.of().formatHex(hash(key));
    }

    /** Whether {@code key} hashes to {@code expected}, in time that does not depend on where they differ. */
    boolean matches(String key, byte[] expected) {
        return MessageDigest.isEqual(hash(key), expected);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "ServerSecret[from " + source + ", " + secret.length + " bytes]";
    }
}
