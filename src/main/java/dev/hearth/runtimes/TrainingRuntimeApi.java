package dev.hearth.runtimes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Runtime API of one Java training run ({@link JavaClassDataCache}): hands the runtime a single event,
 * waits for its response, and then leaves every further {@code GET /next} parked, as an idle environment's
 * would be, until the run is stopped. Only the handful of headers the Java RIC reads are sent.
 *
 * <p>This is not the node's Runtime API (which lives in {@code environment} and runs on the event loop): a
 * training run is a one-off background job, so the JDK's own small server on virtual threads is enough.
 * Bound to 127.0.0.1 on an ephemeral port. Thread-safe; {@link #close} stops it.
 */
final class TrainingRuntimeApi implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final String REQUEST_ID = "00000000-0000-4000-8000-00000000aa07";
    private static final byte[] EVENT = "{\"training\":true,\"items\":[1,2,3],\"nested\":{\"text\":\"hearth\"}}"
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final CountDownLatch answered = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicBoolean handedOut = new AtomicBoolean();

    private TrainingRuntimeApi(HttpServer server) {
        this.server = server;
    }

    static TrainingRuntimeApi start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        TrainingRuntimeApi api = new TrainingRuntimeApi(server);
        server.createContext(PREFIX, api::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return api;
    }

    /** {@code host:port}, for {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Whether the runtime answered the event (with a response, not an error) within {@code timeout}. */
    boolean awaitResponse(Duration timeout) throws InterruptedException {
        return answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.equals(PREFIX + "invocation/next")) {
                next(exchange);
            } else if (path.equals(PREFIX + "invocation/" + REQUEST_ID + "/response")) {
                exchange.sendResponseHeaders(202, -1);
                answered.countDown();
            } else {
                // /init/error or /invocation/…/error: the run failed; awaitResponse times out and says so.
                exchange.sendResponseHeaders(202, -1);
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        if (!handedOut.compareAndSet(false, true)) {
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(500, -1);
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", REQUEST_ID);
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 60_000));
        headers.set("Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:us-east-1:000000000000:function:" + JavaClassDataCache.TRAINING_FUNCTION);
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0");
        exchange.sendResponseHeaders(200, EVENT.length);
        exchange.getResponseBody().write(EVENT);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
