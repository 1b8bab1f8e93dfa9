package dev.hearth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * The few Lambda API operations the harness needs, as raw JSON over {@link HttpClient} (the AWS SDK is
 * test-scoped). Invoke requests are built once by {@link #invokeRequest} and reused in timed loops.
 * Thread-safe.
 */
final class LambdaApi {

    static final String ROLE = "arn:aws:iam::000000000000:role/hearth-bench";
    /** The benchmark functions' Timeout (30 s) plus a margin: a call slower than that means the node is stuck. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(35);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(10);

    private final HttpClient http;
    private final URI endpoint;
    private final ObjectMapper json = new ObjectMapper();

    LambdaApi(HttpClient http, URI endpoint) {
        this.http = http;
        this.endpoint = endpoint;
    }

    JsonNode createFunction(String name, String runtime, String handler, byte[] zip, int memoryMb, int timeoutSeconds)
            throws IOException, InterruptedException {
        return createFunction(name, runtime, handler, zip, memoryMb, timeoutSeconds, Map.of());
    }

    /** CreateFunction; {@code Environment} is sent only when there are variables. */
    JsonNode createFunction(String name, String runtime, String handler, byte[] zip, int memoryMb, int timeoutSeconds,
                            Map<String, String> variables) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode()
                .put("FunctionName", name)
                .put("Runtime", runtime)
                .put("Handler", handler)
                .put("Role", ROLE)
                .put("MemorySize", memoryMb)
                .put("Timeout", timeoutSeconds);
        body.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(zip));
        if (!variables.isEmpty()) {
            ObjectNode vars = body.putObject("Environment").putObject("Variables");
            variables.forEach(vars::put);
        }
        return call("POST", "/2015-03-31/functions", body, 201);
    }

    URI endpoint() {
        return endpoint;
    }

    JsonNode getConfiguration(String name) throws IOException, InterruptedException {
        return call("GET", fn(name) + "/configuration", null, 200);
    }

    JsonNode updateEnvironment(String name, Map<String, String> variables) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode();
        ObjectNode vars = body.putObject("Environment").putObject("Variables");
        variables.forEach(vars::put);
        return call("PUT", fn(name) + "/configuration", body, 200);
    }

    /**
     * A cheap control-plane read (ListFunctions, one item) that fails within {@code PING_TIMEOUT}: tells
     * whether the node still answers the API routes that run off the event loop.
     */
    void ping() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/2015-03-31/functions?MaxItems=1"))
                .timeout(PING_TIMEOUT).GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("ListFunctions answered " + describe(response));
        }
    }

    void deleteFunction(String name) throws IOException, InterruptedException {
        call("DELETE", fn(name), null, 204);
    }

    /** Waits for {@code State: Active}; fails fast on {@code Failed}. */
    void awaitActive(String name, Duration limit) throws IOException, InterruptedException {
        awaitField(name, "State", "Active", limit);
    }

    /** Waits for {@code LastUpdateStatus: Successful} after an update. */
    void awaitUpdated(String name, Duration limit) throws IOException, InterruptedException {
        awaitField(name, "LastUpdateStatus", "Successful", limit);
    }

    private void awaitField(String name, String field, String wanted, Duration limit)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            JsonNode config = getConfiguration(name);
            String value = config.path(field).asText();
            if (wanted.equals(value)) {
                return;
            }
            if ("Failed".equals(value)) {
                throw new IOException(name + ": " + field + " Failed: " + config.path("StateReason").asText(
                        config.path("LastUpdateStatusReason").asText()));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + ": " + field + " still " + value + " after " + limit.toSeconds() + " s");
            }
            Thread.sleep(POLL);
        }
    }

    /** A reusable synchronous invoke request; {@code tail} asks for the log tail (X-Amz-Log-Type: Tail). */
    HttpRequest invokeRequest(String name, byte[] payload, boolean tail) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(fn(name) + "/invocations"))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        if (tail) {
            b.header("X-Amz-Log-Type", "Tail");
        }
        return b.build();
    }

    /** Sends an invoke and fails unless it succeeded (200 without X-Amz-Function-Error). */
    HttpResponse<byte[]> invoke(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (!succeeded(response)) {
            throw new IOException("invoke failed: " + describe(response));
        }
        return response;
    }

    static boolean succeeded(HttpResponse<byte[]> response) {
        return response.statusCode() == 200 && response.headers().firstValue("X-Amz-Function-Error").isEmpty();
    }

    static String describe(HttpResponse<byte[]> response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        return "HTTP " + response.statusCode()
                + response.headers().firstValue("X-Amz-Function-Error").map(e -> " " + e).orElse("")
                + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
    }

    /** The decoded log tail of an invoke made with {@code tail}, or "". */
    static String logTail(HttpResponse<byte[]> response) {
        return response.headers().firstValue("X-Amz-Log-Result")
                .map(b -> new String(Base64.getDecoder().decode(b), StandardCharsets.UTF_8))
                .orElse("");
    }

    private JsonNode call(String method, String path, JsonNode body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .method(method, publisher)
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != expected) {
            throw new IOException(method + " " + path + " answered " + describe(response));
        }
        return response.body().length == 0 ? json.createObjectNode() : json.readTree(response.body());
    }

    private static String fn(String name) {
        return "/2015-03-31/functions/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }
}
