package dev.hearth.bench;

import java.util.Arrays;

/**
 * Percentiles and medians. Latencies are recorded as {@code System.nanoTime} deltas and summarised per
 * repetition; a row reports the median over repetitions of each percentile, which damps a repetition
 * disturbed by something else on the machine. Pure functions.
 */
final class Stats {

    private Stats() {
    }

    /** Medians over repetitions of per-repetition p50 and p99, in milliseconds. */
    record Summary(double p50, double p99, int repetitions) {
    }

    /** Nearest-rank percentile ({@code 0 < p <= 100}) of nanosecond samples, in milliseconds. */
    static double percentileMs(long[] nanos, double p) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)] / 1e6;
    }

    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Summary of repetitions, each an array of nanosecond samples. */
    static Summary summarise(long[][] repetitions) {
        double[] p50 = new double[repetitions.length];
        double[] p99 = new double[repetitions.length];
        for (int i = 0; i < repetitions.length; i++) {
            p50[i] = percentileMs(repetitions[i], 50);
            p99[i] = percentileMs(repetitions[i], 99);
        }
        return new Summary(median(p50), median(p99), repetitions.length);
    }

    /**
     * Summary of single-shot samples (one per repetition, e.g. cold starts): p50 and p99 over all of them
     * (with few samples p99 is the slowest one).
     */
    static Summary ofSamples(long[] nanos) {
        return new Summary(percentileMs(nanos, 50), percentileMs(nanos, 99), nanos.length);
    }
}
