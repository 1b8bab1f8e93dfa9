package dev.hearth.bench;

import java.util.List;

/**
 * One kind of measurement, producing one or more rows of the table. Implementations time only what the
 * row names (System.nanoTime around the operation, no logging or allocation-heavy work inside the timed
 * region), warm up before measuring, and measure their baseline in the same run, interleaved with the
 * figure where possible so that drift on the machine affects both alike.
 */
interface Measurement {

    /** Short label for progress output, e.g. "warm latency". */
    String title();

    /**
     * Runs the measurement. May throw; the harness then reports the measurement's rows as failed
     * (see {@link #failedRows}) and carries on with the next one.
     */
    List<Row> run(BenchContext ctx) throws Exception;

    /** The rows to print when {@link #run} failed with {@code error}. */
    List<Row> failedRows(String error);
}
