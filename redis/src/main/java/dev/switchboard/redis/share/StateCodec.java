package dev.switchboard.redis.share;

import dev.switchboard.picker.pool.EndpointLoad;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The wire format of a {@link StateMessage}: compact, versioned, and safe to decode from anyone on the channel. */
final class StateCodec {
    /*
     * Layout (big-endian): magic 'S' 'B', version 1, replica i64, sequence i64, sentAt i64;
     * u16 pools { string pool, u16 endpoints { string address, i32 inFlight, i64 tokens, i32 prefill, i64 tokens } };
     * u16 records { string pool, string learner, string endpoint, u16 n, n x i64 hash }.
     * A string is u16 length + UTF-8. Binary rather than JSON: a record's hashes are its bulk (up to 1,024 x 8
     * bytes), and as text they would take 2.5 times the bytes and a parse per number.
     * Decoding trusts nothing: counts are checked against what is left, so a short or hostile message fails with
     * IllegalArgumentException (counted, dropped) instead of allocating what it claims.
     */

    static final byte MAGIC_0 = 'S';
    static final byte MAGIC_1 = 'B';
    static final byte VERSION = 1;
    /** Most entries of any list in a message (u16). */
    static final int MAX_COUNT = 0xFFFF;

    private StateCodec() {}

    static byte[] encode(StateMessage m) {
        ByteBuffer b = ByteBuffer.allocate(size(m));
        b.put(MAGIC_0).put(MAGIC_1).put(VERSION).putLong(m.replica()).putLong(m.sequence()).putLong(m.sentAtMillis());
        b.putShort(count(m.loads().size()));
        for (StateMessage.PoolLoad p : m.loads()) {
            string(b, p.pool());
            b.putShort(count(p.endpoints().size()));
            for (EndpointLoad e : p.endpoints()) {
                string(b, e.endpoint());
                b.putInt(e.inFlight()).putLong(e.inFlightTokens()).putInt(e.prefill()).putLong(e.prefillTokens());
            }
        }
        b.putShort(count(m.blocks().size()));
        for (StateMessage.Blocks r : m.blocks()) {
            string(b, r.pool());
            string(b, r.learner());
            string(b, r.endpoint());
            b.putShort(count(r.hashes().length));
            for (long h : r.hashes()) {
                b.putLong(h);
            }
        }
        return b.array();
    }

    /** The encoded size of {@code m}, in bytes. */
    static int size(StateMessage m) {
        int n = 3 + 24 + 2 + 2;
        for (StateMessage.PoolLoad p : m.loads()) {
            n += stringSize(p.pool()) + 2;
            for (EndpointLoad e : p.endpoints()) {
                n += stringSize(e.endpoint()) + 24;
            }
        }
        for (StateMessage.Blocks r : m.blocks()) {
            n += recordSize(r);
        }
        return n;
    }

    /** The bytes one record adds to a message. */
    static int recordSize(StateMessage.Blocks r) {
        return stringSize(r.pool()) + stringSize(r.learner()) + stringSize(r.endpoint()) + 2 + 8 * r.hashes().length;
    }

    /** @throws IllegalArgumentException when {@code bytes} is no message of this version */
    static StateMessage decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            if (b.get() != MAGIC_0 || b.get() != MAGIC_1 || b.get() != VERSION) {
                throw new IllegalArgumentException("not a pool-state message of version " + VERSION);
            }
            long replica = b.getLong();
            long sequence = b.getLong();
            long sentAt = b.getLong();
            int pools = countOf(b, 4);
            List<StateMessage.PoolLoad> loads = new ArrayList<>(pools);
            for (int i = 0; i < pools; i++) {
                String pool = string(b);
                int n = countOf(b, 26);
                List<EndpointLoad> endpoints = new ArrayList<>(n);
                for (int j = 0; j < n; j++) {
                    endpoints.add(new EndpointLoad(string(b), b.getInt(), b.getLong(), b.getInt(), b.getLong()));
                }
                loads.add(new StateMessage.PoolLoad(pool, endpoints));
            }
            int records = countOf(b, 8);
            List<StateMessage.Blocks> blocks = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                String pool = string(b);
                String learner = string(b);
                String endpoint = string(b);
                long[] hashes = new long[countOf(b, 8)];
                for (int j = 0; j < hashes.length; j++) {
                    hashes[j] = b.getLong();
                }
                blocks.add(new StateMessage.Blocks(pool, learner, endpoint, hashes));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " bytes after the message");
            }
            return new StateMessage(replica, sequence, sentAt, loads, blocks);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("message cut short", e);
        }
    }

    /** A u16 count whose entries take at least {@code minBytes} each, checked against what is left. */
    private static int countOf(ByteBuffer b, int minBytes) {
        int n = Short.toUnsignedInt(b.getShort());
        if ((long) n * minBytes > b.remaining()) {
            throw new IllegalArgumentException("a count of " + n + " does not fit the " + b.remaining() + " bytes left");
        }
        return n;
    }

    private static short count(int n) {
        if (n > MAX_COUNT) {
            throw new IllegalArgumentException("more than " + MAX_COUNT + " entries in one message: " + n);
        }
        return (short) n;
    }

    private static void string(ByteBuffer b, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        b.putShort(count(utf8.length)).put(utf8);
    }

    private static String string(ByteBuffer b) {
        int n = countOf(b, 1);
        byte[] utf8 = new byte[n];
        b.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static int stringSize(String s) {
        return 2 + s.getBytes(StandardCharsets.UTF_8).length; // names are short: encoding twice costs little
    }
}
