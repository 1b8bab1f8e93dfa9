package dev.hearth.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Row 3: cold start of the Python, Node.js and Java no-op functions — one invoke timed end to end, to its
 * response, when no environment for the function's configuration exists — against the interpreter's
 * do-nothing command ({@code python3 -c pass}, {@code node -e 0}, {@code java -version}) started inside
 * the sandbox and directly.
 *
 * <p>A cold start is forced per repetition by UpdateFunctionConfiguration with a new environment
 * variable (a new configuration gets new environments), waiting for {@code LastUpdateStatus:
 * Successful} and a short settle so the old environment's shutdown does not overlap the timing. The
 * invoke asks for the log tail; a REPORT line without {@code Init Duration} means the platform served it
 * from an environment that already existed, which the row notes.
 */
final class ColdStart implements Measurement {

    static final List<String> KEYS = List.of("python", "node", "java");
    private static final Duration SETTLE = Duration.ofMillis(100);
    private static final Duration UPDATE_LIMIT = Duration.ofSeconds(60);

    @Override
    public String title() {
        return "cold start (python, node, java)";
    }

    /** Samples of one runtime: the invokes and both baselines, and what went wrong. */
    private static final class Series {
        final long[] invoke;
        final long[] sandbox;
        final long[] direct;
        int forced;
        int warmHits;
        Optional<String> invokeError = Optional.empty();
        Optional<String> sandboxError = Optional.empty();
        Optional<String> directError = Optional.empty();

        Series(int reps) {
            invoke = new long[reps];
            sandbox = new long[reps];
            direct = new long[reps];
        }
    }

    /** Waits (up to a minute) for the node's Java AOT cache to exist; false if none appears. */
    private static boolean awaitJavaCache(BenchContext ctx) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        java.nio.file.Path data = ctx.workDir().resolve("data");
        while (System.nanoTime() < deadline) {
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(data, 4)) {
                if (files.anyMatch(f -> f.getFileName().toString().equals("hearth-ric.aot"))) {
                    return true;
                }
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // a directory changing under the walk: look again
            }
            Thread.sleep(200);
        }
        ctx.progress("no Java class-data cache after 60 s; Java cold starts are measured without one");
        return false;
    }

    @Override
    public List<Row> run(BenchContext ctx) throws Exception {
        int reps = ctx.plan().coldRepetitions();
        Map<String, Series> series = new LinkedHashMap<>();
        KEYS.forEach(k -> series.put(k, new Series(reps)));

        // Warm-up (untimed): the first start of each interpreter pays for the page cache and the node's first
        // use of each runtime's bootstrap files.
        for (String key : KEYS) {
            sample(ctx, key, "warm-up", series.get(key), -1);
        }
        // The node trains its Java class-data cache in the background after the first Java start; the
        // rows measure cold starts as a node that has been up a while has them, i.e. with the cache.
        if (series.containsKey("java") && awaitJavaCache(ctx)) {
            sample(ctx, "java", "warm-up-cached", series.get("java"), -1);
        }
        // More untimed rounds, both sides alike, for the same reason: a fresh JVM compiles the node's cold path
        // (environment set-up, launch, peer check, first hand-over) over its first hundred or so cold starts, on
        // the cores the starting interpreter needs: its CPU per cold start fell from 33 to 12 ms over 160 starts,
        // the compilers' share from 14 to 1 ms. The timed starts then measure the node a serving one is.
        for (int round = 1; round < ctx.plan().coldWarmUps(); round++) {
            for (String key : KEYS) {
                sample(ctx, key, "warm-up-" + round, series.get(key), -1);
            }
        }
        for (int rep = 0; rep < reps; rep++) {
            for (String key : KEYS) {
                sample(ctx, key, "rep-" + rep, series.get(key), rep);
            }
        }

        List<Row> rows = new ArrayList<>();
        for (String key : KEYS) {
            rows.addAll(rows(ctx, key, series.get(key), reps));
        }
        return rows;
    }

    private static void sample(BenchContext ctx, String key, String tag, Series s, int rep) {
        if (s.invokeError.isEmpty()) {
            try {
                long nanos = coldInvoke(ctx, ctx.function(key), tag, s);
                if (rep >= 0) {
                    s.invoke[rep] = nanos;
                }
            } catch (Exception e) {
                s.invokeError = Optional.of(message(e));
            }
        }
        Interpreter interpreter = ctx.interpreters().get(key);
        if (interpreter == null) {
            s.directError = Optional.of("no " + key + " interpreter found on this machine");
            s.sandboxError = s.directError;
            return;
        }
        if (s.directError.isEmpty()) {
            try {
                long nanos = Processes.timeToExit(interpreter.baselineCommand(), Interpreter.BASELINE_ENV);
                if (rep >= 0) {
                    s.direct[rep] = nanos;
                }
            } catch (Exception e) {
                s.directError = Optional.of(message(e));
            }
        }
        if (s.sandboxError.isEmpty()) {
            try {
                if (ctx.sandbox().isEmpty()) {
                    throw new IllegalStateException("no sandbox launcher");
                }
                long nanos = ctx.sandbox().get().timeToExit(interpreter);
                if (rep >= 0) {
                    s.sandbox[rep] = nanos;
                }
            } catch (Exception e) {
                s.sandboxError = Optional.of(message(e));
            }
        }
    }

    /** Forces a new configuration, then times one invoke to its response. */
    private static long coldInvoke(BenchContext ctx, BenchFunction fn, String tag, Series s) throws Exception {
        ctx.api().updateEnvironment(fn.name(), Map.of("HEARTH_BENCH_COLD", tag));
        ctx.api().awaitUpdated(fn.name(), UPDATE_LIMIT);
        Thread.sleep(SETTLE);
        HttpRequest request = ctx.api().invokeRequest(fn.name(), BenchContext.PAYLOAD, true);
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = ctx.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        long elapsed = System.nanoTime() - t0;
        if (!LambdaApi.succeeded(response)) {
            throw new IllegalStateException("cold invoke of " + fn.runtime() + " failed: " + LambdaApi.describe(response));
        }
        s.forced++;
        if (!LambdaApi.logTail(response).contains("Init Duration")) {
            s.warmHits++;
        }
        return elapsed;
    }

    private static List<Row> rows(BenchContext ctx, String key, Series s, int reps) {
        String runtime = Optional.ofNullable(ctx.functions().get(key)).map(BenchFunction::runtime).orElse(key);
        String name = "cold start, " + runtime + " no-op";
        Interpreter interpreter = ctx.interpreters().get(key);
        String baseline = interpreter == null ? key : interpreter.baselineName();
        List<Row> rows = new ArrayList<>();
        rows.add(row(name + ", vs sandbox", s.invoke, s.invokeError, baseline + ", in sandbox", s.sandbox,
                s.sandboxError, s, reps));
        rows.add(row(name + ", vs direct", s.invoke, s.invokeError, baseline + ", direct", s.direct, s.directError,
                s, reps));
        return rows;
    }

    /** A row with whatever side succeeded; the error names the side that did not. */
    private static Row row(String name, long[] figure, Optional<String> figureError, String baselineName,
                           long[] baseline, Optional<String> baselineError, Series s, int reps) {
        Stats.Summary nothing = new Stats.Summary(Double.NaN, Double.NaN, 0);
        Stats.Summary f = figureError.isPresent() ? nothing : Stats.ofSamples(figure);
        Stats.Summary b = baselineError.isPresent() ? nothing : Stats.ofSamples(baseline);
        List<String> problems = new ArrayList<>();
        figureError.ifPresent(e -> problems.add("figure: " + e));
        baselineError.ifPresent(e -> problems.add("baseline: " + e));
        if (figureError.isEmpty() && s.warmHits > 0) {
            problems.add(s.warmHits + " of " + s.forced
                    + " forced cold invokes had no Init Duration in their REPORT (served warm?)");
        }
        Row row = Row.latency(name, f, baselineName, b);
        return new Row(row.name(), row.unit(), row.value(), row.p50(), row.p99(), row.baselineName(), row.baseline(),
                row.baselineP99(), Math.max(f.repetitions(), b.repetitions()),
                problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)));
    }

    @Override
    public List<Row> failedRows(String error) {
        List<Row> rows = new ArrayList<>();
        for (String key : KEYS) {
            rows.add(Row.failed("cold start, " + key + " no-op", Row.MS, "in sandbox", error));
        }
        return rows;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
