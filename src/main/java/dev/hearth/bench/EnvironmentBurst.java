package dev.hearth.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Rows 4 and 5: a burst of {@link Plan#burstEnvironments} concurrent invokes of a Python function that
 * has no environment yet, each held inside its handler at a barrier (a loopback socket of the harness)
 * until all have arrived, so every invoke needs an environment of its own. The time until the last one
 * reaches the barrier gives the creation rate, against sandboxed {@code python3 -c pass} launches 16 at a
 * time. Once released, the environments sit idle: their process trees' PSS is summed (against N times
 * one idle sandboxed interpreter), and the node's RSS and thread count are compared with before the burst
 * (the harness shares the node's JVM, so those include its own small share). The burst's requests go
 * through an HTTP client of their own whose work runs on virtual threads and which is closed before the
 * count: the shared client's executor keeps a platform thread per request it ran at once for a minute,
 * which the node's own figure would otherwise carry.
 *
 * <p>Runs on a node of its own configured as {@code hearth serve} is by default: stem cells on
 * ({@code --stem-cells 2}; for Python they are fork servers, so every environment of the burst is a fork),
 * unlike the cold-start rows' main node. An untimed cold start of another function with the same runtime
 * set-up lets the node learn it and start its cells before the burst; then an untimed warm-up, both sides
 * alike (a burst of up to 50 environments of a third function, deleted at once, and as many baseline
 * launches), so that the timed burst measures the node's start-up path rather than the JIT compiling it.
 */
final class EnvironmentBurst implements Measurement {

    static final String RATE = "new python environments per second, burst of N, serve defaults (stem cells on)";
    static final String PSS = "PSS of N idle python environments";
    static final String RSS = "node RSS with N idle environments";
    static final String THREADS = "node threads with N idle environments";
    private static final Duration BARRIER_LIMIT = Duration.ofSeconds(120);
    /** serve's default {@code --stem-cells}. */
    private static final int SERVE_STEM_CELLS = 2;
    /** Time for the cells of the learnt set-up to start (an interpreter and its bootstrap, well under this). */
    private static final long CELLS_START_MILLIS = 1500;
    /** Environments (and baseline launches) of the untimed warm-up, at most the burst's own size. */
    private static final int WARM_UP = 50;
    /**
     * The barrier is the harness's instrument, not the function's work: it uses the interpreter's built-in
     * {@code _socket}, which costs the function's init nothing, where {@code import socket} ran about 3.5 ms
     * of module set-up (enum, selectors) in every environment that the baseline's {@code python3 -c pass}
     * does not, a fifth of a forked environment's whole CPU.
     */
    private static final String HANDLER = """
            import _socket

            def handler(event, context):
                s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
                s.connect(("127.0.0.1", event["port"]))
                s.sendall(b"x")
                s.recv(1)
                s.close()
                return {"ok": True}
            """;

    @Override
    public String title() {
        return "environment burst and density (python)";
    }

    @Override
    public List<Row> run(BenchContext ctx) throws Exception {
        int n = ctx.plan().burstEnvironments();
        Interpreter python = ctx.interpreters().get("python");
        SandboxBaseline sandbox = ctx.sandbox().orElseThrow(() -> new IllegalStateException("no sandbox baseline"));
        if (python == null) {
            throw new IllegalStateException("no python3 interpreter found");
        }
        try (dev.hearth.boot.Node node = dev.hearth.boot.Node.start(
                BenchCommand.nodeConfig(ctx.workDir().resolve("burst")).withStemCells(SERVE_STEM_CELLS))) {
            return run(ctx, new LambdaApi(ctx.http(), node.endpoint()), n, python, sandbox);
        }
    }

    private List<Row> run(BenchContext ctx, LambdaApi api, int n, Interpreter python, SandboxBaseline sandbox)
            throws Exception {
        String name = "bench-burst";
        // The plan's memory (1769 MB: a full vCPU each, as in the other rows): at 128 MB an environment's CPU
        // quota is 7 % of a core, and 500 of them starting at once would measure that quota, not the platform.
        api.createFunction(name, "python3.12", "app.handler", NoOpCode.zip("app.py", HANDLER),
                ctx.plan().memoryMb(), (int) BARRIER_LIMIT.toSeconds() + 10);
        api.awaitActive(name, Duration.ofSeconds(60));
        String learn = "bench-burst-learn";
        api.createFunction(learn, "python3.12", "app.handler", NoOpCode.zip("app.py", HANDLER),
                ctx.plan().memoryMb(), 30);
        api.awaitActive(learn, Duration.ofSeconds(60));
        try (Barrier one = new Barrier(1)) {
            byte[] payload = ("{\"port\":" + one.port() + "}").getBytes(StandardCharsets.UTF_8);
            CompletableFuture<HttpResponse<byte[]>> call = ctx.http().sendAsync(
                    api.invokeRequest(learn, payload, false), HttpResponse.BodyHandlers.ofByteArray());
            one.awaitAll(BARRIER_LIMIT);
            one.close();
            call.get(60, TimeUnit.SECONDS);
        }
        api.deleteFunction(learn);
        warmUp(api, Math.min(n, WARM_UP), ctx.plan().memoryMb(), python, sandbox);
        Thread.sleep(CELLS_START_MILLIS);
        long rssBefore = ProcessMemory.ownRssBytes();
        long threadsBefore = ProcessMemory.ownThreads();

        Burst burst = burst(api, name, n);
        Thread.sleep(1000); // let every environment finish its post-invoke bookkeeping and go idle
        long pss = ProcessMemory.pssOfDescendants();
        long rssAfter = ProcessMemory.ownRssBytes();
        long threadsAfter = ProcessMemory.ownThreads();

        double baselineRate = sandbox.launchRate(python, n, 16);
        long onePss = sandbox.idlePssBytes(python);
        api.deleteFunction(name);

        String label = "" + n;
        Row rateRow = Row.rate(RATE.replace("N", label), burst.rate(), "sandboxed " + python.baselineName() + ", 16 at a time",
                baselineRate, 1);
        if (burst.failed() > 0) {
            rateRow = WarmLatency.withFailures(rateRow, new RequestLoop.Failures(burst.failed(),
                    "an invoke of the burst failed"), n);
        }
        return List.of(rateRow,
                Row.amount(PSS.replace("N", label), Row.MB, mb(pss), label + " × one idle sandboxed python3", mb(onePss) * n),
                Row.amount(RSS.replace("N", label), Row.MB, mb(rssAfter), "before the burst", mb(rssBefore)),
                Row.amount(THREADS.replace("N", label), Row.COUNT, threadsAfter, "before the burst", threadsBefore));
    }

    /**
     * Untimed, both sides alike: a burst of {@code n} environments of another function (deleted at once) and
     * {@code n} sandboxed baseline launches. The harness's JVM is seconds old when this row runs alone, and
     * per-thread CPU over the timed burst then gave the JIT compilers about 4 of the node's 11-12 ms per
     * environment: work a serving node has done before its next burst, not work of the environments. The fork
     * servers keep as many spares as the warm-up left them wanting (one to four each), as after any burst.
     */
    private static void warmUp(LambdaApi api, int n, int memoryMb, Interpreter python, SandboxBaseline sandbox)
            throws Exception {
        String warm = "bench-burst-warm-up";
        api.createFunction(warm, "python3.12", "app.handler", NoOpCode.zip("app.py", HANDLER), memoryMb, 30);
        api.awaitActive(warm, Duration.ofSeconds(60));
        burst(api, warm, n);
        api.deleteFunction(warm);
        sandbox.launchRate(python, n, 16);
    }

    /** Environments per second until the last reached the barrier, and how many invokes failed. */
    private record Burst(double rate, int failed) {
    }

    /**
     * N concurrent invokes, all held at a barrier until the last has arrived. Sent through a client of
     * their own, on virtual threads, closed before returning (see the class comment).
     */
    private static Burst burst(LambdaApi api, String name, int n) throws Exception {
        List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
        try (ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .connectTimeout(Duration.ofSeconds(10)).executor(clientThreads).build()) {
            double rate;
            try (Barrier barrier = new Barrier(n)) {
                byte[] payload = ("{\"port\":" + barrier.port() + "}").getBytes(StandardCharsets.UTF_8);
                // The last of N cold starts may come long after the first: the requests wait as long as the barrier.
                HttpRequest invoke = HttpRequest.newBuilder(api.invokeRequest(name, payload, false), (k, v) -> true)
                        .timeout(BARRIER_LIMIT.plusSeconds(30)).build();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    calls.add(client.sendAsync(invoke, HttpResponse.BodyHandlers.ofByteArray()));
                }
                boolean all = barrier.awaitAll(BARRIER_LIMIT);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (!all) {
                    throw new IllegalStateException("only " + barrier.arrived() + " of " + n + " environments reached"
                            + " the barrier within " + BARRIER_LIMIT.toSeconds() + " s" + firstFailure(calls));
                }
                rate = n / seconds;
            }
            int failed = 0;
            for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
                HttpResponse<byte[]> r = call.get(60, TimeUnit.SECONDS);
                failed += LambdaApi.succeeded(r) ? 0 : 1;
            }
            return new Burst(rate, failed);
        }
    }

    @Override
    public List<Row> failedRows(String error) {
        return List.of(Row.failed(RATE, Row.PER_SECOND, "sandboxed python3 -c pass", error),
                Row.failed(PSS, Row.MB, "one idle sandboxed python3 × N", error),
                Row.failed(RSS, Row.MB, "before the burst", error),
                Row.failed(THREADS, Row.COUNT, "before the burst", error));
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static String firstFailure(List<CompletableFuture<HttpResponse<byte[]>>> calls) {
        for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
            HttpResponse<byte[]> r = call.getNow(null);
            if (r != null && !LambdaApi.succeeded(r)) {
                return "; first failure: " + LambdaApi.describe(r);
            }
        }
        return "";
    }

    /**
     * The handlers' meeting point: each connects and sends one byte; once {@code expected} have arrived
     * (or on close) every connection gets a byte back, releasing the handlers.
     */
    private static final class Barrier implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> waiting = new ArrayList<>();
        private final CountDownLatch all;
        private final Thread acceptor;

        Barrier(int expected) throws IOException {
            this.server = new ServerSocket(0, 1024, java.net.InetAddress.getLoopbackAddress());
            this.all = new CountDownLatch(expected);
            this.acceptor = Thread.ofVirtual().name("bench-barrier").start(this::accept);
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> arrive(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void arrive(Socket s) {
            try {
                InputStream in = s.getInputStream();
                if (in.read() < 0) {
                    s.close();
                    return;
                }
                synchronized (waiting) {
                    waiting.add(s);
                }
                all.countDown();
            } catch (IOException e) {
                // a handler that went away before arriving is simply not counted
            }
        }

        int port() {
            return server.getLocalPort();
        }

        long arrived() {
            synchronized (waiting) {
                return waiting.size();
            }
        }

        boolean awaitAll(Duration limit) throws InterruptedException {
            return all.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws IOException {
            server.close();
            acceptor.interrupt();
            synchronized (waiting) {
                for (Socket s : waiting) {
                    try (s) {
                        s.getOutputStream().write('x');
                    } catch (IOException e) {
                        // the handler is gone; its invoke reports it
                    }
                }
                waiting.clear();
            }
        }
    }
}
