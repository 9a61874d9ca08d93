package dev.switchboard.gateway.upstream;

import io.netty.handler.codec.http.HttpObject;

/** What an upstream connection reports to the exchange using it. Called on the connection's event loop. */
public interface UpstreamListener {
    /** A response part; ownership moves to the listener, which must release it or pass it on. */
    void onMessage(HttpObject message);

    /**
     * The parts of one socket read have all been delivered: the moment to flush what they produced, and to ask for
     * the next read (the connection never reads on its own).
     */
    void onReadComplete();

    /** The connection failed or closed before the response ended ({@code cause} may be null for a plain close). */
    void onFailure(Throwable cause);
}
