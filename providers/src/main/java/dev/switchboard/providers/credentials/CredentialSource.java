package dev.switchboard.providers.credentials;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a credential's current value comes from: fixed (an environment variable), a watched file, or a token
 * endpoint refreshed in the background ({@link RefreshingToken}). {@link #current()} never blocks.
 */
interface CredentialSource<T> extends AutoCloseable {

    T current() throws CredentialsNotReadyException;

    default boolean ready() {
        return true;
    }

    default CompletionStage<Void> firstToken() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    default void close() {
    }

    static <T> CredentialSource<T> fixed(T value) {
        return () -> value;
    }

    static <T> CredentialSource<T> watched(WatchedFile<T> file) {
        return new CredentialSource<>() {
            @Override
            public T current() {
                return file.current();
            }

            @Override
            public void close() {
                file.close();
            }
        };
    }
}
