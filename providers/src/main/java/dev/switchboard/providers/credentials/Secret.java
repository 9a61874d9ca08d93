package dev.switchboard.providers.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A secret value (a key, a token, a password). {@link #toString()} is redacted, so a secret inside a record, a log
 * argument or a string concatenation prints as {@value #REDACTED}; only {@link #reveal()} gives the value, and only
 * the code that puts it on the wire calls it.
 */
public final class Secret {
    /** What every secret prints as. */
    public static final String REDACTED = "<redacted>";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        if (value == null) {
            throw new NullPointerException("secret value");
        }
        return new Secret(value);
    }

    /** The value, for the wire only. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        // constant time, so a comparison does not leak how much of a guess was right
        return o instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return REDACTED;
    }
}
