package dev.switchboard.core.kvevents;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * vLLM's KV-event wire format, both ways: ZMQ multipart messages {@code [topic, sequence, payload]} whose payload is
 * a msgpack array {@code [ts, [event...], data_parallel_rank?]}, each event an array led by its type's name (msgspec
 * {@code array_like=True, tag=True}): {@code ["BlockStored", block_hashes, parent_block_hash, token_ids, block_size,
 * lora_id, medium]}, {@code ["BlockRemoved", block_hashes, medium]}, {@code ["AllBlocksCleared"]}. Trailing fields
 * may be missing (msgspec's {@code omit_defaults}, older vLLM without {@code medium}) and unknown trailing fields
 * (newer vLLM's {@code lora_name}) are skipped; a hash sent as bytes is folded to a long.
 */
public final class KvEventCodec {
    /** The topic prefix llm-d's convention gives each publisher: {@code kv@<pod>@<model>}. */
    public static final String TOPIC_PREFIX = "kv@";

    private KvEventCodec() {}

    /** {@code kv@<pod>@<model>}: {@code pod} is the endpoint's {@code host:port} or its IP. */
    public static String topic(String pod, String model) {
        return TOPIC_PREFIX + pod + "@" + model;
    }

    /** The pod part of a {@code kv@<pod>@<model>} topic, or null when the topic does not have that shape. */
    public static String pod(String topic) {
        if (!topic.startsWith(TOPIC_PREFIX)) {
            return null;
        }
        int end = topic.indexOf('@', TOPIC_PREFIX.length());
        return end < 0 ? null : topic.substring(TOPIC_PREFIX.length(), end);
    }

    /** The 8-byte big-endian sequence frame. */
    public static byte[] sequence(long seq) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--, seq >>>= 8) {
            b[i] = (byte) seq;
        }
        return b;
    }

    public static long sequence(byte[] frame) {
        if (frame.length != 8) {
            throw new IllegalArgumentException("a KV-event sequence frame has 8 bytes, got " + frame.length);
        }
        long seq = 0;
        for (byte b : frame) {
            seq = (seq << 8) | (b & 0xff);
        }
        return seq;
    }

    public static byte[] encode(KvEventBatch batch) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packArrayHeader(batch.dataParallelRank() >= 0 ? 3 : 2);
            p.packDouble(batch.timestamp());
            p.packArrayHeader(batch.events().size());
            for (KvEvent e : batch.events()) {
                switch (e) {
                    case KvEvent.BlockStored s -> {
                        p.packArrayHeader(7);
                        p.packString("BlockStored");
                        packLongs(p, s.blockHashes());
                        if (s.hasParent()) {
                            p.packLong(s.parentBlockHash());
                        } else {
                            p.packNil();
                        }
                        packLongs(p, s.tokenIds());
                        p.packInt(s.blockSize());
                        if (s.loraId() >= 0) {
                            p.packInt(s.loraId());
                        } else {
                            p.packNil();
                        }
                        packString(p, s.medium());
                    }
                    case KvEvent.BlockRemoved r -> {
                        p.packArrayHeader(3);
                        p.packString("BlockRemoved");
                        packLongs(p, r.blockHashes());
                        packString(p, r.medium());
                    }
                    case KvEvent.AllBlocksCleared c -> {
                        p.packArrayHeader(1);
                        p.packString("AllBlocksCleared");
                    }
                }
            }
            if (batch.dataParallelRank() >= 0) {
                p.packInt(batch.dataParallelRank());
            }
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("msgpack into memory failed", e);
        }
    }

    /** The batch in {@code payload}; an {@link IllegalArgumentException} says what is wrong with a bad one. */
    public static KvEventBatch decode(byte[] payload) {
        int size = payload.length;
        // a string cannot be longer than the payload either (msgpack would size its buffer from the header)
        try (MessageUnpacker u = new MessagePack.UnpackerConfig().withStringSizeLimit(size).newUnpacker(payload)) {
            int fields = arrayHeader(u, "the batch", size);
            if (fields < 2) {
                throw new IllegalArgumentException("a KV-event batch is [ts, events, ...], got " + fields + " fields");
            }
            double ts = u.getNextFormat().getValueType() == ValueType.INTEGER ? u.unpackLong() : u.unpackDouble();
            int n = arrayHeader(u, "the events", size);
            List<KvEvent> events = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                events.add(event(u, size));
            }
            int rank = -1;
            if (fields >= 3) {
                rank = u.tryUnpackNil() ? -1 : u.unpackInt();
                for (int i = 3; i < fields; i++) {
                    u.skipValue();
                }
            }
            return new KvEventBatch(ts, events, rank);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("not a KV-event batch: " + e.getMessage(), e);
        }
    }

    private static KvEvent event(MessageUnpacker u, int size) throws IOException {
        int fields = arrayHeader(u, "an event", size);
        if (fields < 1) {
            throw new IllegalArgumentException("an event is [type, ...], got an empty array");
        }
        String type = u.unpackString();
        KvEvent e;
        int read;
        switch (type) {
            case "BlockStored" -> {
                need(type, fields, 5);
                long[] hashes = hashes(u, size);
                boolean hasParent = !u.tryUnpackNil();
                long parent = hasParent ? hash(u, size) : KvEvent.NO_PARENT;
                long[] tokens = longs(u, size);
                int blockSize = u.unpackInt();
                int lora = u.tryUnpackNil() ? -1 : u.unpackInt();
                String medium = fields > 6 ? optionalString(u) : null;
                read = Math.min(fields, 7);
                e = new KvEvent.BlockStored(hashes, hasParent, parent, tokens, blockSize, lora, medium);
            }
            case "BlockRemoved" -> {
                need(type, fields, 2);
                long[] hashes = hashes(u, size);
                String medium = fields > 2 ? optionalString(u) : null;
                read = Math.min(fields, 3);
                e = new KvEvent.BlockRemoved(hashes, medium);
            }
            case "AllBlocksCleared" -> {
                read = 1;
                e = new KvEvent.AllBlocksCleared();
            }
            default -> throw new IllegalArgumentException("unknown KV event type '" + type + "'");
        }
        for (int i = read; i < fields; i++) {
            u.skipValue();
        }
        return e;
    }

    private static void need(String type, int fields, int least) {
        if (fields < least) {
            throw new IllegalArgumentException(type + " has " + least + " fields at least, got " + fields);
        }
    }

    private static int arrayHeader(MessageUnpacker u, String what, int size) throws IOException {
        if (!u.hasNext() || u.getNextFormat().getValueType() != ValueType.ARRAY) {
            throw new IllegalArgumentException(what + " should be a msgpack array");
        }
        return claimed(u, u.unpackArrayHeader(), what, size);
    }

    /**
     * {@code n} when the payload has room for that many values (each takes a byte at least): a header that claims
     * more is refused before anything is allocated for it, so a few hostile bytes cannot ask for gigabytes.
     */
    private static int claimed(MessageUnpacker u, int n, String what, int size) {
        long left = size - u.getTotalReadBytes();
        if (n < 0 || n > left) {
            throw new IllegalArgumentException(what + " claims " + Integer.toUnsignedString(n) + " values with " + left
                    + " bytes left");
        }
        return n;
    }

    private static long[] hashes(MessageUnpacker u, int size) throws IOException {
        int n = arrayHeader(u, "block_hashes", size);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = hash(u, size);
        }
        return out;
    }

    /** An int hash as it is; a bytes hash (newer vLLM's sha256) folded to its first eight bytes. */
    private static long hash(MessageUnpacker u, int size) throws IOException {
        MessageFormat f = u.getNextFormat();
        if (f.getValueType() == ValueType.BINARY) {
            byte[] b = u.readPayload(claimed(u, u.unpackBinaryHeader(), "a block hash", size));
            long h = 0;
            for (int i = 0; i < Math.min(8, b.length); i++) {
                h = (h << 8) | (b[i] & 0xff);
            }
            return h;
        }
        if (f == MessageFormat.UINT64) {
            return u.unpackBigInteger().longValue(); // two's complement: a Python hash above 2^63 keeps its bits
        }
        return u.unpackLong();
    }

    private static long[] longs(MessageUnpacker u, int size) throws IOException {
        int n = arrayHeader(u, "token_ids", size);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = u.getNextFormat() == MessageFormat.UINT64 ? u.unpackBigInteger().longValue() : u.unpackLong();
        }
        return out;
    }

    private static String optionalString(MessageUnpacker u) throws IOException {
        return u.tryUnpackNil() ? null : u.unpackString();
    }

    private static void packLongs(MessagePacker p, long[] values) throws IOException {
        p.packArrayHeader(values.length);
        for (long v : values) {
            p.packLong(v);
        }
    }

    private static void packString(MessagePacker p, String s) throws IOException {
        if (s == null) {
            p.packNil();
        } else {
            p.packString(s);
        }
    }
}
