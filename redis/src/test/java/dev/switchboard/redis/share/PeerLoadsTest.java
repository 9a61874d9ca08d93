package dev.switchboard.redis.share;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.picker.pool.EndpointLoad;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Peers' counts on a clock the test moves: summing, replacing, ignoring one's own and stale ones, expiry. */
class PeerLoadsTest {
    static final long SELF = 1;
    static final long EXPIRY = 350;
    static final String E1 = "10.0.0.1:8000";
    static final String E2 = "10.0.0.2:8000";

    final PeerLoads peers = new PeerLoads(SELF, EXPIRY);

    static StateMessage from(long replica, long seq, EndpointLoad... loads) {
        return new StateMessage(replica, seq, 0, List.of(new StateMessage.PoolLoad("chat", List.of(loads))), List.of());
    }

    @Test
    void sumsEachEndpointOverPeersAndReplacesAPeersSnapshotWhole() {
        assertThat(peers.accept(from(2, 1, new EndpointLoad(E1, 2, 200, 1, 100)), 0)).isTrue();
        assertThat(peers.accept(from(3, 1, new EndpointLoad(E1, 1, 50, 0, 0), new EndpointLoad(E2, 4, 4, 4, 4)), 0))
                .isTrue();

        assertThat(peers.sum("chat")).containsEntry(E1, new EndpointLoad(E1, 3, 250, 1, 100))
                .containsEntry(E2, new EndpointLoad(E2, 4, 4, 4, 4));

        peers.accept(from(3, 2, new EndpointLoad(E1, 1, 50, 0, 0)), 10); // E2's requests there ended
        assertThat(peers.sum("chat")).doesNotContainKey(E2);
        assertThat(peers.sum("other")).isEmpty();
        assertThat(peers.size()).isEqualTo(2);
    }

    @Test
    void ownAndOlderMessagesChangeNothing() {
        peers.accept(from(2, 5, new EndpointLoad(E1, 2, 2, 2, 2)), 0);

        assertThat(peers.accept(from(SELF, 9, new EndpointLoad(E1, 7, 7, 7, 7)), 0)).isFalse();
        assertThat(peers.accept(from(2, 4, new EndpointLoad(E1, 9, 9, 9, 9)), 0)).isFalse();
        assertThat(peers.accept(from(2, 5, new EndpointLoad(E1, 9, 9, 9, 9)), 0)).isFalse();

        assertThat(peers.sum("chat").get(E1).inFlight()).isEqualTo(2);
    }

    @Test
    void aPeerSilentPastTheExpiryStopsCountingAndOneThatSpeaksStays() {
        peers.accept(from(2, 1, new EndpointLoad(E1, 2, 2, 2, 2)), 0);
        peers.accept(from(3, 1, new EndpointLoad(E1, 5, 5, 5, 5)), 0);

        assertThat(peers.expire(EXPIRY)).isFalse(); // exactly at the bound: still alive
        peers.accept(from(3, 2, new EndpointLoad(E1, 5, 5, 5, 5)), 300); // 3 keeps beating, 2 has crashed

        assertThat(peers.expire(EXPIRY + 1)).isTrue();
        assertThat(peers.sum("chat").get(E1).inFlight()).isEqualTo(5);
        assertThat(peers.size()).isEqualTo(1);
        assertThat(peers.expire(300 + EXPIRY + 1)).isTrue();
        assertThat(peers.sum("chat")).isEmpty();
        assertThat(peers.size()).isZero();
    }
}
