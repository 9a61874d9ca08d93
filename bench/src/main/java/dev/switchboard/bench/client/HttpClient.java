package dev.switchboard.bench.client;

import dev.switchboard.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * A small HTTP/1.1 client for load generation: keep-alive connection pools per {@link Origin}, every connection on
 * one event loop, responses streamed to a {@link ResponseListener} as they arrive.
 */
public final class HttpClient implements AutoCloseable {
    /*
     * Problem: drive thousands of concurrent streamed requests from a small share of a 2-core machine, and time
     * them precisely, without a thread per request and without the client's own queueing showing up as latency.
     * Approach: one event loop owns every connection, pool and timer, so the hot path takes no lock; a request is
     * written on an idle keep-alive connection or a new one (no cap: the load model bounds concurrency), and its
     * response parts reach the listener in the read that brought them.
     * Concurrency: send() runs on the loop; prepare() and close() may run on any thread.
     * Cost: per request, one Call, one timer, the request buffers; no per-chunk allocation here.
     */

    /** Connect timeout; the request timeout still bounds the whole call. */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final EventLoop loop;
    private final Bootstrap base;
    private final Map<Origin, ConnectionPool> pools = new ConcurrentHashMap<>();
    private volatile SslContext ssl;

    /** A client whose connections all live on {@code loop}. */
    public HttpClient(EventLoop loop) {
        this.loop = loop;
        this.base = new Bootstrap()
                .group(loop)
                .channel(Transport.best().clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    }

    /** The loop on which {@link #send} must be called and listeners run. */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Resolves {@code origin}'s host now, on the calling thread, so the event loop never blocks on DNS. Call it off
     * the loop for every origin before sending; an origin first seen by {@link #send} is resolved there instead.
     */
    public void prepare(Origin origin) {
        pool(origin);
    }

    /**
     * Sends {@code request} (takes ownership) to {@code origin}; {@code listener} hears of the exchange on the loop.
     * Must be called on {@link #loop()}. The timeout covers connecting, writing and reading the whole response.
     */
    public void send(Origin origin, FullHttpRequest request, ResponseListener listener, long timeoutNanos) {
        Call call = new Call(listener);
        call.armTimeout(loop, timeoutNanos);
        ConnectionPool pool;
        try {
            pool = pool(origin);
        } catch (IllegalArgumentException e) {
            request.release();
            call.fail(ErrorKind.CONNECT, e.getMessage());
            return;
        }
        Future<Channel> acquired = pool.acquire();
        if (acquired.isDone()) {
            connected(acquired, call, request, pool);
        } else {
            acquired.addListener(f -> connected(acquired, call, request, pool));
        }
    }

    private static void connected(Future<Channel> acquired, Call call, FullHttpRequest request, ConnectionPool pool) {
        if (!acquired.isSuccess()) {
            request.release(); // never written: we are the last holder
            call.fail(ErrorKind.CONNECT, ClientHandler.describe(acquired.cause()));
            return;
        }
        Channel ch = acquired.getNow();
        if (call.done()) {
            request.release(); // timed out while connecting; the fresh connection is still good
            pool.release(ch);
            return;
        }
        call.attach(ch);
        ch.pipeline().get(ClientHandler.class).start(call);
        call.sent(System.nanoTime());
        // A failed write reaches ClientHandler.exceptionCaught through the void promise and fails the call.
        ch.writeAndFlush(request, ch.voidPromise());
    }

    /** Connections opened so far, over all origins. Call on the loop, or after the run ended. */
    public long connectionsOpened() {
        return pools.values().stream().mapToLong(ConnectionPool::opened).sum();
    }

    private ConnectionPool pool(Origin origin) {
        ConnectionPool pool = pools.get(origin);
        if (pool != null) {
            return pool;
        }
        InetSocketAddress address = new InetSocketAddress(origin.host(), origin.port());
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve host " + origin.host());
        }
        return pools.computeIfAbsent(origin, o -> ConnectionPool.create(loop, base, o, address, o.tls() ? sslContext() : null));
    }

    private SslContext sslContext() {
        SslContext s = ssl;
        if (s == null) {
            try {
                s = SslContextBuilder.forClient().build();
            } catch (SSLException e) {
                throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
            }
            ssl = s;
        }
        return s;
    }

    /** Closes every connection; runs on the loop. */
    @Override
    public void close() {
        if (loop.inEventLoop()) {
            pools.values().forEach(ConnectionPool::closeAll);
        } else {
            loop.submit(() -> pools.values().forEach(ConnectionPool::closeAll)).awaitUninterruptibly();
        }
    }
}
