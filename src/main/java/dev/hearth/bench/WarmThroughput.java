package dev.hearth.bench;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Row 2: warm throughput of the no-op Python function with {@link Plan#clients} concurrent clients over
 * a fixed window — invocations per second — against the echo server's requests per second with the
 * same clients. An untimed warm-up first lets the pool scale up to one environment per client.
 * Repetitions alternate echo and invoke; the row reports the median of each.
 */
final class WarmThroughput implements Measurement {

    static final String NAME = "warm throughput, python3.12 no-op";
    static final String BASELINE = "loopback echo, same clients";

    @Override
    public String title() {
        return "warm throughput (python, concurrent clients)";
    }

    @Override
    public List<Row> run(BenchContext ctx) throws Exception {
        Plan plan = ctx.plan();
        BenchFunction fn = ctx.function("python");
        HttpRequest invoke = ctx.api().invokeRequest(fn.name(), BenchContext.PAYLOAD, false);
        HttpRequest echo = WarmLatency.echoRequest(ctx);
        String name = NAME + ", " + plan.clients() + " clients";
        try (ExecutorService clients = Executors.newFixedThreadPool(plan.clients(), Thread.ofPlatform()
                .name("bench-client-", 0).daemon(true).factory())) {
            RequestLoop.Rate warm = RequestLoop.concurrent(ctx.http(), invoke, plan.clients(), plan.throughputWarmUp(), clients);
            if (warm.completed() == 0) {
                throw new IllegalStateException("no invoke succeeded during warm-up: " + warm.failures().first());
            }
            RequestLoop.concurrent(ctx.http(), echo, plan.clients(), plan.throughputWarmUp(), clients);

            double[] echoRates = new double[plan.repetitions()];
            double[] invokeRates = new double[plan.repetitions()];
            RequestLoop.Failures failures = RequestLoop.Failures.NONE;
            RequestLoop.Failures echoFailures = RequestLoop.Failures.NONE;
            long total = 0;
            long echoTotal = 0;
            for (int rep = 0; rep < plan.repetitions(); rep++) {
                System.gc();
                RequestLoop.Rate echoRate = RequestLoop.concurrent(ctx.http(), echo, plan.clients(),
                        plan.throughputWindow(), clients);
                echoRates[rep] = echoRate.perSecond();
                echoFailures = echoFailures.plus(echoRate.failures());
                echoTotal += echoRate.completed() + echoRate.failures().count();
                RequestLoop.Rate rate = RequestLoop.concurrent(ctx.http(), invoke, plan.clients(), plan.throughputWindow(),
                        clients);
                invokeRates[rep] = rate.perSecond();
                failures = failures.plus(rate.failures());
                total += rate.completed() + rate.failures().count();
            }
            Row row = Row.rate(name, Stats.median(invokeRates), BASELINE, Stats.median(echoRates), plan.repetitions());
            // The baseline's failures are told too: a request the client lost on the echo as well points at the
            // client or the machine, not at the node.
            return List.of(WarmLatency.withFailures(row, failures, total, echoFailures, echoTotal));
        }
    }

    @Override
    public List<Row> failedRows(String error) {
        return List.of(Row.failed(NAME + ", clients", Row.PER_SECOND, BASELINE, error));
    }
}
