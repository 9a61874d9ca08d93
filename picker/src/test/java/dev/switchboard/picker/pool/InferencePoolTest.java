package dev.switchboard.picker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.InferenceObjective;
import dev.switchboard.core.config.ModelRewrites;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.config.EndpointPickerConfig;
import dev.switchboard.picker.config.EndpointPickerConfigLoader;
import dev.switchboard.picker.flowcontrol.FlowControlConfig;
import dev.switchboard.picker.flowcontrol.FlowController;
import dev.switchboard.picker.flowcontrol.Rejection;
import dev.switchboard.picker.flowcontrol.UtilizationDetector;
import dev.switchboard.picker.scheduling.EndpointState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pool on its own: members, the data layer, admission, flow control, picking and leases, on a fake clock. */
class InferencePoolTest {
    static final String A = "10.0.0.1:8000";
    static final String B = "10.0.0.2:8000";
    static final String C = "10.0.0.3:8000";

    final FakePoolEnvironment fake = new FakePoolEnvironment();

    static PoolConfig.Member member(String address) {
        String[] hp = address.split(":");
        return new PoolConfig.Member(hp[0], Integer.parseInt(hp[1]), Map.of());
    }

    static PoolConfig config(List<String> addresses, List<InferenceObjective> objectives, ModelRewrites rewrites) {
        return new PoolConfig("chat", Map.of(), List.of(), addresses.stream().map(InferencePoolTest::member).toList(),
                List.of(), rewrites, objectives, null);
    }

    static PoolConfig config(String... addresses) {
        return config(List.of(addresses), List.of(new InferenceObjective("batch", -1, "chat"),
                new InferenceObjective("interactive", 10, "chat")), ModelRewrites.NONE);
    }

    static EndpointPickerConfig flowControlled(Duration ttl) {
        return new EndpointPickerConfig(EndpointPickerConfigLoader.defaults(), UtilizationDetector.defaults(),
                new FlowControlConfig(0, 0, ttl, Map.of(), FlowControlConfig.Band.DEFAULT, null));
    }

    InferencePool pool(PoolConfig config) {
        return new InferencePool(config, EndpointPickerConfigLoader.defaultConfig(), fake.env());
    }

    static RequestSpec spec(String model, String objective) {
        return new RequestSpec(model, null, objective, null, "{\"role\":\"user\",\"content\":\"hi\"}", 8, Map.of(),
                100, null);
    }

    static RequestSpec subset(Set<String> addresses) {
        return new RequestSpec("m", null, null, null, "hi", 1, Map.of(), 10, addresses);
    }

    static List<String> addresses(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::address).toList();
    }

    @Test
    void picksTheEndpointWithTheShorterQueueAndLessKvCacheAndListsTheOthersAsFallbacks() {
        InferencePool pool = pool(config(A, B, C));
        fake.vllm(A, 4, 2, 0.7);
        fake.vllm(B, 0, 2, 0.2);
        fake.vllm(C, 3, 2, 0.6);

        Decision d = pool.request(spec("m", null)).pick();

        assertThat(d.rejected()).isFalse();
        assertThat(addresses(d.picked())).containsExactly(B);
        assertThat(addresses(d.fallbacks())).containsExactly(A, C);
    }

    @Test
    void picksTheEndpointThatHasTheRequestedAdapterLoaded() {
        InferencePool pool = pool(config(A, B));
        fake.vllmWithAdapters(A, "other-adapter");
        fake.vllmWithAdapters(B, "sql-lora");

        assertThat(addresses(pool.request(spec("sql-lora", null)).pick().picked())).containsExactly(B);
    }

    @Test
    void metricsOlderThanTheStalenessLimitCountAsUnknownLoad() {
        InferencePool pool = pool(config(A));
        fake.vllm(A, 0, 0, 0.1);
        assertThat(pool.states()).allMatch(EndpointState::fresh);
        assertThat(pool.saturation()).isLessThan(1.0);

        fake.advance(InferencePool.STALE_NANOS);

        assertThat(pool.states()).noneMatch(EndpointState::fresh);
        assertThat(pool.saturation()).as("blind is saturated").isEqualTo(1.0);
    }

    @Test
    void aPageWithoutLoadGaugesLeavesTheLastMetricsToAge() {
        InferencePool pool = pool(config(A));
        fake.vllm(A, 2, 1, 0.3);
        fake.advanceMillis(150);
        fake.page(A, "# an engine that reports nothing we read\nsome_other_metric 1\n");
        fake.advanceMillis(60);
        assertThat(pool.states().get(0).fresh()).isFalse();
    }

    @Test
    void aLeaseCountsItsAttemptUntilClosedOnceEvenAfterTheEndpointLeft() {
        InferencePool pool = pool(config(A, B));
        PoolRequest r = pool.request(spec("m", null));
        Endpoint a = pool.endpoint(A);
        r.pick();
        Lease lease = r.started(a);
        assertThat(pool.states().get(0).inFlightRequests()).isEqualTo(1);
        assertThat(pool.states().get(0).prefillRequests()).isEqualTo(1);

        lease.firstToken();
        assertThat(pool.states().get(0).prefillRequests()).isZero();
        assertThat(pool.states().get(0).inFlightRequests()).isEqualTo(1);

        pool.members(List.of(member(B))); // A leaves while the attempt runs
        assertThat(fake.stopped(A)).as("a gone endpoint is no longer polled").isTrue();
        lease.close();
        lease.close();
        assertThat(r.started(a)).as("no lease on an endpoint that left").isNull();

        pool.members(List.of(member(A), member(B))); // A back: a fresh slot, nothing owed
        assertThat(pool.states().get(0).inFlightRequests()).isZero();
    }

    @Test
    void anEmptyPoolAnswers503AndSaysSo() {
        InferencePool pool = pool(config());
        Decision d = pool.request(spec("m", null)).pick();
        assertThat(d.rejection()).isEqualTo(Rejection.NO_ENDPOINTS);
        assertThat(d.rejection().status()).isEqualTo(503);
        assertThat(d.message()).contains("InferencePool 'chat' has no endpoints");
    }

    @Test
    void theSubsetHintBoundsThePick() {
        InferencePool pool = pool(config(A, B, C));
        fake.vllm(A, 0, 0, 0.0); // the best, but outside the subset
        fake.vllm(B, 3, 0, 0.5);
        fake.vllm(C, 1, 0, 0.2);

        Decision honoured = pool.request(subset(Set.of(B, C))).pick();
        assertThat(addresses(honoured.picked())).containsExactly(C);
        assertThat(addresses(honoured.fallbacks())).containsExactly(B);

        Decision partly = pool.request(subset(Set.of(B, "10.9.9.9:8000"))).pick();
        assertThat(addresses(partly.picked())).containsExactly(B);
        assertThat(partly.fallbacks()).isEmpty();

        Decision none = pool.request(subset(Set.of("10.9.9.9:8000"))).pick();
        assertThat(none.rejection()).isEqualTo(Rejection.NO_ENDPOINTS);
        assertThat(none.rejection().status()).isEqualTo(503);
        assertThat(pool.request(subset(Set.of())).pick().rejection()).as("an empty hint").isEqualTo(Rejection.NO_ENDPOINTS);
    }

    @Test
    void aSheddableRequestIsDroppedOnlyWhileThePoolIsSaturated() {
        InferencePool pool = pool(config(A));
        fake.vllm(A, 0, 1, 0.2);
        assertThat(pool.request(spec("m", "batch")).pick().rejected()).as("not saturated").isFalse();

        fake.vllm(A, 9, 4, 0.95);
        Decision shed = pool.request(spec("m", "batch")).pick();
        assertThat(shed.rejection()).isEqualTo(Rejection.SATURATED);
        assertThat(shed.rejection().status()).isEqualTo(429);
        assertThat(shed.message()).contains("objective 'batch' has priority -1");
        assertThat(pool.request(spec("m", null)).pick().rejected()).as("priority 0 is never shed").isFalse();
        assertThat(pool.request(spec("m", "interactive")).priority()).isEqualTo(10);
    }

    @Test
    void flowControlQueuesWhileSaturatedDispatchesWhenCapacityFreesAndExpiresPastTheTtl() {
        InferencePool pool = new InferencePool(config(A), flowControlled(Duration.ofSeconds(2)), fake.env());
        fake.vllm(A, 9, 4, 0.95);
        List<String> outcomes = new ArrayList<>();
        PoolRequest first = pool.request(spec("m", "interactive"));
        PoolRequest second = pool.request(spec("m", null));
        first.queue(listener(outcomes, "first"));
        fake.advanceMillis(500);
        second.queue(listener(outcomes, "second"));
        assertThat(pool.queued()).isEqualTo(2);
        assertThat(outcomes).isEmpty();

        fake.vllm(A, 0, 1, 0.1); // capacity came back: the next tick dispatches one, highest priority first
        fake.advance(FlowController.TICK_NANOS);
        assertThat(outcomes).containsExactly("first dispatched");

        fake.vllm(A, 9, 4, 0.95); // saturated again before the second's turn
        fake.advanceMillis(2100); // past the second's TTL: queued at 500 ms, now 2,605 ms
        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(1)).startsWith("second rejected TTL_EXPIRED")
                .contains("waited 2000 ms (defaultRequestTTL) in InferencePool 'chat'");
        assertThat(pool.queued()).isZero();
        assertThat(first.pick().rejected()).as("a dispatched request picks without being shed").isFalse();
    }

    @Test
    void aCancelledWaitIsNeverDispatched() {
        InferencePool pool = new InferencePool(config(A), flowControlled(Duration.ZERO), fake.env());
        fake.vllm(A, 9, 4, 0.95);
        List<String> outcomes = new ArrayList<>();
        PoolRequest r = pool.request(spec("m", null));
        r.queue(listener(outcomes, "r"));
        r.cancel();
        fake.vllm(A, 0, 0, 0.1);
        fake.advanceMillis(100);
        assertThat(outcomes).isEmpty();
        assertThat(pool.queued()).isZero();
    }

    @Test
    void aReloadWithAnotherPickerKeepsThePoolAndMovesTheQueueAndRemovingThePoolTurnsItAway() throws ConfigException {
        InferencePools pools = new InferencePools(fake.env());
        pools.apply(List.of(config(A)));
        InferencePool pool = pools.get("chat");
        pool.reconfigure(config(A), flowControlled(Duration.ZERO));
        fake.vllm(A, 9, 4, 0.95);
        List<String> outcomes = new ArrayList<>();
        pool.request(spec("m", null)).queue(listener(outcomes, "waiting"));

        pool.reconfigure(config(A), flowControlled(Duration.ofSeconds(30)));
        assertThat(pool.queued()).as("moved into the new queue").isEqualTo(1);
        assertThat(outcomes).isEmpty();

        pools.apply(List.of());
        assertThat(outcomes).containsExactly("waiting rejected NO_ENDPOINTS InferencePool 'chat' has no endpoints to"
                + " serve the request.");
        assertThat(fake.stopped(A)).isTrue();
        assertThat(pools.get("chat")).isNull();
    }

    @Test
    void poolsKeepTheirObjectAndWhatTheyLearnedAcrossReloadsThatKeepThem() throws ConfigException {
        InferencePools pools = new InferencePools(fake.env());
        pools.apply(List.of(config(A, B)));
        InferencePool pool = pools.get("chat");
        EndpointPickerConfig picker = pool.picker();
        fake.vllm(A, 1, 1, 0.3);
        PoolRequest before = pool.request(spec("food-review", "batch"));

        ModelRewrites split = new ModelRewrites(List.of(new ModelRewrites.Rule(List.of("food-review"),
                List.of(new ModelRewrites.Target("food-review-v2", 1)), "r0")));
        pools.apply(List.of(config(List.of(A, C), List.of(), split)));

        assertThat(pools.get("chat")).isSameAs(pool);
        assertThat(pool.picker()).as("the same endpointPickerRef: the profile and its prefix index stay").isSameAs(picker);
        assertThat(pool.states()).extracting(s -> s.endpoint().address()).containsExactly(A, C);
        assertThat(pool.states().get(0).fresh()).as("A kept its metrics").isTrue();
        assertThat(fake.polled(C)).isTrue();
        assertThat(fake.stopped(B)).isTrue();
        assertThat(before.priority()).as("a request keeps the configuration it arrived under").isEqualTo(-1);
        assertThat(before.model()).isEqualTo("food-review");
        PoolRequest after = pool.request(spec("food-review", "batch"));
        assertThat(after.priority()).isZero();
        assertThat(after.model()).isEqualTo("food-review-v2");
        pools.close();
        assertThat(fake.stopped(A)).isTrue();
    }

    @Test
    void anInvalidPickerConfigurationChangesNothing() throws Exception {
        InferencePools pools = new InferencePools(fake.env());
        pools.apply(List.of(config(A)));
        InferencePool pool = pools.get("chat");
        var bad = dev.switchboard.core.config.ConfigLoader.parse("""
                apiVersion: inference.networking.x-k8s.io/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: broken}
                plugins: [{type: no-such-plugin}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: chat}
                spec:
                  selector: {matchLabels: {app: x}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {name: broken}
                """, "bad.yaml").pools();

        assertThatThrownBy(() -> pools.apply(bad)).isInstanceOf(ConfigException.class).hasMessageContaining("no-such-plugin");
        assertThat(pools.get("chat")).isSameAs(pool);
        assertThat(pool.endpoints()).extracting(Endpoint::address).containsExactly(A);
        assertThat(fake.polled(A)).isTrue();
    }

    @Test
    void theRewriteHeaderWinsOverThePoolsRules() {
        ModelRewrites split = new ModelRewrites(List.of(new ModelRewrites.Rule(List.of("food-review"),
                List.of(new ModelRewrites.Target("food-review-v1", 1)), "r0")));
        InferencePool pool = pool(config(List.of(A), List.of(), split));
        assertThat(pool.request(spec("food-review", null)).model()).isEqualTo("food-review-v1");
        assertThat(pool.request(new RequestSpec("food-review", "food-review-v9", null, null, "", 0, Map.of(), 0, null))
                .model()).isEqualTo("food-review-v9");
    }

    static PoolRequest.Listener listener(List<String> outcomes, String name) {
        return new PoolRequest.Listener() {
            @Override
            public void dispatched() {
                outcomes.add(name + " dispatched");
            }

            @Override
            public void rejected(Rejection why, String message) {
                outcomes.add(name + " rejected " + why + " " + message);
            }
        };
    }
}
