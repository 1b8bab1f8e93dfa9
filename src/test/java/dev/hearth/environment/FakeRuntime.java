package dev.hearth.environment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What a scripted runtime can do: the calls of a real runtime interface client against the real Runtime
 * API (over HTTP, found through {@code AWS_LAMBDA_RUNTIME_API} like a real one), printing to its stdout
 * and stderr, and ending with an exit code or an out-of-memory kill.
 */
final class FakeRuntime {
    /** Thrown by {@link #exit} and {@link #outOfMemory}; the sandbox turns it into the exit status. */
    static final class Exit extends RuntimeException {
        final int code;
        final boolean oom;

        Exit(int code, boolean oom) {
            super(null, null, false, false);
            this.code = code;
            this.oom = oom;
        }
    }

    record Event(int status, HttpHeaders headers, byte[] body) {
        String requestId() {
            return headers.firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Reply(int status, String body, HttpHeaders headers) {
    }

    private final Map<String, String> env;
    private final HttpClient http;
    private final PrintStream out;
    private final PrintStream err;

    FakeRuntime(Map<String, String> env, HttpClient http, PrintStream out, PrintStream err) {
        this.env = env;
        this.http = http;
        this.out = out;
        this.err = err;
    }

    Map<String, String> env() {
        return env;
    }

    String base() {
        return "http://" + env.get("AWS_LAMBDA_RUNTIME_API");
    }

    Event next() throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri("/2018-06-01/runtime/invocation/next")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Event(r.statusCode(), r.headers(), r.body());
    }

    Reply respond(String requestId, String body) throws IOException, InterruptedException {
        return post("/2018-06-01/runtime/invocation/" + requestId + "/response", body.getBytes(StandardCharsets.UTF_8));
    }

    Reply error(String requestId, String errorType, String body) throws IOException, InterruptedException {
        return post("/2018-06-01/runtime/invocation/" + requestId + "/error", body.getBytes(StandardCharsets.UTF_8),
                "Lambda-Runtime-Function-Error-Type", errorType, "Content-Type", "application/json");
    }

    Reply initError(String errorType, String body) throws IOException, InterruptedException {
        return post("/2018-06-01/runtime/init/error", body.getBytes(StandardCharsets.UTF_8),
                "Lambda-Runtime-Function-Error-Type", errorType, "Content-Type", "application/json");
    }

    /** POST with a content-length body and the given header name/value pairs. */
    Reply post(String path, byte[] body, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)), headers);
    }

    /** POST with a chunked body (no content-length). */
    Reply postChunked(String path, byte[] body, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))), headers);
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply method(String method, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private Reply send(HttpRequest.Builder request, String... headers) throws IOException, InterruptedException {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers());
    }

    void println(String line) {
        out.println(line);
        out.flush();
    }

    void eprintln(String line) {
        err.println(line);
        err.flush();
    }

    /** Ends the process with {@code code}. */
    Exit exit(int code) {
        throw new Exit(code, false);
    }

    /** Ends the process the way the kernel's OOM killer does: SIGKILL, with the cgroup's oom_kill flag. */
    Exit outOfMemory() {
        throw new Exit(-1, true);
    }

    /** Blocks until the sandbox is killed: a runtime stuck in init or in the handler. */
    void hang() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    private URI uri(String path) {
        return URI.create(base() + path);
    }
}
