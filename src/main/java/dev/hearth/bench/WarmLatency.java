package dev.hearth.bench;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;

/**
 * Row 1: a warm invoke of the no-op Python function with one client — p50/p99 over
 * {@link Plan#invokesPerRep} invokes per repetition — against the same client's round trip to the
 * loopback echo server with the same payload. Echo and invoke alternate in batches (see {@link #againstEcho}).
 */
final class WarmLatency implements Measurement {

    static final String NAME = "warm invoke, python3.12 no-op, 1 client";
    static final String BASELINE = "loopback echo, same server lib + client";

    @Override
    public String title() {
        return "warm invoke latency (python, 1 client)";
    }

    @Override
    public List<Row> run(BenchContext ctx) throws Exception {
        return List.of(againstEcho(ctx, ctx.function("python"), NAME));
    }

    /** Untimed rounds before the timed ones, as multiples of {@link Plan#warmUpInvokes} of each request. */
    static final int WARM_UP_ROUNDS = 4;
    /** Requests of each side in one batch of the alternation (see {@link RequestLoop#interleaved}). */
    static final int BATCH = 100;

    /**
     * One client's warm invokes of {@code fn} against the same client's echo round trips. Both go through
     * {@link RequestLoop#interleaved}: a warm-up of {@link #WARM_UP_ROUNDS} times the plan's (the node's
     * per-invoke code reaches the JIT's last tier only after several thousand invokes, and the echo gets as
     * many), then per repetition batches of echo and invoke alternating. Shared with the platform-overhead
     * row.
     */
    static Row againstEcho(BenchContext ctx, BenchFunction fn, String name) throws Exception {
        HttpRequest invoke = ctx.api().invokeRequest(fn.name(), BenchContext.PAYLOAD, false);
        HttpRequest echo = echoRequest(ctx);
        Plan plan = ctx.plan();

        int warmUp = WARM_UP_ROUNDS * plan.warmUpInvokes();
        RequestLoop.Failures failures = RequestLoop.interleaved(ctx.http(), echo, invoke, warmUp, BATCH)
                .second().failures();
        if (failures.count() == warmUp) {
            throw new IllegalStateException("every warm-up invoke failed: " + failures.first());
        }
        failures = RequestLoop.Failures.NONE;

        long[][] echoSamples = new long[plan.repetitions()][];
        long[][] invokeSamples = new long[plan.repetitions()][];
        for (int rep = 0; rep < plan.repetitions(); rep++) {
            System.gc();
            RequestLoop.Pair pair = RequestLoop.interleaved(ctx.http(), echo, invoke, plan.invokesPerRep(), BATCH);
            echoSamples[rep] = pair.first().nanos();
            invokeSamples[rep] = pair.second().nanos();
            failures = failures.plus(pair.second().failures());
        }
        Row row = Row.latency(name, Stats.summarise(invokeSamples), BASELINE,
                Stats.summarise(echoSamples));
        return withFailures(row, failures, (long) plan.repetitions() * plan.invokesPerRep());
    }

    @Override
    public List<Row> failedRows(String error) {
        return List.of(Row.failed(NAME, Row.MS, BASELINE, error));
    }

    static HttpRequest echoRequest(BenchContext ctx) {
        return HttpRequest.newBuilder(ctx.echo().uri())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BenchContext.PAYLOAD))
                .build();
    }

    static Row withFailures(Row row, RequestLoop.Failures failures, long total) {
        return withFailures(row, failures, total, RequestLoop.Failures.NONE, 0);
    }

    /** The row with a note of the invokes that failed, and of the baseline's requests that did. */
    static Row withFailures(Row row, RequestLoop.Failures failures, long total, RequestLoop.Failures baselineFailures,
                            long baselineTotal) {
        List<String> notes = new java.util.ArrayList<>();
        if (failures.count() > 0) {
            notes.add(failures.count() + " of " + total + " invokes failed, first: " + failures.first());
        }
        if (baselineFailures.count() > 0) {
            notes.add("baseline: " + baselineFailures.count() + " of " + baselineTotal + " requests failed, first: "
                    + baselineFailures.first());
        }
        if (notes.isEmpty()) {
            return row;
        }
        return new Row(row.name(), row.unit(), row.value(), row.p50(), row.p99(), row.baselineName(), row.baseline(),
                row.baselineP99(), row.repetitions(), Optional.of(String.join("; ", notes)));
    }
}
