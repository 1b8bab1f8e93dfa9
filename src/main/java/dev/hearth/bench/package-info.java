/**
 * {@code hearth bench}: the benchmark harness. Not a test (ARCHITECTURE §4.11): it starts its own node on
 * 127.0.0.1 with a fresh data dir, measures the platform, and prints every figure beside a baseline
 * measured in the same run, so that ratios — not absolute numbers — are compared across machines.
 *
 * <p>Entry type: {@link dev.hearth.bench.BenchCommand}. Each table row comes from one
 * {@link dev.hearth.bench.Measurement} ({@code WarmLatency}, {@code ColdStart}, {@code WarmThroughput});
 * new rows are new {@code Measurement} classes added to {@code BenchCommand}'s list. Values are
 * {@link dev.hearth.bench.Row} records, written as a text table and as JSON ({@code Report}).
 *
 * <p>Threading: the harness runs on the picocli thread; load generators use their own platform threads.
 * Nothing here is called by the node.
 */
package dev.hearth.bench;
