package dev.hearth.environment;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartGateTest {

    @Test
    void acquire_beyondTheSize_waitsUntilAStartReleases() throws Exception {
        StartGate gate = new StartGate(2);
        gate.acquire();
        gate.acquire();
        AtomicInteger third = new AtomicInteger();
        CountDownLatch entered = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                gate.acquire();
                third.incrementAndGet();
                entered.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThat(entered.await(200, TimeUnit.MILLISECONDS)).isFalse();
        gate.release();
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(third.get()).isEqualTo(1);
        waiter.join();
    }

    @Test
    void forThisMachine_allowsAtLeastFourStarts_andAGateNeedsAPermit() {
        assertThat(StartGate.forThisMachine().size()).isGreaterThanOrEqualTo(4);
        assertThatThrownBy(() -> new StartGate(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
