package dev.switchboard.picker.kvevents;

import dev.switchboard.core.kvevents.KvEventBatch;
import dev.switchboard.core.kvevents.KvEventCodec;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Receives model servers' KV-cache events on one bound ZMQ SUB socket, llm-d's arrangement: every server's
 * publisher connects to it (vLLM {@code --kv-events-config '{"enable_kv_cache_events": true, "publisher": "zmq",
 * "endpoint": "tcp://<picker>:5557", "topic": "kv@<pod-ip>@<model>"}'}), and the topic names the server. Each
 * message, {@code [topic, sequence, payload]}, goes into a {@link KvBlockIndex}.
 */
public final class KvEventSubscriber {
    /*
     * One subscriber per bound address for the process's life (shared()): a config reload builds new scorers, and
     * a second socket on the same port could not bind; servers reconnect to it on their own (ZMQ does), so
     * nothing is lost across reloads. The thread is a daemon: the gateway's exit ends it.
     * A sequence gap (messages dropped by a high-water mark) is counted: the index may then think a block held that
     * was evicted, until the block's next removal or a clear; vLLM's replay socket would close the gap, and is not
     * used yet. A sequence that goes back is a restarted server (its publisher counts from 0 again): what it held is
     * forgotten, since its cache started empty.
     */
    private static final Logger log = LoggerFactory.getLogger(KvEventSubscriber.class);
    private static final Map<String, KvEventSubscriber> SHARED = new HashMap<>();
    /** Distinct refusals logged at most: a hostile publisher's endless new errors are counted, not remembered. */
    private static final int MAX_WARNINGS = 100;

    private final String address;
    private final String topicFilter;
    private final KvBlockIndex index;
    private final ZContext context = new ZContext(1);
    private final Map<String, Long> lastSequence = new HashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final LongAdder messages = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    private KvEventSubscriber(String address, String topicFilter, KvBlockIndex index) {
        this.address = address;
        this.topicFilter = topicFilter;
        this.index = index;
        ZMQ.Socket socket = context.createSocket(SocketType.SUB);
        socket.setRcvHWM(100_000);
        socket.subscribe(topicFilter.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        socket.bind(address); // throws ZMQException when the address is taken or malformed
        Thread.ofPlatform().name("kv-events " + address).daemon().start(() -> run(socket));
        log.info("KV events: listening on {} for topics '{}*'", address, topicFilter);
    }

    /**
     * The subscriber bound at {@code address}, started at first use. A second use must ask for the same topic
     * filter and block size: one socket feeds one index.
     */
    public static synchronized KvEventSubscriber shared(String address, String topicFilter, int blockSize) {
        KvEventSubscriber s = SHARED.get(address);
        if (s == null) {
            s = new KvEventSubscriber(address, topicFilter,
                    new KvBlockIndex(blockSize, KvBlockIndex.DEFAULT_MAX_BLOCKS_PER_SERVER));
            SHARED.put(address, s);
        } else if (!s.topicFilter.equals(topicFilter) || s.index.blockSize() != blockSize) {
            throw new IllegalArgumentException("KV events on " + address + " are already received with topicFilter '"
                    + s.topicFilter + "' and blockSize " + s.index.blockSize() + "; one address serves one setting");
        }
        return s;
    }

    /** Every subscriber started in this process. */
    public static synchronized java.util.List<KvEventSubscriber> all() {
        return java.util.List.copyOf(SHARED.values());
    }

    public String address() {
        return address;
    }

    public KvBlockIndex index() {
        return index;
    }

    /** Messages received, sequence gaps seen (not restarts), and messages refused (bad topic, frames or payload). */
    public long messages() {
        return messages.sum();
    }

    public long gaps() {
        return gaps.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    private void run(ZMQ.Socket socket) {
        while (true) {
            ZMsg msg;
            try {
                msg = ZMsg.recvMsg(socket, true);
            } catch (org.zeromq.ZMQException e) {
                if (e.getErrorCode() == zmq.ZError.ETERM) {
                    return; // the context was closed
                }
                log.warn("KV events on {}: receiving failed ({}); receiving on", address, e.getMessage());
                continue;
            }
            if (msg == null) {
                if (socket.errno() == zmq.ZError.ETERM) {
                    return;
                }
                continue; // an interrupted or empty receive: the socket is still good
            }
            try {
                receive(msg);
            } catch (RuntimeException e) {
                rejected.increment();
                if (warned.size() < MAX_WARNINGS && warned.add(e.getClass().getName() + e.getMessage())) {
                    log.warn("KV events on {}: a message was refused: {}", address, e.getMessage());
                }
            }
        }
    }

    private void receive(ZMsg msg) {
        if (msg.size() != 3) {
            throw new IllegalArgumentException("a KV-event message has 3 frames (topic, sequence, payload), got "
                    + msg.size());
        }
        String topic = msg.popString();
        String server = KvEventCodec.pod(topic);
        if (server == null) {
            throw new IllegalArgumentException("topic '" + topic + "' is not kv@<pod>@<model>");
        }
        long seq = KvEventCodec.sequence(msg.pop().getData());
        KvEventBatch batch = KvEventCodec.decode(msg.pop().getData());
        if (!lastSequence.containsKey(server) && lastSequence.size() >= KvBlockIndex.MAX_SERVERS) {
            throw new IllegalArgumentException(KvBlockIndex.MAX_SERVERS + " servers publish already; '" + server
                    + "' is not kept");
        }
        Long last = lastSequence.put(server, seq);
        if (last != null && seq <= last) {
            index.clear(server); // the count began again: a restarted server, whose cache is empty
        } else if (last != null && seq != last + 1) {
            gaps.increment(); // missed messages
        }
        index.apply(server, batch);
        messages.increment();
    }
}
