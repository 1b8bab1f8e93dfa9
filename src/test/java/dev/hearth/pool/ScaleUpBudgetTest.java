package dev.hearth.pool;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-function token bucket of new environments. */
class ScaleUpBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFullBudget_allowsItsRateAtOnce_thenRefuses() {
        ScaleUpBudget b = ScaleUpBudget.full(3, 0);
        for (int i = 0; i < 3; i++) {
            Optional<ScaleUpBudget> next = b.take(3, 0);
            assertThat(next).as("start %d", i).isPresent();
            b = next.get();
        }
        assertThat(b.take(3, 0)).isEmpty();
    }

    @Test
    void theBudget_refillsEvenlyOverTenSeconds() {
        ScaleUpBudget empty = new ScaleUpBudget(0, 0);

        assertThat(empty.take(10, SECOND / 2)).as("half a token after 0.5 s at 1 per second").isEmpty();
        assertThat(empty.take(10, SECOND)).as("one token after 1 s").isPresent();
    }

    @Test
    void theBudget_neverHoldsMoreThanTheRate() {
        ScaleUpBudget b = new ScaleUpBudget(0, 0);
        long later = 3600 * SECOND;
        for (int i = 0; i < 2; i++) {
            b = b.take(2, later).orElseThrow();
        }
        assertThat(b.take(2, later)).isEmpty();
    }

    @Test
    void guard_countsPerFunction() {
        long[] now = {0};
        ScaleUpGuard guard = new ScaleUpGuard(1, () -> now[0]);

        assertThat(guard.tryStart("a")).isTrue();
        assertThat(guard.tryStart("a")).isFalse();
        assertThat(guard.tryStart("b")).as("another function has its own budget").isTrue();
        now[0] = 10 * SECOND;
        assertThat(guard.tryStart("a")).isTrue();
    }
}
