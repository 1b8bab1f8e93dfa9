package dev.hearth.bench;

import dev.hearth.boot.Node;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Row 3b: cold start of the Python and Node.js no-op functions from a stem cell (a sandbox started ahead
 * of demand with the interpreter and bootstrap loaded) — against {@code python3 -c pass} and
 * {@code node -e 0} started in the sandbox and directly, as row 3. Stem cells are node-wide, so this row runs a second node of its own with them on
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

    /** One runtime's function and samples. */
    private record Subject(String key, String runtime, String handler, byte[] code, long[] invoke, long[] sandboxed,
                           long[] direct, int[] warmHits) {
        String name() {
            return "cold start, " + runtime + " no-op, from a stem cell";
        }

        String function() {
            return "bench-" + key + "-cells";
        }
    }

    @Override
    public String title() {
        return "cold start from stem cells (python, node)";
    }

    @Override
    public List<Row> run(BenchContext ctx) throws Exception {
        if (ctx.sandbox().isEmpty()) {
            throw new IllegalStateException("no sandbox launcher");
        }
        int reps = ctx.plan().coldRepetitions();
        List<Subject> subjects = new ArrayList<>();
        if (ctx.interpreters().containsKey("python")) {
            subjects.add(new Subject("python", "python3.12", NoOpCode.PYTHON_HANDLER, NoOpCode.python(), new long[reps],
                    new long[reps], new long[reps], new int[1]));
        }
        if (ctx.interpreters().containsKey("node")) {
            subjects.add(new Subject("node", "nodejs20.x", NoOpCode.NODE_HANDLER, NoOpCode.node(), new long[reps],
                    new long[reps], new long[reps], new int[1]));
        }
        if (subjects.isEmpty()) {
            throw new IllegalStateException("neither python nor node found on this machine");
        }
        try (Node node = Node.start(BenchCommand.nodeConfig(ctx.workDir().resolve("stem-cells")).withStemCells(2))) {
            LambdaApi api = new LambdaApi(ctx.http(), node.endpoint());
            for (Subject s : subjects) {
                api.createFunction(s.function(), s.runtime(), s.handler(), s.code(), ctx.plan().memoryMb(), 30, Map.of());
                api.awaitActive(s.function(), UPDATE_LIMIT);
                coldInvoke(ctx, api, s.function(), "warm-up");
            }
            for (int rep = 0; rep < reps; rep++) {
                for (Subject s : subjects) {
                    long nanos = coldInvoke(ctx, api, s.function(), "rep-" + rep);
                    if (nanos < 0) {
                        s.warmHits()[0]++;
                        nanos = -nanos;
                    }
                    Interpreter interpreter = ctx.interpreters().get(s.key());
                    s.invoke()[rep] = nanos;
                    s.sandboxed()[rep] = ctx.sandbox().get().timeToExit(interpreter);
                    s.direct()[rep] = Processes.timeToExit(interpreter.baselineCommand(), Interpreter.BASELINE_ENV);
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Subject s : subjects) {
            String note = s.warmHits()[0] == 0 ? null : s.warmHits()[0] + " of " + reps
                    + " forced cold invokes had no Init Duration in their REPORT (served warm?)";
            String baseline = ctx.interpreters().get(s.key()).baselineName();
            rows.add(row(s.name() + ", vs sandbox", s.invoke(), baseline + ", in sandbox", s.sandboxed(), reps, note));
            rows.add(row(s.name() + ", vs direct", s.invoke(), baseline + ", direct", s.direct(), reps, note));
        }
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
            throw new IllegalStateException("cold invoke of " + fn + " from a stem cell failed: "
                    + LambdaApi.describe(response));
        }
        return LambdaApi.logTail(response).contains("Init Duration") ? elapsed : -elapsed;
    }

    private static Row row(String name, long[] figure, String baselineName, long[] baseline, int reps, String note) {
        Stats.Summary f = Stats.ofSamples(figure);
        Stats.Summary b = Stats.ofSamples(baseline);
        Row row = Row.latency(name, f, baselineName, b);
        return new Row(row.name(), row.unit(), row.value(), row.p50(), row.p99(), row.baselineName(), row.baseline(),
                row.baselineP99(), reps, Optional.ofNullable(note));
    }

    @Override
    public List<Row> failedRows(String error) {
        return List.of(Row.failed("cold start, python3.12 no-op, from a stem cell", Row.MS, "in sandbox", error),
                Row.failed("cold start, nodejs20.x no-op, from a stem cell", Row.MS, "in sandbox", error));
    }
}
