package dev.hearth.bench;

import dev.hearth.boot.Node;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Row 3b: cold start of the Python no-op function from a stem cell (a sandbox started ahead of demand with
 * the interpreter and bootstrap loaded) — against {@code python3 -c pass} started in the sandbox and
 * directly, as row 3. Stem cells are node-wide, so this row runs a second node of its own with them on
 * (two per runtime set-up), while the main node keeps them off and row 3 keeps measuring plain launches.
 *
 * <p>Each repetition forces a new environment by a configuration update, as row 3, then waits a little
 * longer than row 3 ({@link #SETTLE}) so that the cell taken by the previous repetition has been replaced:
 * the row measures a start that finds a cell, which is what a node with cold starts further apart than
 * that sees. One untimed cold start first lets the node learn the set-up and start its cells.
 */
final class StemCellColdStart implements Measurement {

    private static final Duration SETTLE = Duration.ofMillis(700);
    private static final Duration UPDATE_LIMIT = Duration.ofSeconds(60);
    private static final String NAME = "cold start, python3.12 no-op, from a stem cell";

    @Override
    public String title() {
        return "cold start from stem cells (python)";
    }

    @Override
    public List<Row> run(BenchContext ctx) throws Exception {
        Interpreter python = ctx.interpreters().get("python");
        if (python == null) {
            throw new IllegalStateException("no python interpreter found on this machine");
        }
        if (ctx.sandbox().isEmpty()) {
            throw new IllegalStateException("no sandbox launcher");
        }
        int reps = ctx.plan().coldRepetitions();
        long[] invoke = new long[reps];
        long[] sandboxed = new long[reps];
        long[] direct = new long[reps];
        int warmHits = 0;
        try (Node node = Node.start(BenchCommand.nodeConfig(ctx.workDir().resolve("stem-cells")).withStemCells(2))) {
            LambdaApi api = new LambdaApi(ctx.http(), node.endpoint());
            String fn = "bench-python-cells";
            api.createFunction(fn, "python3.12", NoOpCode.PYTHON_HANDLER, NoOpCode.python(), ctx.plan().memoryMb(), 30,
                    Map.of());
            api.awaitActive(fn, UPDATE_LIMIT);
            coldInvoke(ctx, api, fn, "warm-up");
            for (int rep = 0; rep < reps; rep++) {
                long nanos = coldInvoke(ctx, api, fn, "rep-" + rep);
                if (nanos < 0) {
                    warmHits++;
                    nanos = -nanos;
                }
                invoke[rep] = nanos;
                sandboxed[rep] = ctx.sandbox().get().timeToExit(python);
                direct[rep] = Processes.timeToExit(python.baselineCommand(), Interpreter.BASELINE_ENV);
            }
        }
        String note = warmHits == 0 ? null : warmHits + " of " + reps
                + " forced cold invokes had no Init Duration in their REPORT (served warm?)";
        List<Row> rows = new ArrayList<>();
        rows.add(row(NAME + ", vs sandbox", invoke, python.baselineName() + ", in sandbox", sandboxed, reps, note));
        rows.add(row(NAME + ", vs direct", invoke, python.baselineName() + ", direct", direct, reps, note));
        return rows;
    }

    /** Forces a new configuration, waits for a cell, then times one invoke; negative if served warm. */
    private static long coldInvoke(BenchContext ctx, LambdaApi api, String fn, String tag) throws Exception {
        api.updateEnvironment(fn, Map.of("HEARTH_BENCH_COLD", tag));
        api.awaitUpdated(fn, UPDATE_LIMIT);
        Thread.sleep(SETTLE);
        HttpRequest request = api.invokeRequest(fn, BenchContext.PAYLOAD, true);
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = ctx.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        long elapsed = System.nanoTime() - t0;
        if (!LambdaApi.succeeded(response)) {
            throw new IllegalStateException("cold invoke from a stem cell failed: " + LambdaApi.describe(response));
        }
        return LambdaApi.logTail(response).contains("Init Duration") ? elapsed : -elapsed;
    }

    private static Row row(String name, long[] figure, String baselineName, long[] baseline, int reps, String note) {
        Stats.Summary f = Stats.ofSamples(figure);
        Stats.Summary b = Stats.ofSamples(baseline);
        Row row = Row.latency(name, f, baselineName, b);
        return new Row(row.name(), row.unit(), row.value(), row.p50(), row.p99(), row.baselineName(), row.baseline(),
                row.baselineP99(), reps, java.util.Optional.ofNullable(note));
    }

    @Override
    public List<Row> failedRows(String error) {
        return List.of(Row.failed(NAME, Row.MS, "in sandbox", error));
    }
}
