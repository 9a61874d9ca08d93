package dev.switchboard.picker.flowcontrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.TypedName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowControllerTest {
    /** A detector whose answer the test sets. */
    static final class FakeDetector implements SaturationDetector {
        double saturation = 2.0;

        @Override
        public double saturation(List<EndpointState> endpoints) {
            return saturation;
        }

        @Override
        public TypedName typedName() {
            return TypedName.of("fake-detector");
        }
    }

    final FakeDetector detector = new FakeDetector();
    final List<Runnable> scheduled = new ArrayList<>();
    long now;
    List<EndpointState> endpoints = List.of(UtilizationDetectorTest.endpoint(0, 0, 0));
    /** Outcomes in the order they happened: "id" for a dispatch, "id:reason" for a rejection. */
    final List<String> outcomes = new ArrayList<>();

    FlowController controller(FlowControlConfig config) {
        return new FlowController(config, detector, () -> endpoints, (task, delay) -> scheduled.add(task), () -> now);
    }

    FlowController.Listener listener(String id) {
        return new FlowController.Listener() {
            @Override
            public void dispatched() {
                outcomes.add(id);
            }

            @Override
            public void rejected(Rejection why) {
                outcomes.add(id + ":" + why.reason);
            }
        };
    }

    /** Runs the ticks scheduled so far (each re-arms itself while anything is queued). */
    void tick() {
        List<Runnable> due = new ArrayList<>(scheduled);
        scheduled.clear();
        due.forEach(Runnable::run);
    }

    static FlowControlConfig config(FlowControlConfig.Fairness fairness) {
        return new FlowControlConfig(0, 0, Duration.ofSeconds(60), Map.of(),
                new FlowControlConfig.Band(1_000_000, 100, fairness), null);
    }

    @Test
    void withNothingQueuedAndThePoolBelowSaturationARequestGoesAtOnce() {
        detector.saturation = 0.5;
        FlowController fc = controller(FlowControlConfig.defaults());
        fc.submit(0, "default-flow", 100, listener("a"));
        assertThat(outcomes).containsExactly("a");
        assertThat(fc.queued()).isZero();
        assertThat(scheduled).as("no tick without a queue").isEmpty();
    }

    @Test
    void aSaturatedPoolQueuesAndTheTickDispatchesOneAtATimeOnceItFreesUp() {
        FlowController fc = controller(FlowControlConfig.defaults());
        fc.submit(0, "f", 1, listener("a"));
        fc.submit(0, "f", 1, listener("b"));
        assertThat(outcomes).isEmpty();
        assertThat(fc.queued()).isEqualTo(2);
        tick();
        assertThat(outcomes).as("still saturated").isEmpty();
        detector.saturation = 0.9;
        tick();
        assertThat(outcomes).containsExactly("a");
        tick();
        assertThat(outcomes).containsExactly("a", "b");
        assertThat(fc.queued()).isZero();
        tick();
        assertThat(scheduled).as("ticking stops with the queue empty").isEmpty();
    }

    @Test
    void higherPriorityBandsGoFirstAndFlowsWithinABandTakeTurnsEachFirstComeFirstServed() {
        FlowController fc = controller(config(FlowControlConfig.Fairness.ROUND_ROBIN));
        fc.submit(-1, "batch", 1, listener("shed1"));
        fc.submit(0, "A", 1, listener("a1"));
        fc.submit(0, "A", 1, listener("a2"));
        fc.submit(0, "A", 1, listener("a3"));
        fc.submit(0, "B", 1, listener("b1"));
        fc.submit(5, "vip", 1, listener("vip1"));
        fc.submit(0, "C", 1, listener("c1"));
        fc.submit(0, "C", 1, listener("c2"));
        detector.saturation = 0;
        for (int i = 0; i < 8; i++) {
            fc.requestEnded();
        }
        assertThat(outcomes).containsExactly("vip1", "a1", "b1", "c1", "a2", "c2", "a3", "shed1");
    }

    @Test
    void globalStrictFairnessServesTheBandInArrivalOrder() {
        FlowController fc = controller(config(FlowControlConfig.Fairness.GLOBAL_STRICT));
        fc.submit(0, "A", 1, listener("a1"));
        fc.submit(0, "A", 1, listener("a2"));
        fc.submit(0, "B", 1, listener("b1"));
        fc.submit(0, "A", 1, listener("a3"));
        detector.saturation = 0;
        for (int i = 0; i < 4; i++) {
            fc.requestEnded();
        }
        assertThat(outcomes).containsExactly("a1", "a2", "b1", "a3");
    }

    @Test
    void aNewArrivalBehindAQueueWaitsItsTurnEvenWhenThePoolHasRoom() {
        FlowController fc = controller(FlowControlConfig.defaults());
        fc.submit(0, "f", 1, listener("old"));
        detector.saturation = 0.2;
        fc.submit(0, "f", 1, listener("new"));
        assertThat(outcomes).containsExactly("old");
        assertThat(fc.queued()).isEqualTo(1);
    }

    @Test
    void aRequestThatWaitedItsTtlIsRejected() {
        FlowController fc = controller(new FlowControlConfig(0, 0, Duration.ofSeconds(1), Map.of(),
                FlowControlConfig.Band.DEFAULT, null));
        fc.submit(0, "f", 1, listener("a"));
        fc.submit(3, "g", 1, listener("b"));
        now = 500_000_000L;
        fc.submit(0, "f", 1, listener("c"));
        now = 999_999_999L;
        tick();
        assertThat(outcomes).isEmpty();
        now = 1_000_000_000L;
        tick();
        assertThat(outcomes).containsExactlyInAnyOrder("a:rejected-ttl-expired", "b:rejected-ttl-expired");
        assertThat(fc.queued()).isEqualTo(1);
        now = 1_600_000_000L;
        tick();
        assertThat(outcomes).endsWith("c:rejected-ttl-expired");
        assertThat(fc.queued()).isZero();
    }

    @Test
    void aZeroTtlWaitsForever() {
        FlowController fc = controller(new FlowControlConfig(0, 0, Duration.ZERO, Map.of(), FlowControlConfig.Band.DEFAULT, null));
        fc.submit(0, "f", 1, listener("a"));
        now = Long.MAX_VALUE / 2;
        tick();
        assertThat(outcomes).isEmpty();
    }

    @Test
    void aFullBandOrAFullQueueRejectsAtOnceAndHasRoomAgainAfterADispatch() {
        var bandOfTwo = new FlowControlConfig.Band(1_000, 2, FlowControlConfig.Fairness.ROUND_ROBIN);
        FlowController fc = controller(new FlowControlConfig(250, 0, Duration.ofSeconds(60), Map.of(7, bandOfTwo),
                FlowControlConfig.Band.DEFAULT, null));
        fc.submit(7, "f", 10, listener("a"));
        fc.submit(7, "f", 10, listener("b"));
        fc.submit(7, "f", 10, listener("c"));
        assertThat(outcomes).containsExactly("c:rejected-saturated");
        fc.submit(0, "f", 200, listener("big"));
        fc.submit(0, "f", 31, listener("too-big")); // 10 + 10 + 200 + 31 > 250 queued bytes
        assertThat(outcomes).endsWith("too-big:rejected-saturated");
        detector.saturation = 0;
        fc.requestEnded();
        detector.saturation = 2;
        fc.submit(7, "f", 10, listener("d"));
        assertThat(outcomes).containsExactly("c:rejected-saturated", "too-big:rejected-saturated", "a");
        assertThat(fc.queued()).isEqualTo(3);
    }

    @Test
    void negativePrioritiesUseTheirOwnTemplateWhenGiven() {
        var tiny = new FlowControlConfig.Band(1_000, 1, FlowControlConfig.Fairness.ROUND_ROBIN);
        FlowController fc = controller(new FlowControlConfig(0, 0, Duration.ofSeconds(60), Map.of(),
                FlowControlConfig.Band.DEFAULT, tiny));
        fc.submit(-1, "f", 1, listener("a"));
        fc.submit(-1, "f", 1, listener("b"));
        fc.submit(-2, "f", 1, listener("c"));
        fc.submit(0, "f", 1, listener("d"));
        fc.submit(0, "f", 1, listener("e"));
        assertThat(outcomes).containsExactly("b:rejected-saturated");
    }

    @Test
    void aPoolWithoutEndpointsRejectsAtOnce() {
        endpoints = List.of();
        FlowController fc = controller(FlowControlConfig.defaults());
        fc.submit(0, "f", 1, listener("a"));
        assertThat(outcomes).containsExactly("a:rejected-no-endpoints");
        assertThat(fc.queued()).isZero();
    }

    @Test
    void aCancelledRequestLeavesTheQueueAndIsNeverDispatched() {
        FlowController fc = controller(FlowControlConfig.defaults());
        var a = fc.submit(0, "f", 1, listener("a"));
        var b = fc.submit(0, "f", 1, listener("b"));
        assertThat(a.cancel()).isTrue();
        assertThat(a.cancel()).isFalse();
        assertThat(fc.queued()).isEqualTo(1);
        detector.saturation = 0;
        tick();
        tick();
        assertThat(outcomes).containsExactly("b");
        assertThat(b.cancel()).as("already dispatched").isFalse();
    }

    @Test
    void closingRejectsWhatIsStillQueuedAndEveryLaterRequest() {
        FlowController fc = controller(FlowControlConfig.defaults());
        fc.submit(0, "f", 1, listener("a"));
        fc.submit(1, "f", 1, listener("b"));
        fc.close();
        assertThat(outcomes).containsExactly("b:rejected-no-endpoints", "a:rejected-no-endpoints");
        fc.submit(0, "f", 1, listener("late"));
        assertThat(outcomes).endsWith("late:rejected-no-endpoints");
        assertThat(fc.queued()).isZero();
        fc.close();
        assertThat(outcomes).hasSize(3);
    }

    @Test
    void releasingDispatchesWhatIsQueuedInOrderAndEveryLaterRequestAtOnce() {
        FlowController fc = controller(FlowControlConfig.defaults());
        fc.submit(0, "f", 1, listener("a"));
        fc.submit(1, "f", 1, listener("b"));
        fc.release();
        assertThat(outcomes).containsExactly("b", "a");
        fc.submit(0, "f", 1, listener("late"));
        assertThat(outcomes).containsExactly("b", "a", "late");
        fc.close();
        assertThat(outcomes).as("closing a released controller changes nothing").hasSize(3);
        assertThatThrownBy(fc::release).isInstanceOf(IllegalStateException.class).hasMessage(
                "this flow controller was released already");
    }

    @Test
    void handingOverMovesTheQueueInOrderAndWhatStillReachesTheOldControllerFollowsIt() {
        FlowController old = controller(config(FlowControlConfig.Fairness.ROUND_ROBIN));
        old.submit(-1, "batch", 1, listener("shed1"));
        old.submit(0, "A", 1, listener("a1"));
        old.submit(0, "A", 1, listener("a2"));
        var a3 = old.submit(0, "A", 1, listener("a3"));
        old.submit(0, "B", 1, listener("b1"));
        old.submit(5, "vip", 1, listener("vip1"));
        old.submit(0, "C", 1, listener("c1"));
        FlowController next = controller(config(FlowControlConfig.Fairness.ROUND_ROBIN));
        old.handOver(next);
        assertThat(outcomes).as("a handover dispatches nothing").isEmpty();
        assertThat(old.queued()).isZero();
        assertThat(next.queued()).isEqualTo(7);

        old.submit(0, "C", 1, listener("c2")); // read the old configuration: waits in the new queue, behind c1
        assertThat(a3.cancel()).as("a ticket from before the handover still cancels").isTrue();
        assertThat(a3.cancel()).isFalse();
        assertThat(next.queued()).isEqualTo(7);
        old.close();
        assertThat(next.queued()).as("closing the old controller leaves the new queue alone").isEqualTo(7);

        detector.saturation = 0;
        for (int i = 0; i < 7; i++) {
            old.requestEnded(); // requests the old configuration started end: cycles of the new queue
        }
        assertThat(outcomes).containsExactly("vip1", "a1", "b1", "c1", "a2", "c2", "shed1");
        assertThatThrownBy(() -> old.handOver(next)).isInstanceOf(IllegalStateException.class)
                .hasMessage("this flow controller was handed over already");
    }

    @Test
    void afterAHandOverTheNewSettingsApplyAndTheTtlCountsFromArrival() {
        FlowController old = controller(config(FlowControlConfig.Fairness.ROUND_ROBIN)); // TTL 60 s
        old.submit(0, "f", 1, listener("a"));
        now = 500_000_000L;
        old.submit(0, "f", 1, listener("b"));
        FlowController next = controller(new FlowControlConfig(0, 0, Duration.ofSeconds(1), Map.of(),
                FlowControlConfig.Band.DEFAULT, null));
        old.handOver(next);
        now = 1_000_000_000L;
        tick();
        assertThat(outcomes).containsExactly("a:rejected-ttl-expired");
        assertThat(next.queued()).isEqualTo(1);
    }

    @Test
    void underRacingThreadsAHandOverLosesNoRequestAndAnswersNoneTwice() throws Exception {
        FlowControlConfig c = new FlowControlConfig(0, 0, Duration.ZERO, Map.of(), FlowControlConfig.Band.DEFAULT, null);
        var first = new FlowController(c, detector, () -> endpoints, (task, delay) -> { }, System::nanoTime);
        var second = new FlowController(c, detector, () -> endpoints, (task, delay) -> { }, System::nanoTime);
        int threads = 3;
        int perThread = 3_000;
        var calls = new java.util.concurrent.atomic.AtomicIntegerArray(threads * perThread);
        var submitted = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            workers.add(Thread.ofPlatform().start(() -> {
                var random = new java.util.Random(base);
                for (int i = 0; i < perThread; i++) {
                    int id = base + i;
                    detector.saturation = random.nextInt(4) == 0 ? 0.5 : 1.5; // racy on purpose: any answer is fine
                    var ticket = first.submit(random.nextInt(3) - 1, "flow" + random.nextInt(4), 10, new FlowController.Listener() {
                        @Override
                        public void dispatched() {
                            calls.incrementAndGet(id);
                        }

                        @Override
                        public void rejected(Rejection why) {
                            calls.incrementAndGet(id);
                        }
                    });
                    submitted.incrementAndGet();
                    if (random.nextInt(4) == 0 && ticket.cancel()) {
                        calls.addAndGet(id, 100); // "cancelled": must never also get an outcome
                    } else if (random.nextInt(3) == 0) {
                        first.requestEnded();
                    }
                }
            }));
        }
        while (submitted.get() < threads * perThread / 2) {
            Thread.onSpinWait();
        }
        first.handOver(second);
        for (Thread w : workers) {
            w.join();
        }
        second.close();
        for (int i = 0; i < calls.length(); i++) {
            assertThat(calls.get(i)).as("request %d", i).isIn(1, 100);
        }
        assertThat(first.queued() + second.queued()).isZero();
    }

    @Test
    void underRacingThreadsEveryRequestHasExactlyOneOutcomeOrIsCancelled() throws Exception {
        var fc = new FlowController(new FlowControlConfig(0, 200, Duration.ofMillis(2), Map.of(),
                FlowControlConfig.Band.DEFAULT, null), detector, () -> endpoints,
                (task, delay) -> { }, System::nanoTime);
        int threads = 4;
        int perThread = 5_000;
        var calls = new java.util.concurrent.atomic.AtomicIntegerArray(threads * perThread);
        var cancelled = new java.util.concurrent.atomic.AtomicInteger();
        var start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            workers.add(Thread.ofPlatform().start(() -> {
                var random = new java.util.Random(base);
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    int id = base + i;
                    detector.saturation = random.nextInt(3) == 0 ? 0.5 : 1.5; // racy on purpose: any answer is fine
                    var ticket = fc.submit(random.nextInt(3) - 1, "flow" + random.nextInt(4), 10,
                            new FlowController.Listener() {
                                @Override
                                public void dispatched() {
                                    calls.incrementAndGet(id);
                                }

                                @Override
                                public void rejected(Rejection why) {
                                    calls.incrementAndGet(id);
                                }
                            });
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            if (ticket.cancel()) {
                                cancelled.incrementAndGet();
                                calls.addAndGet(id, 100); // marks "cancelled": must never also get an outcome
                            }
                        }
                        case 1 -> fc.requestEnded();
                        case 2 -> fc.tick();
                        default -> { }
                    }
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        fc.close();
        assertThat(fc.queued()).isZero();
        int outcomes = 0;
        for (int i = 0; i < calls.length(); i++) {
            assertThat(calls.get(i)).as("request %d", i).isIn(1, 100);
            outcomes += calls.get(i) == 1 ? 1 : 0;
        }
        assertThat(outcomes + cancelled.get()).isEqualTo(threads * perThread);
    }
}
