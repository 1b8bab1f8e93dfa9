package dev.hearth.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Row 6, the control plane with many functions: CreateFunction with a 1 MB zip (against an echo of a
 * 1 MB body: the cost of moving the bytes), then, once {@link Plan#controlPlaneFunctions} functions
 * exist, GetFunction and ListFunctions (one default page) against the small echo. Metadata reads are
 * what a console or Terraform does all day; they must not slow down as functions accumulate.
 */
final class ControlPlane implements Measurement {

    static final String CREATE = "CreateFunction, 1 MB zip";
    static final String GET = "GetFunction, among N functions";
    static final String LIST = "ListFunctions (1 page), among N functions";
    static final String BASELINE_SMALL = WarmLatency.BASELINE;
    static final String BASELINE_LARGE = "loopback echo of a 1 MB body";
    private static final int ZIP_BYTES = 1024 * 1024;

    @Override
    public String title() {
        return "control plane (create 1 MB, get and list among many functions)";
    }

    @Override
    public List<Row> run(BenchContext ctx) throws Exception {
        Plan plan = ctx.plan();
        byte[] bigZip = NoOpCode.pythonWithPadding(randomBytes(ZIP_BYTES));
        HttpRequest bigEcho = HttpRequest.newBuilder(ctx.echo().uri())
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bigZip.length * 4 / 3])).build();
        long[] creates = new long[plan.createRepetitions()];
        long[] bigEchoes = new long[plan.createRepetitions()];
        for (int i = 0; i < plan.createRepetitions(); i++) {
            bigEchoes[i] = time(() -> ctx.http().send(bigEcho, HttpResponse.BodyHandlers.discarding()));
            String name = "bench-cp-big-" + i;
            creates[i] = time(() -> ctx.api().createFunction(name, "python3.12", NoOpCode.PYTHON_HANDLER, bigZip, 128, 3));
        }
        Row create = Row.latency(CREATE.replace("N", "" + plan.controlPlaneFunctions()), Stats.ofSamples(creates),
                BASELINE_LARGE, Stats.ofSamples(bigEchoes));

        byte[] small = NoOpCode.python();
        int existing = plan.createRepetitions() + ctx.functions().size();
        for (int i = existing; i < plan.controlPlaneFunctions(); i++) {
            ctx.api().createFunction("bench-cp-" + i, "python3.12", NoOpCode.PYTHON_HANDLER, small, 128, 3);
        }
        URI endpoint = ctx.api().endpoint();
        HttpRequest get = HttpRequest.newBuilder(endpoint.resolve("/2015-03-31/functions/bench-cp-big-0")).GET().build();
        HttpRequest list = HttpRequest.newBuilder(endpoint.resolve("/2015-03-31/functions")).GET().build();
        HttpRequest echo = WarmLatency.echoRequest(ctx);
        RequestLoop.sequential(ctx.http(), get, plan.controlPlaneReads());
        RequestLoop.sequential(ctx.http(), list, plan.controlPlaneReads());
        long[][] gets = new long[plan.repetitions()][];
        long[][] lists = new long[plan.repetitions()][];
        long[][] echoes = new long[plan.repetitions()][];
        RequestLoop.Failures failures = RequestLoop.Failures.NONE;
        for (int rep = 0; rep < plan.repetitions(); rep++) {
            echoes[rep] = RequestLoop.sequential(ctx.http(), echo, plan.controlPlaneReads()).nanos();
            RequestLoop.Latencies g = RequestLoop.sequential(ctx.http(), get, plan.controlPlaneReads());
            RequestLoop.Latencies l = RequestLoop.sequential(ctx.http(), list, plan.controlPlaneReads());
            gets[rep] = g.nanos();
            lists[rep] = l.nanos();
            failures = failures.plus(g.failures()).plus(l.failures());
        }
        String n = "" + plan.controlPlaneFunctions();
        long total = 2L * plan.repetitions() * plan.controlPlaneReads();
        return List.of(create,
                WarmLatency.withFailures(Row.latency(GET.replace("N", n), Stats.summarise(gets), BASELINE_SMALL,
                        Stats.summarise(echoes)), failures, total),
                WarmLatency.withFailures(Row.latency(LIST.replace("N", n), Stats.summarise(lists), BASELINE_SMALL,
                        Stats.summarise(echoes)), failures, total));
    }

    @Override
    public List<Row> failedRows(String error) {
        List<Row> rows = new ArrayList<>();
        rows.add(Row.failed(CREATE, Row.MS, BASELINE_LARGE, error));
        rows.add(Row.failed(GET, Row.MS, BASELINE_SMALL, error));
        rows.add(Row.failed(LIST, Row.MS, BASELINE_SMALL, error));
        return rows;
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static long time(Call call) throws Exception {
        long t0 = System.nanoTime();
        call.run();
        return System.nanoTime() - t0;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
