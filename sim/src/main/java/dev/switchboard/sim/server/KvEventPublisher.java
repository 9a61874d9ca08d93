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
 * One endpoint's KV-event publisher, as vLLM's {@code ZmqEventPublisher}: a ZMQ PUB socket sending
 * {@code [topic, 8-byte sequence, msgpack batch]} for every engine step that changed the cache. It binds when the
 * address has a wildcard ({@code tcp://*:5557}, vLLM's default) and connects otherwise (llm-d's setup, where every
 * server connects to the endpoint picker's one SUB socket). The engine thread hands batches over a bounded queue and
 * never waits: a full queue drops the batch (the subscriber sees the sequence gap), as a slow ZMQ peer would.
 */
final class KvEventPublisher implements Consumer<KvEventBatch>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KvEventPublisher.class);
    /** Batches waiting for the socket; a step makes one, so this is seconds of backlog. */
    private static final int QUEUE = 4096;

    private final ZContext context = new ZContext(1);
    private final BlockingQueue<KvEventBatch> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final String topic;
    private final Thread thread;
    private volatile boolean closed;

    KvEventPublisher(String address, String topic) {
        this.topic = topic;
        ZMQ.Socket socket = context.createSocket(SocketType.PUB);
        socket.setSndHWM(100_000);
        try {
            if (address.contains("*")) {
                socket.bind(address);
            } else {
                socket.connect(address);
            }
        } catch (RuntimeException e) { // ZMQException, or a malformed address's NumberFormatException
            context.close();
            throw new IllegalArgumentException("cannot publish KV events on " + address + " (expected tcp://host:port,"
                    + " or tcp://*:port to bind): " + e.getMessage(), e);
        }
        this.thread = Thread.ofPlatform().name("sim-kv-events").daemon().unstarted(() -> run(socket));
        thread.start();
    }

    @Override
    public void accept(KvEventBatch batch) {
        if (!queue.offer(batch)) {
            dropped.incrementAndGet();
        }
    }

    private void run(ZMQ.Socket socket) {
        long seq = 0;
        try {
            while (!closed) {
                KvEventBatch b = queue.poll(100, TimeUnit.MILLISECONDS);
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
