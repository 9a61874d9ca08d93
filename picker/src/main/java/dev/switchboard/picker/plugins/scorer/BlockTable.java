package dev.switchboard.picker.plugins.scorer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The prefix index's store: which endpoints hold which block hashes, and in what order each endpoint used them, in
 * primitive arrays whose total size is bounded when the table is made. One writer at a time (the caller serializes
 * the writes); lookups from any thread, without a lock.
 */
final class BlockTable {
    /*
     * Layout: an entry is one (block hash, endpoint) pair in one long: the hash's top 52 bits above a 12-bit endpoint
     * id (1..4,095; 0 is an empty slot). Comparing 52 bits instead of 64 confuses two prefixes with a chance of 2^-52
     * per comparison: nothing a heuristic notices. Entries live in SEGMENTS open-addressing tables
     * with linear probing; a seeded scramble of the hash picks the segment and the home slot, so every holder of one
     * hash sits in one probe run and a lookup reads one run per block, and since the seed is random per table,
     * prompts cannot be crafted to crowd one segment or one run. Beside each key, prev and next ints thread the entry
     * into its endpoint's LRU list (a link is segment << 26 | slot; NONE ends a list): 16 bytes a slot, 21 an entry at
     * the 0.75 load a segment grows at. Deleting shifts the run's later entries back into the hole (no tombstones, so
     * runs never silt up over time), moving their links with them.
     * Bound: a segment's size goes segMax >> k, ..., segMax >> 1, segMax, one segment grows at a time, so the arrays
     * never exceed the bound, not even while a segment is being copied: FIXED_BYTES + 16 x segMax x (SEGMENTS + 1/2)
     * <= maxBytes. The entries the caller may share out are 0.75 x segMax per segment; a segment at its largest still
     * takes inserts up to 0.85 (hashing is never perfectly even), and past that an insert is dropped.
     * Concurrency: the writer replaces a segment's arrays only whole (published through an AtomicReferenceArray) and
     * changes keys with opaque stores; a reader reads a segment's keys with opaque (untorn) loads and may meanwhile
     * miss an entry being shifted back, see one twice (harmless: a holder's count advances once per block) or see
     * one just evicted: a stale answer to a heuristic, never a holder of a block nobody sent it (hash and id are one
     * value), never an endless scan (a segment is read once around at most). Readers never read the links.
     * Cost: a lookup reads (1 + 1/(1 - load)^2) / 2 slots per block plus the block's holders (2.5 at half load, 8.5
     * at 0.75: one or two cache lines); a write touches the entry and its LRU neighbours; growing a segment copies its
     * own entries only, 1/16 of the table, so no single pick pays for rehashing all of it.
     */

    /** Bits of an entry that hold the endpoint id: 4,095 endpoints per table, far more than one pool has. */
    static final int ID_BITS = 12;
    /** The largest endpoint id (ids start at 1; 0 marks an empty slot). */
    static final int MAX_ID = (1 << ID_BITS) - 1;
    /** Key tables; a power of two picked by the scrambled hash's top 4 bits, 16 so that a growth copies 1/16. */
    static final int SEGMENTS = 16;
    /** Bytes a slot costs: its key (8) and its two LRU links (4 + 4). */
    static final int SLOT_BYTES = 16;
    /** Load at which a segment grows: linear probing reads ~8.5 slots per lookup there. */
    static final double GROW_LOAD = 0.75;
    /** Load a segment at its largest size still accepts, for the unevenness of hashing (beyond: dropped). */
    static final double FULL_LOAD = 0.85;
    /** A segment's first size is below twice this many slots: an unused table's segments take 16-32 KB. */
    static final int FIRST_SLOTS = 64;
    /** Bytes counted for the per-endpoint arrays (list head, tail and size) and for object headers. */
    static final long FIXED_BYTES = 3L * Integer.BYTES * (MAX_ID + 1) + 4096;

    private static final long ID_MASK = MAX_ID;
    private static final long TAG_MASK = ~ID_MASK;
    private static final int SLOT_BITS = 26;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    private static final int NONE = -1;
    private static final VarHandle KEY = MethodHandles.arrayElementVarHandle(long[].class);

    /** One segment's arrays; replaced whole when it grows. */
    private static final class Slots {
        final long[] keys;
        final int[] prev;
        final int[] next;
        /** This size is segMax >> shift. */
        final int shift;
        /** Entries stored (writer only). */
        int count;

        Slots(int segMax, int shift) {
            int n = segMax >> shift;
            keys = new long[n];
            prev = new int[n];
            next = new int[n];
            this.shift = shift;
        }

        /** Whether one more entry may go in without growing (or, at the largest size, at all). */
        boolean hasRoom() {
            return count + 1 <= (shift == 0 ? FULL_LOAD : GROW_LOAD) * keys.length;
        }
    }

    private final long seed;
    private final int segMax;
    private final AtomicReferenceArray<Slots> published = new AtomicReferenceArray<>(SEGMENTS);
    /** The writer's view of {@link #published} (the same arrays, read without a volatile load). */
    private final Slots[] segments = new Slots[SEGMENTS];
    private final int[] head = new int[MAX_ID + 1];
    private final int[] tail = new int[MAX_ID + 1];
    private final int[] size = new int[MAX_ID + 1];
    private long entries;
    private long dropped;
    private long peakBytes;

    /**
     * @param maxBytes the most its arrays may take, at any moment
     * @param seed     scrambles where hashes go (a random one in production)
     */
    BlockTable(long maxBytes, long seed) {
        long slots = (maxBytes - FIXED_BYTES) * 2 / (SLOT_BYTES * (2L * SEGMENTS + 1));
        if (slots < FIRST_SLOTS || slots > SLOT_MASK) {
            throw new IllegalArgumentException("a prefix index of " + maxBytes + " bytes is out of range");
        }
        this.seed = seed;
        this.segMax = (int) slots;
        int shift = 0;
        while (segMax >> (shift + 1) >= FIRST_SLOTS) {
            shift++;
        }
        for (int s = 0; s < SEGMENTS; s++) {
            segments[s] = new Slots(segMax, shift);
            published.set(s, segments[s]);
        }
        Arrays.fill(head, NONE);
        Arrays.fill(tail, NONE);
        peakBytes = bytes();
    }

    /** Entries the caller may share out among endpoints: 0.75 of every segment at its largest. */
    long entryBudget() {
        return SEGMENTS * (long) (GROW_LOAD * segMax);
    }

    /** Bytes the arrays take now. */
    long bytes() {
        long slots = 0;
        for (Slots s : segments) {
            slots += s.keys.length;
        }
        return FIXED_BYTES + slots * SLOT_BYTES;
    }

    /** The most bytes the arrays ever took at once (growth included). */
    long peakBytes() {
        return peakBytes;
    }

    /** Entries stored. */
    long entries() {
        return entries;
    }

    /** Inserts dropped because a segment at its largest size was full. */
    long dropped() {
        return dropped;
    }

    /** Blocks endpoint {@code id} holds. */
    int size(int id) {
        return size[id];
    }

    /**
     * Advances {@code counts[id]} from b to b + 1 for every holder of block b, block after block, as long as some
     * holder advances (so a count is the holder's run of leading blocks). Ids beyond {@code counts} are skipped.
     * Any thread.
     */
    void matches(long[] hashes, int[] counts) {
        for (int b = 0; b < hashes.length; b++) {
            if (!advance(hashes[b], b, counts)) {
                break; // nobody holds blocks 0..b
            }
        }
    }

    private boolean advance(long hash, int b, int[] counts) {
        long tag = hash & TAG_MASK;
        long p = scramble(tag);
        long[] keys = published.get(segment(p)).keys;
        int n = keys.length;
        boolean advanced = false;
        for (int i = home(p, n), read = 0; read < n; read++) {
            long k = (long) KEY.getOpaque(keys, i);
            if (k == 0) {
                break;
            }
            if ((k & TAG_MASK) == tag) {
                int id = (int) (k & ID_MASK);
                if (id < counts.length && counts[id] == b) {
                    counts[id] = b + 1;
                    advanced = true;
                }
            }
            i = i + 1 == n ? 0 : i + 1;
        }
        return advanced;
    }

    /**
     * Records that endpoint {@code id} holds {@code hash} as its most recently used block. A new block first evicts
     * the endpoint's least recently used ones while it holds {@code limit} or more; with limit 0 it is not stored.
     */
    void put(int id, long hash, int limit) {
        long key = (hash & TAG_MASK) | id;
        long p = scramble(key);
        int seg = segment(p);
        int at = find(segments[seg], key, p);
        if (at != NONE) {
            moveToTail(id, link(seg, at));
            return;
        }
        if (limit <= 0) {
            return;
        }
        while (size[id] >= limit) {
            evictOldest(id);
        }
        Slots s = segments[seg];
        if (!s.hasRoom() && s.shift > 0) {
            s = grow(seg);
        }
        if (!s.hasRoom()) {
            dropped++;
            return;
        }
        long[] keys = s.keys;
        int i = home(p, keys.length);
        for (int read = 0; keys[i] != 0; read++) {
            if (read == keys.length) {
                throw new IllegalStateException("prefix index: a segment with room has no empty slot");
            }
            i = i + 1 == keys.length ? 0 : i + 1;
        }
        KEY.setOpaque(keys, i, key);
        s.count++;
        entries++;
        size[id]++;
        linkTail(id, link(seg, i));
    }

    /** Evicts endpoint {@code id}'s least recently used blocks until it holds at most {@code limit}. */
    void trim(int id, int limit) {
        while (size[id] > Math.max(0, limit)) {
            evictOldest(id);
        }
    }

    /** Forgets every block of endpoint {@code id}. */
    void clear(int id) {
        trim(id, 0);
    }

    private int find(Slots s, long key, long p) {
        long[] keys = s.keys;
        int n = keys.length;
        for (int i = home(p, n), read = 0; read < n && keys[i] != 0; read++, i = i + 1 == n ? 0 : i + 1) {
            if (keys[i] == key) {
                return i;
            }
        }
        return NONE;
    }

    private void evictOldest(int id) {
        int l = head[id];
        unlink(id, l);
        size[id]--;
        delete(l >>> SLOT_BITS, l & SLOT_MASK);
    }

    /** Empties a slot whose entry is already unlinked, shifting later entries of its run back (their links too). */
    private void delete(int seg, int slot) {
        Slots s = segments[seg];
        long[] keys = s.keys;
        int n = keys.length;
        int hole = slot;
        for (int j = slot, read = 1; read < n; read++) {
            j = j + 1 == n ? 0 : j + 1;
            long k = keys[j];
            if (k == 0) {
                break; // the run ends here
            }
            int h = home(scramble(k), n);
            if (Math.floorMod(j - h, n) >= Math.floorMod(j - hole, n)) { // its home is not past the hole
                KEY.setOpaque(keys, hole, k);                               // a reader may see it twice meanwhile
                relocate(s, seg, j, hole, (int) (k & ID_MASK));
                hole = j;
            }
        }
        KEY.setOpaque(keys, hole, 0L);
        s.count--;
        entries--;
    }

    private void relocate(Slots s, int seg, int from, int to, int id) {
        int p = s.prev[from];
        int x = s.next[from];
        s.prev[to] = p;
        s.next[to] = x;
        int l = link(seg, to);
        if (p == NONE) {
            head[id] = l;
        } else {
            setNext(p, l);
        }
        if (x == NONE) {
            tail[id] = l;
        } else {
            setPrev(x, l);
        }
    }

    /** Doubles segment {@code seg} (to at most segMax), keeping every entry and every LRU list's order. */
    private Slots grow(int seg) {
        Slots old = segments[seg];
        Slots grown = new Slots(segMax, old.shift - 1);
        long[] keys = grown.keys;
        int n = keys.length;
        // place each entry, copying its links (still in old numbering); old.next[i] then keeps i's new slot
        for (int i = 0; i < old.keys.length; i++) {
            long k = old.keys[i];
            if (k != 0) {
                int j = home(scramble(k), n);
                while (keys[j] != 0) {
                    j = j + 1 == n ? 0 : j + 1;
                }
                keys[j] = k;
                grown.prev[j] = old.prev[i];
                grown.next[j] = old.next[i];
                old.next[i] = j;
            }
        }
        // renumber links into this segment; neighbours in other segments learn the new slot
        for (int j = 0; j < n; j++) {
            if (keys[j] != 0) {
                int l = link(seg, j);
                int p = grown.prev[j];
                if (p != NONE) {
                    if (p >>> SLOT_BITS == seg) {
                        grown.prev[j] = link(seg, old.next[p & SLOT_MASK]);
                    } else {
                        setNext(p, l);
                    }
                }
                int x = grown.next[j];
                if (x != NONE) {
                    if (x >>> SLOT_BITS == seg) {
                        grown.next[j] = link(seg, old.next[x & SLOT_MASK]);
                    } else {
                        setPrev(x, l);
                    }
                }
            }
        }
        for (int id = 1; id <= MAX_ID; id++) {
            head[id] = renumbered(head[id], seg, old);
            tail[id] = renumbered(tail[id], seg, old);
        }
        grown.count = old.count;
        segments[seg] = grown;
        peakBytes = Math.max(peakBytes, bytes() + (long) old.keys.length * SLOT_BYTES);
        published.set(seg, grown); // after filling it: a reader sees the whole new segment or the old one
        return grown;
    }

    private static int renumbered(int l, int seg, Slots old) {
        return l != NONE && l >>> SLOT_BITS == seg ? link(seg, old.next[l & SLOT_MASK]) : l;
    }

    private void linkTail(int id, int l) {
        int t = tail[id];
        setPrev(l, t);
        setNext(l, NONE);
        if (t == NONE) {
            head[id] = l;
        } else {
            setNext(t, l);
        }
        tail[id] = l;
    }

    private void unlink(int id, int l) {
        int p = prev(l);
        int x = next(l);
        if (p == NONE) {
            head[id] = x;
        } else {
            setNext(p, x);
        }
        if (x == NONE) {
            tail[id] = p;
        } else {
            setPrev(x, p);
        }
    }

    private void moveToTail(int id, int l) {
        if (tail[id] != l) {
            unlink(id, l);
            linkTail(id, l);
        }
    }

    private int prev(int l) {
        return segments[l >>> SLOT_BITS].prev[l & SLOT_MASK];
    }

    private int next(int l) {
        return segments[l >>> SLOT_BITS].next[l & SLOT_MASK];
    }

    private void setPrev(int l, int to) {
        segments[l >>> SLOT_BITS].prev[l & SLOT_MASK] = to;
    }

    private void setNext(int l, int to) {
        segments[l >>> SLOT_BITS].next[l & SLOT_MASK] = to;
    }

    private static int link(int seg, int slot) {
        return seg << SLOT_BITS | slot;
    }

    /** Spreads a key's hash bits with the table's seed; the id bits take no part, so all holders land together. */
    private long scramble(long key) {
        return ((key & TAG_MASK) ^ seed) * 0x9E3779B97F4A7C15L;
    }

    private static int segment(long p) {
        return (int) (p >>> 60);
    }

    /** Bits 28..59 of the scrambled hash, scaled to [0, n) (so segment sizes need not be powers of two). */
    private static int home(long p, int n) {
        return (int) ((((p >>> 28) & 0xFFFFFFFFL) * n) >>> 32);
    }

    /**
     * Checks the structure (tests call it when no writer runs): every list is well linked and as long as its size,
     * every entry sits in its own endpoint's list and is found from its home slot, and the counts add up.
     */
    void checkInvariants() {
        long listed = 0;
        for (int id = 1; id <= MAX_ID; id++) {
            int n = 0;
            for (int l = head[id], before = NONE; l != NONE; before = l, l = next(l)) {
                long key = segments[l >>> SLOT_BITS].keys[l & SLOT_MASK];
                check((key & ID_MASK) == id, "an entry of id " + (key & ID_MASK) + " in the list of id " + id);
                check(prev(l) == before, "a broken back link in the list of id " + id);
                check(find(segments[l >>> SLOT_BITS], key, scramble(key)) == (l & SLOT_MASK),
                        "an entry of id " + id + " not found from its home slot");
                check(++n <= size[id], "the list of id " + id + " is longer than its size " + size[id]);
                if (next(l) == NONE) {
                    check(tail[id] == l, "the list of id " + id + " does not end at its tail");
                }
            }
            check(n == size[id], "id " + id + " lists " + n + " entries, its size is " + size[id]);
            listed += n;
        }
        long stored = 0;
        for (Slots s : segments) {
            int used = 0;
            for (long k : s.keys) {
                used += k != 0 ? 1 : 0;
            }
            check(used == s.count, "a segment holds " + used + " entries, its count is " + s.count);
            stored += used;
        }
        check(stored == entries && listed == entries,
                "stored " + stored + ", listed " + listed + ", entries " + entries);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("prefix index: " + what);
        }
    }
}
