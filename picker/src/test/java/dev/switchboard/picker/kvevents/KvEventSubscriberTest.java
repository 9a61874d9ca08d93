package dev.switchboard.picker.kvevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.kvevents.KvEvent;
import dev.switchboard.core.kvevents.KvEventBatch;
import dev.switchboard.core.kvevents.KvEventCodec;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The subscriber against a real ZMQ publisher on loopback, as a vLLM server connects to the picker. */
class KvEventSubscriberTest {
    static final String SERVER = "10.0.0.9:8000";
    static final long[] TOKENS = java.util.stream.LongStream.range(1, 33).toArray(); // two blocks of 16

    static void send(ZMQ.Socket pub, String topic, long seq, byte[] payload) {
        pub.sendMore(topic);
        pub.sendMore(KvEventCodec.sequence(seq));
        pub.send(payload);
    }

    static byte[] stored(long first) {
        return KvEventCodec.encode(new KvEventBatch(0, List.of(new KvEvent.BlockStored(new long[] {first, first + 1},
                false, 0, TOKENS, 16, -1, "GPU")), -1));
    }

    @Test
    void appliesBatchesCountsGapsForgetsARestartedServerAndRefusesWhatIsNotAnEvent() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String address = "tcp://127.0.0.1:" + port;
        KvEventSubscriber sub = KvEventSubscriber.shared(address, "kv@", 16);
        KvBlockIndex index = sub.index();
        long[] chain = index.chain(TOKENS, 64);
        String topic = KvEventCodec.topic(SERVER, "m");
        try (ZContext ctx = new ZContext()) {
            ZMQ.Socket pub = ctx.createSocket(SocketType.PUB);
            pub.connect(address);
            // a PUB drops what it sends before the subscription reaches it: send until one arrives
            long seq = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sub.messages() == 0 && System.nanoTime() < deadline) {
                send(pub, topic, seq++, stored(100));
                Thread.sleep(20);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> index.matched(SERVER, chain) == 2);
            long gapsBefore = sub.gaps();

            send(pub, topic, seq + 5, KvEventCodec.encode(new KvEventBatch(0,
                    List.of(new KvEvent.BlockRemoved(new long[] {101}, null)), -1)));
            await().atMost(Duration.ofSeconds(5)).until(() -> index.matched(SERVER, chain) == 1);
            assertThat(sub.gaps()).as("five messages never came").isEqualTo(gapsBefore + 1);

            // the server restarts: its count begins again, and its cache is empty
            send(pub, topic, 0, KvEventCodec.encode(new KvEventBatch(0, List.of(), -1)));
            await().atMost(Duration.ofSeconds(5)).until(() -> index.matched(SERVER, chain) == 0);
            assertThat(index.blocks(SERVER)).isZero();

            long rejected = sub.rejected();
            send(pub, "kv@no-model", 1, stored(300));
            send(pub, topic, 1, new byte[] {1, 2, 3});
            pub.sendMore(topic);
            pub.send("two frames only");
            await().atMost(Duration.ofSeconds(5)).until(() -> sub.rejected() == rejected + 3);
            assertThat(index.blocks(SERVER)).as("nothing refused reached the index").isZero();
            assertThat(KvEventSubscriber.shared(address, "kv@", 16)).as("one subscriber per address").isSameAs(sub);
            assertThat(KvEventSubscriber.all()).contains(sub);
        }
    }
}
