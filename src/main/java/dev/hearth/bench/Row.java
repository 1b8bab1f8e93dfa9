package dev.hearth.bench;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One line of the benchmark table: a figure, the baseline measured in the same run, and their ratio
 * ({@code value / baseline}). Latencies are in milliseconds with {@code p50}/{@code p99} (medians over
 * the repetitions of each repetition's percentile); rates are per second. A row whose measurement failed
 * carries the {@code error} and NaN figures, so one broken runtime does not hide the others.
 *
 * @param name         what is measured, e.g. "warm invoke python3.12, 1 client"
 * @param unit         {@code ms} or {@code 1/s}
 * @param value        the headline figure (p50 for latencies)
 * @param p50          for latencies
 * @param p99          for latencies
 * @param baselineName what the baseline is, e.g. "loopback echo"
 * @param baseline     the baseline's headline figure, same unit
 * @param baselineP99  the baseline's p99, for latencies
 * @param repetitions  how many repetitions the medians are over
 */
public record Row(String name, String unit, double value, OptionalDouble p50, OptionalDouble p99,
                  String baselineName, double baseline, OptionalDouble baselineP99, int repetitions,
                  Optional<String> error) {

    public static final String MS = "ms";
    public static final String PER_SECOND = "1/s";
    /** Memory, in MiB. */
    public static final String MB = "MB";
    /** A plain count (threads, processes). */
    public static final String COUNT = "count";

    /** A latency row: headline p50, with p99s on both sides. */
    static Row latency(String name, Stats.Summary figure, String baselineName, Stats.Summary baseline) {
        return new Row(name, MS, figure.p50(), OptionalDouble.of(figure.p50()), OptionalDouble.of(figure.p99()),
                baselineName, baseline.p50(), OptionalDouble.of(baseline.p99()), figure.repetitions(), Optional.empty());
    }

    /** A rate row (higher is better), e.g. invocations per second. */
    static Row rate(String name, double value, String baselineName, double baseline, int repetitions) {
        return new Row(name, PER_SECOND, value, OptionalDouble.empty(), OptionalDouble.empty(), baselineName, baseline,
                OptionalDouble.empty(), repetitions, Optional.empty());
    }

    /** A single figure (memory, a count) beside its baseline, lower is better. */
    static Row amount(String name, String unit, double value, String baselineName, double baseline) {
        return new Row(name, unit, value, OptionalDouble.empty(), OptionalDouble.empty(), baselineName, baseline,
                OptionalDouble.empty(), 1, Optional.empty());
    }

    static Row failed(String name, String unit, String baselineName, String error) {
        return new Row(name, unit, Double.NaN, OptionalDouble.empty(), OptionalDouble.empty(), baselineName,
                Double.NaN, OptionalDouble.empty(), 0, Optional.of(error));
    }

    /** {@code value / baseline}: above 1 is slower for latencies, faster for rates. */
    public double ratio() {
        return value / baseline;
    }
}
