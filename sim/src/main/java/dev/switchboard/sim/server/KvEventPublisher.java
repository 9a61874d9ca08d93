package dev.switchboard.sim.server;

import dev.switchboard.core.kvevents.KvEventBatch;
import dev.switchboard.core.kvevents.KvEventCodec;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * One endpoint's KV-event publisher, as vLLM's {@code ZmqEventPublisher}: a ZMQ PUB (XPUB) socket sending
 * {@code [topic, 8-byte sequence, msgpack batch]} for every engine step that changed the cache. It binds when the
 * address has a wildcard ({@code tcp://*:5557}, vLLM's default) and connects otherwise (llm-d's setup, where every
 * server connects to the endpoint picker's one SUB socket). The engine thread hands batches over a bounded queue and
 * never waits: a full queue drops the batch (the subscriber sees the sequence gap), as a slow ZMQ peer would.
 */
final class KvEventPublisher implements Consumer<KvEventBatch>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KvEventPublisher.class);
    /** Batches waiting for the socket; a step makes one, so this is seconds of backlog. */
    private static final int QUEUE = 4096;
    /** Connections tried, a second each, for the subscriber's subscription to come before publishing anyway. */
    private static final int CONNECT_ATTEMPTS = 5;

    private final ZContext context = new ZContext(1);
    private final BlockingQueue<KvEventBatch> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final String topic;
    private final Thread thread;
    private volatile boolean closed;

    KvEventPublisher(String address, String topic) {
        this.topic = topic;
        // XPUB: a PUB on the wire (vLLM's subscribers see no difference) that also hands over the subscriptions it
        // receives, so a connecting publisher can wait for the subscriber's: a PUB drops what it sends before the
        // subscription arrives (ZMQ's slow joiner), and the first batches would be lost
        ZMQ.Socket socket;
        try {
            socket = open(address);
        } catch (RuntimeException e) { // ZMQException, or a malformed address's NumberFormatException
            context.close();
            throw new IllegalArgumentException("cannot publish KV events on " + address + " (expected tcp://host:port,"
                    + " or tcp://*:port to bind): " + e.getMessage(), e);
        }
        this.thread = Thread.ofPlatform().name("sim-kv-events").daemon().unstarted(() -> run(socket));
        thread.start();
    }

    /**
     * A bound socket, or a connected one once the subscriber's subscription has come: a new connection is tried
     * when none comes within a second (seen on a loaded machine: a connection whose subscription never arrived),
     * up to {@value #CONNECT_ATTEMPTS} times, then the last is used as it is.
     */
    private ZMQ.Socket open(String address) {
        for (int attempt = 1; ; attempt++) {
            ZMQ.Socket socket = context.createSocket(SocketType.XPUB);
            socket.setSndHWM(100_000);
            if (address.contains("*")) {
                socket.bind(address);
                return socket;
            }
            socket.connect(address);
            socket.setReceiveTimeOut(1000);
            if (socket.recv() != null) {
                return socket;
            }
            if (attempt == CONNECT_ATTEMPTS) {
                log.warn("KV events: no subscriber at {} after {} connections; publishing anyway", address, attempt);
                return socket;
            }
            log.info("KV events: no subscription from {} within 1 s; connecting again", address);
            context.destroySocket(socket);
        }
    }

    @Override
    public void accept(KvEventBatch batch) {
        if (!queue.offer(batch)) {
            dropped.incrementAndGet();
        }
    }

    /** Batches dropped because the socket could not keep up (the queue was full). */
    long dropped() {
        return dropped.get();
    }

    private void run(ZMQ.Socket socket) {
        long seq = 0;
        try {
            while (!closed) {
                KvEventBatch b = queue.poll(100, TimeUnit.MILLISECONDS);
                while (socket.recv(ZMQ.DONTWAIT) != null) {
                    // subscriptions (and unsubscriptions) of later subscribers: nothing to do but read them
                }
                if (b == null) {
                    continue;
                }
                socket.sendMore(topic);
                socket.sendMore(KvEventCodec.sequence(seq++));
                socket.send(KvEventCodec.encode(b));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closed) {
                log.warn("KV-event publisher for {} stopped: {}", topic, e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
    }
}
