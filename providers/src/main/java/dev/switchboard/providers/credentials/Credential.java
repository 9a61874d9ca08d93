package dev.switchboard.providers.credentials;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What one backend's requests need to be accepted: a key header, a signature, a bearer token. Created by {@link
 * Credentials#create}; one per {@code BackendSecurityPolicy}, shared by every attempt on its backends.
 *
 * <p>{@link #apply} never blocks and never does I/O: credentials that expire are fetched and refreshed ahead of
 * expiry in the background, and {@code apply} uses the current one. Until the first one exists (or after the last
 * one expired with every refresh failing) it throws {@link CredentialsNotReadyException}, whose message is the last
 * fetch error, free of secrets; the gateway answers 503 with it. A caller that wants to wait (at startup, off the
 * event loop) uses {@link #firstToken()}.
 */
public interface Credential extends AutoCloseable {

    /** Adds this credential to {@code request} (headers only); thread-safe. */
    void apply(SignableRequest request) throws CredentialsNotReadyException;

    /** Whether {@link #apply} would succeed now. */
    default boolean ready() {
        return true;
    }

    /** Completes when the first credential has been obtained; never completes exceptionally (it keeps retrying). */
    default CompletionStage<Void> firstToken() {
        return CompletableFuture.completedFuture(null);
    }

    /** Stops background refreshes and file watches. */
    @Override
    default void close() {
    }
}
