package dev.switchboard.policy.auth;

/** Where a {@link JwtAuthenticator}'s keys come from; read on the request's thread, so never blocking. */
interface JwksSource extends AutoCloseable {
    /** The keys held now. */
    Jwks current();

    /** A token named a key id that is not held: a source that can fetch may do so (in the background). */
    default void unknownKeyId() {}

    @Override
    void close();
}
