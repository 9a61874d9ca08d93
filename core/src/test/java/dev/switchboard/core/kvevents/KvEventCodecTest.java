package dev.switchboard.core.kvevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class KvEventCodecTest {
    @Test
    void readsWhatVllmSendsIncludingBytesHashesUnsignedHashesAndFieldsItAddedLater() throws Exception {
        byte[] sha = new byte[32];
        for (int i = 0; i < sha.length; i++) {
            sha[i] = (byte) (i + 1);
        }
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packArrayHeader(3).packDouble(1733.5).packArrayHeader(4);
        // BlockStored with a newer vLLM's trailing lora_name, an unsigned 64-bit hash and no parent
        p.packArrayHeader(8).packString("BlockStored");
        p.packArrayHeader(2).packBigInteger(new BigInteger("18446744073709551615")).packLong(7);
        p.packNil();
        p.packArrayHeader(4).packInt(1).packInt(2).packInt(3).packInt(4);
        p.packInt(2).packNil().packString("GPU").packNil();
        // an older vLLM's BlockStored: no medium, a parent
        p.packArrayHeader(6).packString("BlockStored").packArrayHeader(1).packLong(9).packLong(7)
                .packArrayHeader(2).packInt(5).packInt(6).packInt(2).packInt(3);
        p.packArrayHeader(3).packString("BlockRemoved").packArrayHeader(1).packBinaryHeader(32).writePayload(sha)
                .packString("GPU");
        p.packArrayHeader(1).packString("AllBlocksCleared");
        p.packInt(0);

        KvEventBatch b = KvEventCodec.decode(p.toByteArray());

        assertThat(b.timestamp()).isEqualTo(1733.5);
        assertThat(b.dataParallelRank()).isZero();
        assertThat(b.events()).hasSize(4);
        var first = (KvEvent.BlockStored) b.events().get(0);
        assertThat(first.blockHashes()).containsExactly(-1L, 7L);
        assertThat(first.hasParent()).isFalse();
        assertThat(first.tokenIds()).containsExactly(1, 2, 3, 4);
        assertThat(first.blockSize()).isEqualTo(2);
        assertThat(first.loraId()).isEqualTo(-1);
        assertThat(first.medium()).isEqualTo("GPU");
        var second = (KvEvent.BlockStored) b.events().get(1);
        assertThat(second.hasParent()).isTrue();
        assertThat(second.parentBlockHash()).isEqualTo(7);
        assertThat(second.loraId()).isEqualTo(3);
        assertThat(second.medium()).isNull();
        assertThat(((KvEvent.BlockRemoved) b.events().get(2)).blockHashes()).containsExactly(0x0102030405060708L);
        assertThat(b.events().get(3)).isInstanceOf(KvEvent.AllBlocksCleared.class);
    }

    @Test
    void whatItWritesItReads() {
        KvEventBatch batch = new KvEventBatch(12.25, List.of(
                new KvEvent.BlockStored(new long[] {11, 12}, true, 10, new long[] {1, 2, 3, 4}, 2, -1, "GPU"),
                new KvEvent.BlockRemoved(new long[] {10}, null), new KvEvent.AllBlocksCleared()), -1);

        KvEventBatch back = KvEventCodec.decode(KvEventCodec.encode(batch));

        assertThat(back.timestamp()).isEqualTo(12.25);
        assertThat(back.dataParallelRank()).isEqualTo(-1);
        var stored = (KvEvent.BlockStored) back.events().get(0);
        assertThat(stored.blockHashes()).containsExactly(11, 12);
        assertThat(stored.parentBlockHash()).isEqualTo(10);
        assertThat(stored.tokenIds()).containsExactly(1, 2, 3, 4);
        assertThat(((KvEvent.BlockRemoved) back.events().get(1)).medium()).isNull();
        assertThat(back.events().get(2)).isInstanceOf(KvEvent.AllBlocksCleared.class);
    }

    @Test
    void aBadPayloadIsRefusedWithWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> KvEventCodec.decode(new byte[] {(byte) 0xc1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a KV-event batch");
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packArrayHeader(2).packDouble(1).packArrayHeader(1).packArrayHeader(1).packString("BlockMoved");
        assertThatThrownBy(() -> KvEventCodec.decode(p.toByteArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown KV event type 'BlockMoved'");
        MessageBufferPacker q = MessagePack.newDefaultBufferPacker();
        q.packArrayHeader(2).packDouble(1).packArrayHeader(1).packArrayHeader(2).packString("BlockStored").packNil();
        assertThatThrownBy(() -> KvEventCodec.decode(q.toByteArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BlockStored has 5 fields at least");
        MessageBufferPacker truncated = MessagePack.newDefaultBufferPacker();
        truncated.packArrayHeader(2).packDouble(1).packArrayHeader(3);
        assertThatThrownBy(() -> KvEventCodec.decode(truncated.toByteArray()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headersThatClaimMoreThanThePayloadHoldsAreRefusedBeforeAllocating() throws Exception {
        // a few bytes that would ask for 2 billion events, 2 billion hashes, a 2 GB hash and a 2 GB string
        MessageBufferPacker events = MessagePack.newDefaultBufferPacker();
        events.packArrayHeader(2).packDouble(1).packArrayHeader(Integer.MAX_VALUE);
        assertThatThrownBy(() -> KvEventCodec.decode(events.toByteArray())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the events claims 2147483647 values with 0 bytes left");
        MessageBufferPacker hashes = MessagePack.newDefaultBufferPacker();
        hashes.packArrayHeader(2).packDouble(1).packArrayHeader(1).packArrayHeader(2).packString("BlockRemoved")
                .packArrayHeader(Integer.MAX_VALUE);
        assertThatThrownBy(() -> KvEventCodec.decode(hashes.toByteArray())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("block_hashes claims 2147483647 values");
        MessageBufferPacker bytes = MessagePack.newDefaultBufferPacker();
        bytes.packArrayHeader(2).packDouble(1).packArrayHeader(1).packArrayHeader(2).packString("BlockRemoved")
                .packArrayHeader(1).packBinaryHeader(Integer.MAX_VALUE);
        assertThatThrownBy(() -> KvEventCodec.decode(bytes.toByteArray())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a block hash claims 2147483647 values");
        MessageBufferPacker string = MessagePack.newDefaultBufferPacker();
        string.packArrayHeader(2).packDouble(1).packArrayHeader(1).packArrayHeader(1).packRawStringHeader(Integer.MAX_VALUE);
        assertThatThrownBy(() -> KvEventCodec.decode(string.toByteArray())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topicsAndSequenceFrames() {
        assertThat(KvEventCodec.topic("10.0.0.7", "llama")).isEqualTo("kv@10.0.0.7@llama");
        assertThat(KvEventCodec.pod("kv@10.0.0.7:8000@llama")).isEqualTo("10.0.0.7:8000");
        assertThat(KvEventCodec.pod("kv-events")).isNull();
        assertThat(KvEventCodec.pod("kv@no-model")).isNull();
        assertThat(KvEventCodec.sequence(KvEventCodec.sequence(0x0102030405L))).isEqualTo(0x0102030405L);
        assertThat(KvEventCodec.sequence(258)).containsExactly(0, 0, 0, 0, 0, 0, 1, 2);
        assertThatThrownBy(() -> KvEventCodec.sequence(new byte[4])).hasMessageContaining("8 bytes");
    }
}
