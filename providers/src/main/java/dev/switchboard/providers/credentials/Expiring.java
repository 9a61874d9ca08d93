package dev.switchboard.providers.credentials;

import java.time.Instant;

/** A fetched credential and the instant it stops being accepted. {@code value}'s own toString must redact. */
record Expiring<T>(T value, Instant expiresAt) {
}
