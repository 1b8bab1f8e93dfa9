package dev.hearth.pool;

import java.util.Optional;

/**
 * A token bucket of new environments for one function: {@code ratePerTenSeconds} tokens, refilled
 * evenly over 10 seconds, one taken per environment started on demand. A burst may start the whole
 * budget at once, then one every {@code 10 s / rate}: AWS's scaling rate (1,000 per 10 s per function),
 * which also keeps a burst of requests from fork-bombing the node. Immutable and pure.
 *
 * @param tokens    the starts available now (fractional while refilling)
 * @param lastNanos when {@code tokens} was computed (System.nanoTime scale)
 */
public record ScaleUpBudget(double tokens, long lastNanos) {

    private static final double TEN_SECONDS_NANOS = 10e9;

    /** A full bucket at {@code nowNanos}. */
    public static ScaleUpBudget full(int ratePerTenSeconds, long nowNanos) {
        return new ScaleUpBudget(ratePerTenSeconds, nowNanos);
    }

    /** The bucket after one start at {@code nowNanos}, or empty when no start is available. */
    public Optional<ScaleUpBudget> take(int ratePerTenSeconds, long nowNanos) {
        long elapsed = Math.max(0, nowNanos - lastNanos);
        double refilled = Math.min(ratePerTenSeconds, tokens + elapsed * ratePerTenSeconds / TEN_SECONDS_NANOS);
        if (refilled < 1) {
            return Optional.empty();
        }
        return Optional.of(new ScaleUpBudget(refilled - 1, Math.max(nowNanos, lastNanos)));
    }
}
