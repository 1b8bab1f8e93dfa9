package dev.hearth.logs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

class WriterQueueTest {

    @Test
    void offer_whenFull_isRefusedUntilTheConsumerDrains() {
        WriterQueue<String> queue = new WriterQueue<>(2);
        assertThat(queue.offer("a")).isTrue();
        assertThat(queue.offer("b")).isTrue();
        assertThat(queue.offer("c")).isFalse();

        List<String> batch = new ArrayList<>();
        queue.drainTo(batch, 10);

        assertThat(batch).containsExactly("a", "b");
        assertThat(queue.offer("c")).isTrue();
    }

    @Test
    void drainTo_takesAtMostMaxInArrivalOrder() {
        WriterQueue<Integer> queue = new WriterQueue<>(10);
        for (int i = 0; i < 5; i++) {
            queue.offer(i);
        }
        List<Integer> batch = new ArrayList<>();
        queue.drainTo(batch, 3);
        assertThat(batch).containsExactly(0, 1, 2);
        batch.clear();
        queue.drainTo(batch, 3);
        assertThat(batch).containsExactly(3, 4);
    }

    @Test
    void offer_toAConsumerAsleepAfterItsNaps_wakesIt() throws Exception {
        WriterQueue<String> queue = new WriterQueue<>(10);
        CompletableFuture<List<String>> drained = CompletableFuture.supplyAsync(() -> {
            List<String> batch = new ArrayList<>();
            queue.drainTo(batch, 10);
            return batch;
        });
        await().atMost(Duration.ofSeconds(5)).until(queue::consumerAsleep);
        assertThat(drained).isNotDone();

        queue.offer("line");

        assertThat(drained.get(Duration.ofSeconds(2).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                .containsExactly("line");
    }
}
