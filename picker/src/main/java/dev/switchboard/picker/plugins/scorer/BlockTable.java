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
     * per comparison: nothing a heuristic notices. Entries live in SEGMENTS open-addressing tables with linear
     * probing; a seeded scramble of the whole entry, hash and id, picks the segment and the home slot, so each
     * (block, endpoint) pair is found in O(1) however many endpoints hold the block, and since the seed is random per
     * table, prompts cannot be crafted to crowd one segment or one run. (Until 2026-12 the id took no part, so all
     * holders of a block sat in one run: a lookup read a block's holders in one scan, but a record scanned that run
     * for its own entry, per block: with 100 holders of a 1,024-block prompt, 1.5 ms a pick.) Beside each key, prev
     * and next ints thread the entry into its endpoint's LRU list (a link is segment << 26 | slot; NONE ends a list):
     * 16 bytes a slot, 21 an entry at the 0.75 load a segment grows at. Deleting shifts the run's later entries back
     * into the hole (no tombstones, so runs never silt up over time), moving their links with them.
     * Bound: a segment's size goes segMax >> k, ..., segMax >> 1, segMax, one segment grows at a time, so the arrays
     * never exceed the bound, not even while a segment is being copied: FIXED_BYTES + 16 x segMax x (SEGMENTS + 1/2)
     * <= maxBytes. The entries the caller may share out are 0.75 x segMax per segment; a segment at its largest still
     * takes inserts up to 0.85 (hashing is never perfectly even), and past that an insert is dropped.
     * Eviction order: a prompt's chain is put last block first (putChain), so in an endpoint's LRU block 0 is the
     * newest and the tail goes first, as vLLM evicts: a finished request's blocks are freed in reverse "so that the
     * tail blocks are freed first" onto the free queue that allocation evicts from its front (vllm-project/vllm,
     * vllm/v1/core/single_type_kv_cache_manager.py SingleTypeKVCacheManager.free, block_pool.py
     * BlockPool.free_blocks). Since a chained hash stands for its whole prefix, every record that touches block b of
     * a chain touches blocks 0..b-1 after it, so each endpoint's holding of a chain is prefix-closed (holding block b
     * means holding 0..b-1) but for an insert dropped from a full segment.
     * Lookups (matches): prefix-closed holdings let the lookup read holders at a few block positions instead of every
     * block: who holds block 0, then who holds the last block (when all holders hold the whole prompt, the usual case,
     * that ends it), then a bisection over block positions, only for the ids whose run ends between two probes: about d
     * x log2(blocks / d) probes for d distinct run lengths, never more probes than blocks, each asking in O(1) only the
     * ids whose run may end there (every id at block 0, at most log2(blocks) + 2 in all). The approximation: a hole (a
     * dropped insert, or a racing write) between two probes goes unseen, so a holder's count may run past it; a count c
     * still means the holder was seen holding block c - 1 and, below the prompt's end, not block c. BlockTableTest
     * checks it against the exact count.
     * Records (putChain): a put finds its entry in O(1) and moves it to the list's tail, one cache miss or three
     * per block, which a branch-free pass over the coming blocks' home slots overlaps (warm). A chain already held
     * as one stretch of the list, as its last record left it, moves as a whole, 64 blocks at a time (moveRun),
     * its blocks checked by following prev links rather than found one by one. A chain the endpoint
     * was sent whole within its last limit / 2 placements is not moved at all: its blocks are all still held, among
     * the newest half of its list, and an untouched entry that young is evicted only after limit / 2 more placements
     * at the least; so a hot prompt, re-sent, costs one memo lookup instead of a relink per block, at the price of
     * an LRU that, for such chains, acts as if it were half as long. The memo is direct-mapped (an overwritten slot
     * only costs a full record); trimming an endpoint (its share cut, or its removal) forgets its recent chains.
     * Measured on the benchmark VM, 1,024 blocks in a 2.7-million-entry table: the finds alone take ~50 µs, finds
     * and relinks ~120-170, warmed ~85; with stretches moved whole and recent chains skipped, a record of a prompt
     * all 100 endpoints hold takes ~40 on average. CLOCK-style reference bits (a find and a bit per block, no
     * relink) would save the relinks only, and their second chance moves a block behind its parent, which breaks
     * the prefix-closure the lookup relies on.
     * Concurrency: the writer replaces a segment's arrays only whole (published through an AtomicReferenceArray) and
     * changes keys with opaque stores; a reader reads a segment's keys with opaque (untorn) loads and may meanwhile
     * miss an entry being shifted back or see one just evicted: a stale answer to a heuristic, never a holder of a
     * block nobody sent it (hash and id are one value), never an endless scan (a segment is read once around at
     * most). Readers never read the links or the memo.
     * Cost: a lookup probe reads (1 + 1/(1 - load)^2) / 2 slots for an absent entry, (1 + 1/(1 - load)) / 2 for a
     * present one (8.5 and 2.5 at 0.75), for each candidate id at each probed position: with 100 endpoints and a
     * prompt they all hold whole, 200 probes, 2-8 µs where reading every block's holders took 1 ms; a write touches
     * the entry and its LRU neighbours; growing a segment copies its own entries only, 1/16 of the table, so no
     * single pick pays for rehashing all of it.
     * Size: near 600 lines, beyond the house's 500, because layout, growth, eviction, records and lookups all work
     * on the same arrays and invariants; split up, each part would reach into the others' internals.
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
    /** Blocks whose slots {@link #putChain} reads ahead at a time: 64 x 3 cache lines stay in a core's L1. */
    static final int WARM_BLOCKS = 64;
    /** Chains putChain remembers as recently recorded, 2^MEMO_BITS: 4,096 (64 KB), 40 for each of 100 endpoints. */
    static final int MEMO_BITS = 12;
    /** Added to an endpoint's placement count when it is trimmed, so no chain remembered before counts as recent. */
    static final long FORGET = 1L << 40;
    /**
     * Bytes counted for the per-endpoint arrays (list head, tail and size; placement counts), the recent chains and
     * object headers.
     */
    static final long FIXED_BYTES = (3L * Integer.BYTES + Long.BYTES) * (MAX_ID + 1)
            + 2L * Long.BYTES * (1 << MEMO_BITS) + 4096;

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
    /** Per endpoint, entries placed at its list's tail so far (inserted or moved): ages for putChain. */
    private final long[] placed = new long[MAX_ID + 1];
    /** Chains recently recorded whole, by their last block's key, direct-mapped; and placed[id] just after. */
    private final long[] recentChain = new long[1 << MEMO_BITS];
    private final long[] recentAt = new long[1 << MEMO_BITS];
    private long entries;
    private long dropped;
    private long peakBytes;
    /** What {@link #warm} read, summed (its only use is to be kept). */
    private long warmed;

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
     * Sets {@code counts[id]} to how many leading blocks of {@code hashes} endpoint {@code id} holds, for every id
     * below {@code counts.length} (which come in as 0), reading the holders at a few block positions only: exact when
     * each endpoint's holding of the chain is prefix-closed, see the class comment. Any thread.
     */
    void matches(long[] hashes, int[] counts) {
        if (hashes.length == 0) {
            return;
        }
        int[] members = new int[counts.length];
        int m = 0;
        for (int id = 1; id < counts.length; id++) {
            if (holds(hashes[0], id)) {
                counts[id] = 1;
                members[m++] = id;
            }
        }
        refine(hashes, counts, members, 0, m, 0, hashes.length, true);
    }

    /**
     * The ids {@code members[from, to)} hold block lo and, as far as is known, not block hi (or hi is past the
     * prompt); finds where each one's run stops in between, bisecting over block positions, each probe asking only
     * the ids still in that interval (so each id is asked at most log2(blocks) + 2 times). The first probe of a
     * prompt ({@code last}) reads its last block: when every holder holds all of it, that ends the lookup.
     */
    private void refine(long[] hashes, int[] counts, int[] members, int from, int to, int lo, int hi, boolean last) {
        if (from == to || hi - lo < 2) {
            return; // the members' count, lo + 1, is final
        }
        int at = last ? hi - 1 : (lo + hi) >>> 1;
        long hash = hashes[at];
        int split = to; // members[split, to) hold block at
        for (int i = from; i < split; ) {
            int id = members[i];
            if (holds(hash, id)) {
                counts[id] = at + 1;
                members[i] = members[--split];
                members[split] = id;
            } else {
                i++;
            }
        }
        refine(hashes, counts, members, from, split, lo, at, false);
        refine(hashes, counts, members, split, to, at, hi, false);
    }

    /** Whether endpoint {@code id} holds {@code hash}, read without a lock (see Concurrency). */
    boolean holds(long hash, int id) {
        long key = (hash & TAG_MASK) | id;
        long p = scramble(key);
        long[] keys = published.get(segment(p)).keys;
        int n = keys.length;
        for (int i = home(p, n), read = 0; read < n; read++) {
            long k = (long) KEY.getOpaque(keys, i);
            if (k == key) {
                return true;
            }
            if (k == 0) {
                return false;
            }
            i = i + 1 == n ? 0 : i + 1;
        }
        return false;
    }

    /**
     * Records that endpoint {@code id} holds every block of a prompt's chain, {@code put} for each from the last to
     * the first: block 0 becomes the most recently used and the tail the least, so the endpoint's LRU forgets a
     * chain from its end, as vLLM does (see the class comment), and what it holds of a chain stays prefix-closed.
     * A chain this endpoint was sent whole among its last {@code limit / 2} placements is left where it is (see
     * Records in the class comment).
     */
    void putChain(int id, long[] hashes, int limit) {
        int n = hashes.length;
        if (n == 0) {
            return;
        }
        long tip = (hashes[n - 1] & TAG_MASK) | id;
        int memo = (int) (scramble(tip) >>> (64 - MEMO_BITS));
        if (recentChain[memo] == tip && placed[id] - recentAt[memo] + n <= limit / 2) {
            return; // every block is held and among the newest half: moving them changes no eviction soon
        }
        long droppedBefore = dropped;
        for (int to = n; to > 0; to -= WARM_BLOCKS) {
            int from = Math.max(0, to - WARM_BLOCKS);
            warm(id, hashes, from, to);
            if (!moveRun(id, hashes, from, to)) {
                for (int b = to - 1; b >= from; b--) {
                    put(id, hashes[b], limit);
                }
            }
        }
        if (dropped == droppedBefore && n <= limit) {
            recentChain[memo] = tip;
            recentAt[memo] = placed[id];
        }
    }

    /**
     * If endpoint {@code id} holds blocks [from, to) as one stretch of its list, block to - 1 the oldest and block
     * from the newest, as the last record of this chain left them, moves the stretch to the tail whole: a relink
     * for the stretch instead of one per block. Following prev links from block from and checking each key is
     * cheap after {@link #warm}: an entry mostly sits in its home slot. Returns false, changing nothing, otherwise.
     */
    private boolean moveRun(int id, long[] hashes, int from, int to) {
        long key = (hashes[from] & TAG_MASK) | id;
        long p = scramble(key);
        int seg = segment(p);
        int at = find(segments[seg], key, p);
        if (at == NONE) {
            return false;
        }
        int newest = link(seg, at);
        int oldest = newest;
        for (int b = from + 1; b < to; b++) {
            int older = prev(oldest);
            if (older == NONE || keyAt(older) != ((hashes[b] & TAG_MASK) | id)) {
                return false;
            }
            oldest = older;
        }
        placed[id] += to - from;
        if (tail[id] == newest) {
            return true;
        }
        int before = prev(oldest);
        int after = next(newest); // not NONE: newest is not the tail
        if (before == NONE) {
            head[id] = after;
        } else {
            setNext(before, after);
        }
        setPrev(after, before);
        setNext(tail[id], oldest);
        setPrev(oldest, tail[id]);
        setNext(newest, NONE);
        tail[id] = newest;
        return true;
    }

    private long keyAt(int l) {
        return segments[l >>> SLOT_BITS].keys[l & SLOT_MASK];
    }

    /**
     * Reads the home slots of blocks [from, to) for {@code put}: without a branch on what is read, so the loads do
     * not wait for one another and their cache misses overlap (a probe loop ending on a loaded key would stall on
     * each miss); put's own finds and relinks, each depending on the one before, then mostly hit the cache.
     */
    private void warm(int id, long[] hashes, int from, int to) {
        long sum = 0;
        for (int b = from; b < to; b++) {
            long key = (hashes[b] & TAG_MASK) | id;
            long p = scramble(key);
            Slots s = segments[segment(p)];
            int at = home(p, s.keys.length);
            sum += s.keys[at] + s.prev[at] + s.next[at];
        }
        warmed += sum; // kept, or the reads would be dropped as unused
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
            placed[id]++;
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
        placed[id]++;
        linkTail(id, link(seg, i));
    }

    /** Evicts endpoint {@code id}'s least recently used blocks until it holds at most {@code limit}. */
    void trim(int id, int limit) {
        if (size[id] > Math.max(0, limit)) {
            placed[id] += FORGET; // a remembered chain may lose blocks here: none counts as recent any more
        }
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

    /** Spreads a key's bits, hash and id, with the table's seed: each (block, endpoint) entry has a home of its own. */
    private long scramble(long key) {
        return (key ^ seed) * 0x9E3779B97F4A7C15L;
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
