package dev.hearth.invoke;

import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.registry.ConcurrencySettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The concurrency policy and the lock-free counters that apply it. */
class ConcurrencyPolicyTest {

    /** Settings a test changes as it goes. */
    private static final class Settings implements ConcurrencySettings {
        final Map<String, Integer> reserved = new HashMap<>();
        int pool = 10;

        @Override
        public OptionalInt reserved(String functionName) {
            Integer r = reserved.get(functionName);
            return r == null ? OptionalInt.empty() : OptionalInt.of(r);
        }

        @Override
        public int unreservedPool() {
            return pool;
        }

        @Override
        public int accountLimit() {
            return 1000;
        }
    }

    private final Settings settings = new Settings();
    private final ConcurrencyCounters counters = new ConcurrencyCounters(settings);

    @Test
    void slot_ofAReservedFunction_isItsReservation_evenOnAProvisionedEnvironment() {
        assertThat(ConcurrencyPolicy.slot(OptionalInt.of(3), true)).isEqualTo(ConcurrencyPolicy.Slot.RESERVED);
        assertThat(ConcurrencyPolicy.slot(OptionalInt.empty(), false)).isEqualTo(ConcurrencyPolicy.Slot.UNRESERVED);
        assertThat(ConcurrencyPolicy.slot(OptionalInt.empty(), true)).isEqualTo(ConcurrencyPolicy.Slot.PROVISIONED);
    }

    @Test
    void throttle_atTheReservation_givesTheReservedReason() {
        assertThat(ConcurrencyPolicy.throttle(ConcurrencyPolicy.Slot.RESERVED, OptionalInt.of(2), 1, 0)).isEmpty();
        assertThat(ConcurrencyPolicy.throttle(ConcurrencyPolicy.Slot.RESERVED, OptionalInt.of(2), 2, 0))
                .contains("ReservedFunctionConcurrentInvocationLimitExceeded");
    }

    @Test
    void throttle_atTheUnreservedPool_givesTheAccountReason() {
        assertThat(ConcurrencyPolicy.throttle(ConcurrencyPolicy.Slot.UNRESERVED, OptionalInt.empty(), 4, 5)).isEmpty();
        assertThat(ConcurrencyPolicy.throttle(ConcurrencyPolicy.Slot.UNRESERVED, OptionalInt.empty(), 5, 5))
                .contains("ConcurrentInvocationLimitExceeded");
    }

    @Test
    void throttled_isAws429WithRateExceededAndTheReason() {
        LambdaException e = ConcurrencyPolicy.throttled("ConcurrentInvocationLimitExceeded");
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(e.code().httpStatus()).isEqualTo(429);
        assertThat(e.getMessage()).isEqualTo("Rate Exceeded.");
        assertThat(e.extraFields()).containsExactly(Map.entry("Reason", "ConcurrentInvocationLimitExceeded"));
    }

    @Test
    void acquire_whenReservedConcurrencyIsZero_throttles() {
        settings.reserved.put("f", 0);

        assertThatThrownBy(() -> counters.acquire("f", false)).isInstanceOfSatisfying(LambdaException.class,
                e -> assertThat(e.extraFields()).containsEntry("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"));
        assertThat(counters.running("f")).isZero();
    }

    @Test
    void acquire_beyondTheReservation_throttles_untilOneIsReleased() {
        settings.reserved.put("f", 1);
        ConcurrencyCounters.Permit first = counters.acquire("f", false);

        assertThatThrownBy(() -> counters.acquire("f", false)).isInstanceOf(LambdaException.class);
        first.release();
        ConcurrencyCounters.Permit again = counters.acquire("f", false);

        assertThat(counters.running("f")).isEqualTo(1);
        assertThat(counters.runningUnreserved()).as("a reserved function never takes from the pool").isZero();
        again.release();
    }

    @Test
    void release_isIdempotent() {
        settings.reserved.put("f", 2);
        ConcurrencyCounters.Permit p = counters.acquire("f", false);

        p.release();
        p.release();

        assertThat(counters.running("f")).isZero();
    }

    @Test
    void unreservedFunctions_shareThePool_andAReservedOneIsNotLimitedByIt() {
        settings.pool = 2;
        settings.reserved.put("reserved", 5);
        counters.acquire("a", false);
        counters.acquire("b", false);

        assertThatThrownBy(() -> counters.acquire("c", false)).isInstanceOfSatisfying(LambdaException.class,
                e -> assertThat(e.extraFields()).containsEntry("Reason", "ConcurrentInvocationLimitExceeded"));
        counters.acquire("reserved", false);
        assertThat(counters.runningUnreserved()).isEqualTo(2);
    }

    @Test
    void provisionedEnvironmentsOfAnUnreservedFunction_doNotCountAgainstThePool() {
        settings.pool = 1;
        counters.acquire("a", true);
        counters.acquire("a", true);

        ConcurrencyCounters.Permit onDemand = counters.acquire("a", false);

        assertThat(counters.running("a")).isEqualTo(3);
        assertThat(counters.runningUnreserved()).isEqualTo(1);
        onDemand.release();
        assertThat(counters.runningUnreserved()).isZero();
    }

    @Test
    void concurrentAcquires_neverExceedTheReservation() throws Exception {
        settings.reserved.put("f", 7);
        int threads = 8;
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        try {
                            counters.acquire("f", false);
                            admitted.incrementAndGet();
                        } catch (LambdaException throttled) {
                            // expected once full
                        }
                    }
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(admitted.get()).isEqualTo(7);
        assertThat(counters.running("f")).isEqualTo(7);
    }
}
