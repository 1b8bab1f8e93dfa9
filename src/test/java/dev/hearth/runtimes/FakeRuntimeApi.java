package dev.hearth.runtimes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the platform's Runtime API ({@code 2018-06-01}) in process tests of the real bootstraps:
 * hands out queued events on {@code /next} with the headers of reference §1.3 and records every
 * {@code /response}, {@code /error} and {@code /init/error}. Always answers 202 to posts. Not the real
 * server (that lives in the environment package); just enough protocol to drive a runtime.
 */
final class FakeRuntimeApi implements AutoCloseable {

    static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn-under-test";
    static final String TRACE_ID = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";

    /** One event to hand out, with the optional headers a caller can set. */
    record Event(String requestId, String payload, long deadlineMs, Optional<String> clientContext,
                 Optional<String> cognitoIdentity, String contentType) {
    }

    /** Something the runtime posted. {@code kind} is response, error or init-error. */
    record Posted(String kind, String requestId, String body, Map<String, String> headers, long receivedAtMs) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Map<String, BlockingQueue<Posted>> outcomes = new ConcurrentHashMap<>();
    private final BlockingQueue<Posted> initErrors = new LinkedBlockingQueue<>();
    private final List<String> nextCalls = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    FakeRuntimeApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/2018-06-01/runtime/", this::handle);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an event and returns its request id. */
    String enqueue(String payload) {
        return enqueue(payload, Optional.empty(), Optional.empty());
    }

    String enqueue(String payload, Optional<String> clientContext, Optional<String> cognitoIdentity) {
        return enqueue(new Event(UUID.randomUUID().toString(), payload, System.currentTimeMillis() + 60_000,
                clientContext, cognitoIdentity, "application/json"));
    }

    String enqueue(Event event) {
        outcomes.put(event.requestId(), new LinkedBlockingQueue<>());
        events.add(event);
        return event.requestId();
    }

    /** Sends an event and waits for the runtime's answer to it. */
    Posted invoke(String payload) {
        return await(enqueue(payload), Duration.ofSeconds(30));
    }

    Posted await(String requestId, Duration timeout) {
        try {
            Posted posted = outcomes.get(requestId).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (posted == null) {
                throw new AssertionError("no answer for " + requestId + " within " + timeout);
            }
            return posted;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Posted awaitInitError(Duration timeout) {
        try {
            Posted posted = initErrors.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (posted == null) {
                throw new AssertionError("no /init/error within " + timeout);
            }
            return posted;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** How many times the runtime has asked for work (init is done once this is 1). */
    int nextCalls() {
        return nextCalls.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring("/2018-06-01/runtime".length());
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("GET") && path.equals("/invocation/next")) {
                next(exchange);
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            String text = new String(body, StandardCharsets.UTF_8);
            long now = System.currentTimeMillis();
            if (path.equals("/init/error")) {
                initErrors.add(new Posted("init-error", "", text, headers, now));
            } else if (path.startsWith("/invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
                String[] parts = path.split("/");
                String requestId = parts[2];
                String kind = parts[3].equals("response") ? "response" : "error";
                BlockingQueue<Posted> queue = outcomes.get(requestId);
                if (queue == null) {
                    reply(exchange, 400, "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                queue.add(new Posted(kind, requestId, text, headers, now));
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"not found\",\"errorType\":\"NotFound\"}");
                return;
            }
            reply(exchange, 202, "{\"status\":\"OK\"}");
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        nextCalls.add(exchange.getRequestURI().toString());
        Event event = null;
        while (event == null && !closed) {
            try {
                event = events.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (event == null) {
            reply(exchange, 500, "{\"errorMessage\":\"shutting down\",\"errorType\":\"InternalServerError\"}");
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Lambda-Runtime-Aws-Request-Id", event.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(event.deadlineMs()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", ARN);
        headers.set("Lambda-Runtime-Trace-Id", TRACE_ID);
        event.clientContext().ifPresent(value -> headers.set("Lambda-Runtime-Client-Context", value));
        event.cognitoIdentity().ifPresent(value -> headers.set("Lambda-Runtime-Cognito-Identity", value));
        headers.set("Content-Type", event.contentType());
        byte[] payload = event.payload().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, payload.length == 0 ? -1 : payload.length);
        exchange.getResponseBody().write(payload);
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
