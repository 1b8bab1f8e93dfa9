package dev.hearth.bench;

import java.util.List;

/**
 * Row 0, the platform's own cost: a warm invoke of a function whose runtime is {@link InProcessRuntime}
 * (no process, no interpreter) with one client, against the same client's round trip to the loopback
 * echo server. What remains is the node's path (API, router, pool, environment, Runtime API) and the
 * runtime protocol's two loopback round trips. Echo and invoke alternate in batches.
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
        return List.of(WarmLatency.againstEcho(ctx, ctx.function(KEY), NAME));
    }

    @Override
    public List<Row> failedRows(String error) {
        return List.of(Row.failed(NAME, Row.MS, WarmLatency.BASELINE, error));
    }
}
