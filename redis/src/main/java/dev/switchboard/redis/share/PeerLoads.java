package dev.switchboard.redis.share;

import dev.switchboard.picker.pool.EndpointLoad;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The other replicas' requests in flight, as each last told, summed per pool and endpoint; a replica that has
 * been silent for {@code expiryNanos} (it crashed, or lost Redis) counts for nothing any more.
 */
final class PeerLoads {
    /*
     * Each message carries its sender's whole snapshot, so a peer's entry is replaced, never added to: a lost or
     * duplicated message cannot leave a count behind. Sums are recomputed from the peers on each change (peers x
     * endpoints additions: a few hundred), not kept incrementally, so expiry is one removal.
     * Concurrency: confined to the sharing's own thread. Time is a monotonic clock passed in, in nanoseconds.
     */

    private record Peer(long sequence, long heardAt, Map<String, Map<String, EndpointLoad>> pools) {}

    private final long self;
    private final long expiryNanos;
    private final Map<Long, Peer> peers = new HashMap<>();

    /**
     * @param self        this replica's id: its own messages are ignored
     * @param expiryNanos silence after which a peer's counts are dropped
     */
    PeerLoads(long self, long expiryNanos) {
        this.self = self;
        this.expiryNanos = expiryNanos;
    }

    /**
     * Takes {@code m}'s snapshot as its sender's counts, heard at {@code now}. False when the message is this
     * replica's own, or older than the last one heard from its sender (nothing changed then).
     */
    boolean accept(StateMessage m, long now) {
        if (m.replica() == self) {
            return false;
        }
        Peer known = peers.get(m.replica());
        if (known != null && m.sequence() <= known.sequence()) {
            return false;
        }
        Map<String, Map<String, EndpointLoad>> pools = new HashMap<>();
        for (StateMessage.PoolLoad p : m.loads()) {
            Map<String, EndpointLoad> endpoints = new HashMap<>();
            for (EndpointLoad e : p.endpoints()) {
                endpoints.put(e.endpoint(), e);
            }
            pools.put(p.pool(), endpoints);
        }
        peers.put(m.replica(), new Peer(m.sequence(), now, pools));
        return true;
    }

    /** Drops the peers silent for longer than the expiry at {@code now}; true when one was dropped. */
    boolean expire(long now) {
        boolean dropped = false;
        for (Iterator<Peer> it = peers.values().iterator(); it.hasNext(); ) {
            if (now - it.next().heardAt() > expiryNanos) {
                it.remove();
                dropped = true;
            }
        }
        return dropped;
    }

    /** Forgets every peer (this replica lost the channel: what they said can no longer be kept fresh). */
    void clear() {
        peers.clear();
    }

    /** The peers heard from within the expiry. */
    int size() {
        return peers.size();
    }

    /** The pools some peer reports counts for. */
    Set<String> pools() {
        Set<String> out = new HashSet<>();
        for (Peer p : peers.values()) {
            out.addAll(p.pools().keySet());
        }
        return out;
    }

    /** Every peer's requests at each endpoint of {@code pool}, summed; idle endpoints left out. */
    Map<String, EndpointLoad> sum(String pool) {
        Map<String, EndpointLoad> out = new HashMap<>();
        for (Peer p : peers.values()) {
            Map<String, EndpointLoad> endpoints = p.pools().get(pool);
            if (endpoints == null) {
                continue;
            }
            for (EndpointLoad e : endpoints.values()) {
                if (!e.idle()) {
                    out.merge(e.endpoint(), e, EndpointLoad::plus);
                }
            }
        }
        return out;
    }
}
