package dev.switchboard.picker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.picker.config.EndpointPickerConfigLoader;
import dev.switchboard.picker.scheduling.EndpointState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The picker's half of sharing state between replicas: what a pick hands to the SharedPoolState, and how what
 * peers said (blocks, in-flight counts) changes the next pick. Two pools stand for two replicas; the test carries
 * the messages between them by hand.
 */
class SharedPoolStateTest {
    static final String A = "10.0.0.1:8000";
    static final String B = "10.0.0.2:8000";
    static final String C = "10.0.0.3:8000";

    /** A SharedPoolState that keeps what it is told, for the test to hand on. */
    static final class RecordingSharing implements SharedPoolState {
        record Sent(String pool, String learner, String endpoint, long[] hashes) {}

        final List<Sent> sent = new ArrayList<>();

        @Override
        public void start(InferencePools pools) {}

        @Override
        public void blocksSent(String pool, String learner, String endpoint, long[] hashes) {
            sent.add(new Sent(pool, learner, endpoint, hashes));
        }

        @Override
        public Stats stats() {
            return null;
        }

        @Override
        public void close() {}
    }

    final FakePoolEnvironment fake = new FakePoolEnvironment();
    final RecordingSharing first = new RecordingSharing();

    InferencePool replica(SharedPoolState sharing) {
        return new InferencePool(InferencePoolTest.config(A, B, C), EndpointPickerConfigLoader.defaultConfig(),
                fake.env().withSharing(sharing));
    }

    static RequestSpec prompt(String text) {
        return new RequestSpec("m", null, null, null, text, text.length() / 4, Map.of(), text.length(), null);
    }

    static String longPrompt(int n) {
        return ("system prompt " + n + " ").repeat(200);
    }

    @Test
    void aPickTellsTheSharingWhichBlocksWentWhere() {
        InferencePool pool = replica(first);

        Decision d = pool.request(prompt(longPrompt(1))).pick();

        // one record per plugin that learns prefixes (the default profile's affinity filter and scorer)
        assertThat(first.sent).isNotEmpty().allSatisfy(s -> {
            assertThat(s.pool()).isEqualTo("chat");
            assertThat(s.endpoint()).isEqualTo(d.picked().get(0).address());
            assertThat(s.hashes()).hasSizeGreaterThan(10);
            assertThat(pool.picker().profile().learner(s.learner())).isNotNull();
        });
        assertThat(first.sent.stream().map(RecordingSharing.Sent::learner).distinct()).hasSameSizeAs(first.sent);
    }

    @Test
    void aReplicaRoutesAPrefixWhereAPeerSentItWhenTold() {
        InferencePool one = replica(first);
        InferencePool two = replica(SharedPoolState.NONE);
        int same = 0;
        for (int i = 0; i < 30; i++) {
            String p = longPrompt(i);
            first.sent.clear();
            String warmed = one.request(prompt(p)).pick().picked().get(0).address();
            for (RecordingSharing.Sent s : first.sent) {
                two.learnBlocks(s.learner(), s.endpoint(), s.hashes());
            }

            if (two.request(prompt(p)).pick().picked().get(0).address().equals(warmed)) {
                same++;
            }
        }
        // every prompt is new to the pool, so replica one spreads them; replica two must follow each one
        assertThat(same).isEqualTo(30);
    }

    @Test
    void blocksForAnUnknownEndpointOrPluginAreIgnored() {
        InferencePool one = replica(first);
        one.request(prompt(longPrompt(1))).pick();
        RecordingSharing.Sent s = first.sent.get(0);
        InferencePool two = replica(first);

        two.learnBlocks("no-such-plugin", s.endpoint(), s.hashes());
        two.learnBlocks(s.learner(), "10.9.9.9:8000", s.hashes());

        first.sent.clear();
        String picked = two.request(prompt(longPrompt(1))).pick().picked().get(0).address();
        // nothing was learned: the picks spread (a learned prefix would pull all ten to one endpoint)
        Map<String, Integer> spread = new HashMap<>();
        spread.merge(picked, 1, Integer::sum);
        for (int i = 0; i < 9; i++) {
            spread.merge(two.request(prompt(longPrompt(100 + i))).pick().picked().get(0).address(), 1, Integer::sum);
        }
        assertThat(spread.size()).isGreaterThan(1);
    }

    @Test
    void peersInFlightCountsAddToTheLocalOnesTheScorersRead() {
        InferencePool pool = replica(first);
        Endpoint a = pool.endpoint(A);
        Lease lease = pool.request(InferencePoolTest.spec("m", null)).started(a); // 8 tokens, never picked: all uncached

        pool.remoteLoad(Map.of(A, new EndpointLoad(A, 3, 300, 2, 200), "10.9.9.9:8000",
                new EndpointLoad("10.9.9.9:8000", 9, 9, 9, 9)));

        EndpointState at = state(pool, A);
        assertThat(at.inFlightRequests()).isEqualTo(4);
        assertThat(at.prefillRequests()).isEqualTo(3);
        assertThat(at.inFlightTokens()).isEqualTo(300 + 8);
        assertThat(at.prefillTokens()).isEqualTo(200 + 8);
        assertThat(pool.localLoad()).contains(new EndpointLoad(A, 1, 8, 1, 8), EndpointLoad.none(B));

        pool.remoteLoad(Map.of());
        lease.close();
        assertThat(state(pool, A).inFlightRequests()).isZero();
    }

    @Test
    void peersLoadSteersPicksAwayFromABusyEndpoint() {
        InferencePool pool = replica(first);
        pool.remoteLoad(Map.of(A, new EndpointLoad(A, 20, 20_000, 20, 20_000),
                B, new EndpointLoad(B, 20, 20_000, 20, 20_000)));

        for (int i = 0; i < 10; i++) {
            assertThat(pool.request(prompt(longPrompt(i))).pick().picked().get(0).address()).isEqualTo(C);
        }
    }

    static EndpointState state(InferencePool pool, String address) {
        return pool.states().stream().filter(s -> s.endpoint().address().equals(address)).findFirst().orElseThrow();
    }
}
