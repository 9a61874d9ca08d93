package dev.switchboard.extproc.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamExecutorTest {
    final DefaultEventLoop loop = new DefaultEventLoop();
    final StreamExecutor executor = new StreamExecutor(loop);
    final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aTaskSubmittedFromWithinATaskRunsAfterItNotInsideIt() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> executor.execute(() -> {
            executor.execute(() -> {
                ran.add("inner");
                done.countDown();
            });
            ran.add("outer end");
        }));
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("outer end", "inner");
    }

    @Test
    void aTaskFromAnotherThreadRunsOnTheLoop() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        executor.execute(() -> {
            ran.add(loop.inEventLoop() ? "on loop" : "elsewhere");
            done.countDown();
        });
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("on loop");
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesQueuedBehindIt() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> executor.execute(() -> {
            executor.execute(() -> {
                throw new IllegalStateException("bug");
            });
            executor.execute(() -> {
                ran.add("after");
                done.countDown();
            });
        }));
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("after");
    }
}
