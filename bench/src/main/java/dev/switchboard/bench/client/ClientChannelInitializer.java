package dev.switchboard.bench.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;

/** Builds a client connection's pipeline: [TLS] → HTTP/1.1 codec → {@link ClientHandler}. */
final class ClientChannelInitializer extends ChannelInitializer<Channel> {
    /** Longest status line accepted, bytes. */
    static final int MAX_INITIAL_LINE = 4096;
    /** Largest header block accepted, bytes; generous for gateways that add many headers. */
    static final int MAX_HEADER_SIZE = 64 * 1024;
    /** Largest body piece handed on at once, bytes; bigger reads are split, SSE parsing does not care. */
    static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final Origin origin;
    private final SslContext ssl;
    private final ConnectionPool pool;

    /** {@code ssl} is null for plain HTTP. */
    ClientChannelInitializer(Origin origin, SslContext ssl, ConnectionPool pool) {
        this.origin = origin;
        this.ssl = ssl;
        this.pool = pool;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast(ssl.newHandler(ch.alloc(), origin.host(), origin.port()));
        }
        p.addLast(new HttpClientCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE));
        p.addLast(new ClientHandler(pool));
    }
}
