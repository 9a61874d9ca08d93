package dev.switchboard.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ModelLabelsTest {

    @Test
    void threadsRacingOverTheSameStringsAdmitExactlyTheCap() throws Exception {
        ModelLabels labels = new ModelLabels();
        labels.configured(List.of("configured"));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 500; i++) {
                    seen.add(labels.label("m" + i)); // every thread sends the same 500 strings
                    seen.add(labels.label("configured"));
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(seen).hasSize(ModelLabels.MAX_UNLISTED + 2).contains("configured", ModelLabels.OTHER);
        for (String s : seen) { // an admitted string keeps its value
            assertThat(labels.label(s)).isEqualTo(s);
        }
    }

    @Test
    void aConfiguredModelIsItselfAndTakesNoSlot() {
        ModelLabels labels = new ModelLabels();
        labels.configured(List.of("a", "b"));
        for (int i = 0; i < 10; i++) {
            assertThat(labels.label("a")).isEqualTo("a");
        }
        for (int i = 0; i < ModelLabels.MAX_UNLISTED; i++) {
            assertThat(labels.label("x" + i)).isEqualTo("x" + i);
        }
        assertThat(labels.label("one-too-many")).isEqualTo(ModelLabels.OTHER);
        assertThat(labels.label("b")).isEqualTo("b");
    }
}
