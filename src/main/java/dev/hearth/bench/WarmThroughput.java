package dev.hearth.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Row 2: warm throughput of the no-op Python function with {@link Plan#clients} concurrent clients over
 * a fixed window — invocations per second — against the echo server's requests per second with the
 * same clients. An untimed warm-up first lets the pool scale up to one environment per client.
 * Repetitions alternate echo and invoke; the row reports the median of each.
 *
 * <p>Both sides share a client of their own ({@link #inlineClient}): the JDK client's default hands every
 * response from its selector thread to a pool thread, a wake-up per request that the 16 clients pay on the
 * same two cores the node and its runtimes need.
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
                .name("bench-client-", 0).daemon(true).factory());
             HttpClient http = inlineClient()) {
            RequestLoop.Rate warm = RequestLoop.concurrent(http, invoke, plan.clients(), plan.throughputWarmUp(), clients);
            if (warm.completed() == 0) {
                throw new IllegalStateException("no invoke succeeded during warm-up: " + warm.failures().first());
            }
            RequestLoop.concurrent(http, echo, plan.clients(), plan.throughputWarmUp(), clients);

            double[] echoRates = new double[plan.repetitions()];
            double[] invokeRates = new double[plan.repetitions()];
            RequestLoop.Failures failures = RequestLoop.Failures.NONE;
            RequestLoop.Failures echoFailures = RequestLoop.Failures.NONE;
            long total = 0;
            long echoTotal = 0;
            for (int rep = 0; rep < plan.repetitions(); rep++) {
                System.gc();
                RequestLoop.Rate echoRate = RequestLoop.concurrent(http, echo, plan.clients(),
                        plan.throughputWindow(), clients);
                echoRates[rep] = echoRate.perSecond();
                echoFailures = echoFailures.plus(echoRate.failures());
                echoTotal += echoRate.completed() + echoRate.failures().count();
                RequestLoop.Rate rate = RequestLoop.concurrent(http, invoke, plan.clients(), plan.throughputWindow(),
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

    /**
     * HTTP/1.1 with keep-alive like the harness's shared client, but completing each response on the client's
     * selector thread, where it was read, instead of waking a pool thread for it: the body handler
     * ({@code ofByteArray}) never blocks, and {@code send} still blocks only the calling client thread. The
     * hand-off cost about 70-100 µs of CPU per invoke and 35-50 µs per echo on this 2-core machine (per-thread
     * schedstat), more than the node's event loop per invoke; the same client serves both sides.
     */
    static HttpClient inlineClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Runnable::run).build();
    }

    @Override
    public List<Row> failedRows(String error) {
        return List.of(Row.failed(NAME + ", clients", Row.PER_SECOND, BASELINE, error));
    }
}
