package dev.hearth.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The timed loops shared by the warm rows: one client sending one prebuilt request after another, and
 * {@code n} clients sending for a fixed window. A request counts as failed unless it answers 200 without
 * {@code X-Amz-Function-Error}; failures are counted (and the first one kept) outside the timing.
 */
final class RequestLoop {

    private RequestLoop() {
    }

    /** Failures seen by a loop: how many, and the first one described. */
    record Failures(long count, String first) {
        static final Failures NONE = new Failures(0, "");

        Failures plus(Failures other) {
            return new Failures(count + other.count, first.isEmpty() ? other.first : first);
        }
    }

    record Latencies(long[] nanos, Failures failures) {
    }

    /** {@code n} sequential requests, each timed from send to the last byte of the response. */
    static Latencies sequential(HttpClient http, HttpRequest request, int n) throws IOException, InterruptedException {
        long[] nanos = new long[n];
        return new Latencies(nanos, timed(http, request, nanos, 0, n));
    }

    /** The samples of two requests measured alike by {@link #interleaved}. */
    record Pair(Latencies first, Latencies second) {
    }

    /**
     * {@code n} sequential requests of each of {@code a} and {@code b}, in alternating batches of
     * {@code batch}, the order flipping every round (a b, b a, a b, ...): whatever drifts on the machine
     * while they run (other processes, the JIT, the collector) falls on both alike.
     */
    static Pair interleaved(HttpClient http, HttpRequest a, HttpRequest b, int n, int batch)
            throws IOException, InterruptedException {
        long[] aNanos = new long[n];
        long[] bNanos = new long[n];
        Failures aFailures = Failures.NONE;
        Failures bFailures = Failures.NONE;
        boolean aFirst = true;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            if (aFirst) {
                aFailures = aFailures.plus(timed(http, a, aNanos, from, to));
                bFailures = bFailures.plus(timed(http, b, bNanos, from, to));
            } else {
                bFailures = bFailures.plus(timed(http, b, bNanos, from, to));
                aFailures = aFailures.plus(timed(http, a, aNanos, from, to));
            }
            aFirst = !aFirst;
        }
        return new Pair(new Latencies(aNanos, aFailures), new Latencies(bNanos, bFailures));
    }

    /** Requests {@code from} to {@code to} (exclusive) of a timed loop, each timed into {@code nanos}. */
    private static Failures timed(HttpClient http, HttpRequest request, long[] nanos, int from, int to)
            throws IOException, InterruptedException {
        long failed = 0;
        HttpResponse<byte[]> firstFailure = null;
        for (int i = from; i < to; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            nanos[i] = System.nanoTime() - t0;
            if (!LambdaApi.succeeded(response)) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = response;
                }
            }
        }
        return failed == 0 ? Failures.NONE : new Failures(failed, LambdaApi.describe(firstFailure));
    }

    record Rate(double perSecond, long completed, Failures failures) {
    }

    /**
     * {@code clients} threads of {@code executor} each send {@code request} back to back for {@code window};
     * the rate counts the successful responses that arrived inside the window, divided by the window.
     * Clients start together on a latch, after their threads exist.
     */
    static Rate concurrent(HttpClient http, HttpRequest request, int clients, Duration window, ExecutorService executor)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] start = new long[1];
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            results.add(executor.submit(() -> {
                ready.countDown();
                go.await();
                long end = start[0] + window.toNanos();
                long ok = 0;
                long failed = 0;
                while (true) {
                    HttpResponse<byte[]> response;
                    try {
                        response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    } catch (IOException e) {
                        // a reset connection costs this client one request, not the rest of the window
                        response = null;
                        firstFailure.compareAndSet(null, e.toString());
                    }
                    if (System.nanoTime() - end > 0) {
                        break;
                    }
                    if (response != null && LambdaApi.succeeded(response)) {
                        ok++;
                    } else {
                        failed++;
                        if (response != null) {
                            firstFailure.compareAndSet(null, LambdaApi.describe(response));
                        }
                    }
                }
                return new long[] {ok, failed};
            }));
        }
        ready.await();
        start[0] = System.nanoTime();
        go.countDown();
        long ok = 0;
        long failed = 0;
        for (Future<long[]> f : results) {
            try {
                long[] r = f.get();
                ok += r[0];
                failed += r[1];
            } catch (ExecutionException e) {
                failed++;
                firstFailure.compareAndSet(null, String.valueOf(e.getCause()));
            }
        }
        String first = firstFailure.get();
        Failures failures = failed == 0 ? Failures.NONE : new Failures(failed, first == null ? "" : first);
        return new Rate(ok / (window.toNanos() / 1e9), ok, failures);
    }
}
