package dev.hearth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Row 3c: cold start of a published python3.12 SnapStart version ({@code ApplyOn: PublishedVersions})
 * whose init imports a good part of the standard library — an environment forked from the version's
 * snapshot — against the same function's plain cold start ({@code $LATEST}, which runs that init every
 * time) and against sandboxed {@code python3 -c pass}.
 *
 * <p>A new environment of the version is forced by letting the previous one exit ({@code os._exit} in
 * the handler, untimed), then a short settle; a REPORT without {@code Restore Duration} is noted. The plain
 * cold start is forced as row 3 does, by a configuration update of {@code $LATEST}. Untimed warm invokes of
 * both come first ({@link #warmUp}), as the warm rows make before a full plan reaches this row.
 */
final class SnapStartColdStart implements Measurement {

    static final String NAME = "cold start, python3.12 SnapStart version (heavy init), restored";
    private static final String FUNCTION = "bench-python-snapstart";
    private static final Duration SETTLE = Duration.ofMillis(100);
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** Init of 100+ ms: modules an application commonly pulls in, standard library only. */
    private static final String APP = """
            import asyncio, argparse, csv, dataclasses, decimal, difflib, email.mime.multipart, http.client
            import http.server, inspect, json, logging.handlers, multiprocessing, pydoc, sqlite3, ssl, tarfile
            import typing, unittest, urllib.request, xml.dom.minidom, xml.etree.ElementTree, zipfile, concurrent.futures
            import os

            def handler(event, context):
                if event.get("exit"):
                    os._exit(0)
                return event
            """;
    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String title() {
        return "cold start of a SnapStart version (python)";
    }

    @Override
    public List<Row> run(BenchContext ctx) throws Exception {
        Interpreter python = ctx.interpreters().get("python");
        if (python == null || ctx.sandbox().isEmpty()) {
            throw new IllegalStateException("needs python3 and the sandbox launcher");
        }
        int reps = ctx.plan().coldRepetitions();
        long[] restored = new long[reps];
        long[] plain = new long[reps];
        long[] sandboxed = new long[reps];
        create(ctx);
        ctx.api().awaitActive(FUNCTION, LIMIT);
        call(ctx, "POST", "/2015-03-31/functions/" + FUNCTION + "/versions", json.createObjectNode(), 201);
        awaitVersion(ctx);
        warmUp(ctx);
        int missing = 0;
        String initDuration = "";
        for (int rep = -1; rep < reps; rep++) {
            Timed version = timedVersionColdStart(ctx);
            long versionNanos = version.nanos();
            String tail = LambdaApi.logTail(version.response());
            ctx.api().updateEnvironment(FUNCTION, Map.of("HEARTH_BENCH_COLD", "rep" + rep));
            ctx.api().awaitUpdated(FUNCTION, LIMIT);
            Thread.sleep(SETTLE);
            long t0 = System.nanoTime();
            HttpResponse<byte[]> latest = ctx.api().invoke(ctx.api().invokeRequest(FUNCTION, BenchContext.PAYLOAD, true));
            long latestNanos = System.nanoTime() - t0;
            long baseline = ctx.sandbox().get().timeToExit(python);
            if (rep < 0) {
                continue; // warm-up: page cache, the first fork
            }
            restored[rep] = versionNanos;
            plain[rep] = latestNanos;
            sandboxed[rep] = baseline;
            if (!tail.contains("Restore Duration")) {
                missing++;
            }
            initDuration = field(LambdaApi.logTail(latest), "Init Duration: ");
        }
        String note = (missing == 0 ? "" : missing + " of " + reps + " version invokes had no Restore Duration; ")
                + "the plain cold start's Init Duration: " + initDuration;
        return List.of(
                row(NAME + ", vs plain cold start", restored, "same function's $LATEST, cold", plain, reps, note),
                row(NAME + ", vs sandbox", restored, python.baselineName() + ", in sandbox", sandboxed, reps, note));
    }

    /**
     * Untimed warm invokes of the version and of {@code $LATEST}, interleaved, as many as the warm rows make
     * of each ({@link WarmLatency#WARM_UP_ROUNDS} x the plan's warm-up): the node's invoke path and its HTTP
     * server, and this harness's HTTP client, run compiled afterwards, as in a node that serves traffic and
     * as in the full plan, whose warm rows run before this one. Alone, that code is still interpreted and
     * the row measured about twice what it does after them (seventh round, BENCHMARKS.md).
     */
    private static void warmUp(BenchContext ctx) throws IOException, InterruptedException {
        int count = WarmLatency.WARM_UP_ROUNDS * ctx.plan().warmUpInvokes();
        RequestLoop.Pair pair = RequestLoop.interleaved(ctx.http(),
                ctx.api().invokeRequest(FUNCTION + ":1", BenchContext.PAYLOAD, false),
                ctx.api().invokeRequest(FUNCTION, BenchContext.PAYLOAD, false), count, 100);
        if (pair.first().failures().count() == count || pair.second().failures().count() == count) {
            throw new IllegalStateException("every warm-up invoke failed: " + pair.first().failures().first()
                    + pair.second().failures().first());
        }
    }

    /** Ends the version's environment (untimed), then times one invoke of the version to its response. */
    private record Timed(HttpResponse<byte[]> response, long nanos) {
    }

    private Timed timedVersionColdStart(BenchContext ctx) throws Exception {
        HttpRequest exit = ctx.api().invokeRequest(FUNCTION + ":1", "{\"exit\":1}".getBytes(StandardCharsets.UTF_8), false);
        ctx.http().send(exit, HttpResponse.BodyHandlers.discarding());
        Thread.sleep(SETTLE);
        HttpRequest request = ctx.api().invokeRequest(FUNCTION + ":1", BenchContext.PAYLOAD, true);
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = ctx.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        long elapsed = System.nanoTime() - t0;
        if (!LambdaApi.succeeded(response)) {
            throw new IllegalStateException("invoke of the SnapStart version failed: " + LambdaApi.describe(response));
        }
        return new Timed(response, elapsed);
    }

    private void create(BenchContext ctx) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode().put("FunctionName", FUNCTION).put("Runtime", "python3.12")
                .put("Handler", "app.handler").put("Role", LambdaApi.ROLE).put("MemorySize", ctx.plan().memoryMb())
                .put("Timeout", 30);
        body.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(NoOpCode.zip("app.py", APP)));
        body.putObject("SnapStart").put("ApplyOn", "PublishedVersions");
        call(ctx, "POST", "/2015-03-31/functions", body, 201);
    }

    private void awaitVersion(BenchContext ctx) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            JsonNode config = call(ctx, "GET", "/2015-03-31/functions/" + FUNCTION + "/configuration?Qualifier=1", null, 200);
            String state = config.path("State").asText();
            if ("Active".equals(state)) {
                return;
            }
            if ("Failed".equals(state) || System.nanoTime() > deadline) {
                throw new IOException("version 1 of " + FUNCTION + " is " + state + ": " + config.path("StateReason").asText());
            }
            Thread.sleep(10);
        }
    }

    private JsonNode call(BenchContext ctx, String method, String path, JsonNode body, int expected)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(ctx.api().endpoint() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                .build();
        HttpResponse<byte[]> response = ctx.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != expected) {
            throw new IOException(method + " " + path + " answered " + LambdaApi.describe(response));
        }
        return json.readTree(response.body());
    }

    private static String field(String log, String label) {
        int at = log.lastIndexOf(label);
        if (at < 0) {
            return "n/a";
        }
        int end = log.indexOf('\t', at);
        return log.substring(at + label.length(), end < 0 ? log.length() : end);
    }

    private static Row row(String name, long[] figure, String baselineName, long[] baseline, int reps, String note) {
        Row row = Row.latency(name, Stats.ofSamples(figure), baselineName, Stats.ofSamples(baseline));
        return new Row(row.name(), row.unit(), row.value(), row.p50(), row.p99(), row.baselineName(), row.baseline(),
                row.baselineP99(), reps, Optional.ofNullable(note));
    }

    @Override
    public List<Row> failedRows(String error) {
        return List.of(Row.failed(NAME, Row.MS, "in sandbox", error));
    }
}
