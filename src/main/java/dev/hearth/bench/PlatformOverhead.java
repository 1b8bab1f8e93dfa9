package dev.hearth.bench;

import java.net.http.HttpRequest;
import java.util.List;

/**
 * Row 0, the platform's own cost: a warm invoke of a function whose runtime is {@link InProcessRuntime}
 * (no process, no interpreter) with one client, against the same client's round trip to the loopback
 * echo server. What remains is the node's path (API, router, pool, environment, Runtime API) and the
 * runtime protocol's two loopback round trips. Repetitions alternate echo and invoke.
 */
final class PlatformOverhead implements Measurement {

    /** The key of the in-process function in {@link BenchContext#functions}. */
    static final String KEY = "in-process";
    static final String NAME = "platform overhead, in-process runtime, 1 client";

    @Override
    public String title() {
        return "platform overhead (in-process runtime, 1 client)";
    }

    @Override
    public List<Row> run(BenchContext ctx) throws Exception {
        BenchFunction fn = ctx.function(KEY);
        HttpRequest invoke = ctx.api().invokeRequest(fn.name(), BenchContext.PAYLOAD, false);
        HttpRequest echo = WarmLatency.echoRequest(ctx);
        Plan plan = ctx.plan();

        RequestLoop.Failures failures = RequestLoop.sequential(ctx.http(), invoke, plan.warmUpInvokes()).failures();
        RequestLoop.sequential(ctx.http(), echo, plan.warmUpInvokes());
        if (failures.count() == plan.warmUpInvokes()) {
            throw new IllegalStateException("every warm-up invoke failed: " + failures.first());
        }
        failures = RequestLoop.Failures.NONE;
        long[][] echoSamples = new long[plan.repetitions()][];
        long[][] invokeSamples = new long[plan.repetitions()][];
        for (int rep = 0; rep < plan.repetitions(); rep++) {
            System.gc();
            echoSamples[rep] = RequestLoop.sequential(ctx.http(), echo, plan.invokesPerRep()).nanos();
            RequestLoop.Latencies invokes = RequestLoop.sequential(ctx.http(), invoke, plan.invokesPerRep());
            invokeSamples[rep] = invokes.nanos();
            failures = failures.plus(invokes.failures());
        }
        Row row = Row.latency(NAME, Stats.summarise(invokeSamples), WarmLatency.BASELINE,
                Stats.summarise(echoSamples));
        return List.of(WarmLatency.withFailures(row, failures, (long) plan.repetitions() * plan.invokesPerRep()));
    }

    @Override
    public List<Row> failedRows(String error) {
        return List.of(Row.failed(NAME, Row.MS, WarmLatency.BASELINE, error));
    }
}
