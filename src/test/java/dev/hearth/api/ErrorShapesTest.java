package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.stream.StreamSupport;

import static dev.hearth.api.Fixtures.HANDLER;
import static dev.hearth.api.Fixtures.ROLE;
import static dev.hearth.api.Fixtures.RUNTIME;
import static dev.hearth.api.Fixtures.functionNotFound;
import static dev.hearth.api.Fixtures.uniqueName;
import static dev.hearth.api.Fixtures.zip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire format of errors, checked with a plain HTTP client rather than the SDK (which hides it): the
 * status, the {@code x-amzn-ErrorType} and {@code x-amzn-RequestId} headers, and exactly the body keys AWS
 * sends for each error type, including the casing of {@code message}.
 */
class ErrorShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static TestNode node;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        node.close();
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.endpoint() + path))
                .method(method, publisher)
                .header("Content-Type", "application/json")
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String createBody(String name, Map<String, Object> overrides) throws Exception {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("FunctionName", name);
        body.put("Runtime", RUNTIME);
        body.put("Handler", HANDLER);
        body.put("Role", ROLE);
        body.put("Code", Map.of("ZipFile", Base64.getEncoder().encodeToString(zip())));
        body.putAll(overrides);
        return JSON.writeValueAsString(body);
    }

    private static HttpResponse<String> createFunction(String name, Map<String, Object> overrides) throws Exception {
        return send("POST", "/2015-03-31/functions", createBody(name, overrides));
    }

    private static JsonNode body(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static List<String> keys(JsonNode node) {
        return StreamSupport.stream(node.properties().spliterator(), false).map(Map.Entry::getKey).toList();
    }

    /** Status, error headers and the exact key set of the body; returns the body. */
    private static JsonNode assertError(HttpResponse<String> r, int status, String errorType, String... bodyKeys)
            throws IOException {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue(errorType);
        assertThat(r.headers().firstValue("x-amzn-RequestId")).hasValueSatisfying(id -> assertThat(id).matches(UUID));
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        JsonNode body = body(r);
        assertThat(keys(body)).containsExactlyInAnyOrder(bodyKeys);
        return body;
    }

    // ---- body shapes by error type ------------------------------------------------------------------

    @Test
    void resourceNotFound_hasTypeUserAndCapitalisedMessage() throws Exception {
        String name = uniqueName("missing");

        JsonNode body = assertError(send("GET", "/2015-03-31/functions/" + name, null), 404,
                "ResourceNotFoundException", "Type", "Message");

        assertThat(body.get("Type").asText()).isEqualTo("User");
        assertThat(body.get("Message").asText()).isEqualTo(functionNotFound(name));
    }

    @Test
    void invalidParameterValue_hasTypeUserAndLowercaseMessage() throws Exception {
        JsonNode body = assertError(createFunction(uniqueName("ipve"), Map.of("Runtime", "bogus")), 400,
                "InvalidParameterValueException", "Type", "message");

        assertThat(body.get("Type").asText()).isEqualTo("User");
        assertThat(body.get("message").asText()).startsWith("Value bogus at 'runtime' failed to satisfy constraint:");
    }

    @Test
    void resourceConflict_hasTypeUserAndLowercaseMessage() throws Exception {
        String name = uniqueName("conflict");
        assertThat(createFunction(name, Map.of()).statusCode()).isEqualTo(201);

        JsonNode body = assertError(createFunction(name, Map.of()), 409, "ResourceConflictException", "Type", "message");

        assertThat(body.get("Type").asText()).isEqualTo("User");
        assertThat(body.get("message").asText()).isEqualTo("Function already exist: " + name);
    }

    @Test
    void preconditionFailed_hasTypeUserAndLowercaseMessage() throws Exception {
        String name = uniqueName("precondition");
        createFunction(name, Map.of());
        Fixtures.awaitSettled(node.lambda(), name);

        JsonNode body = assertError(send("PUT", "/2015-03-31/functions/" + name + "/configuration",
                "{\"RevisionId\":\"wrong\",\"Timeout\":5}"), 412, "PreconditionFailedException", "Type", "message");

        assertThat(body.get("Type").asText()).isEqualTo("User");
        assertThat(body.get("message").asText()).isEqualTo("The Revision Id provided does not match the latest"
                + " Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
    }

    @Test
    void validationException_hasOnlyALowercaseMessage() throws Exception {
        JsonNode body = assertError(createFunction(uniqueName("validation"), Map.of("MemorySize", 1)), 400,
                "ValidationException", "message");

        assertThat(body.get("message").asText()).isEqualTo("1 validation error detected: Value '1' at 'memorySize'"
                + " failed to satisfy constraint: Member must have value greater than or equal to 128");
    }

    @Test
    void accessDenied_hasANullMessage() throws Exception {
        JsonNode body = assertError(createFunction("arn:aws:lambda:us-east-1:123456789012:function:" + uniqueName("x"),
                Map.of()), 403, "AccessDeniedException", "Message");

        assertThat(body.get("Message").isNull()).isTrue();
    }

    // ---- malformed requests ---------------------------------------------------------------------------

    @Test
    void malformedJsonBody_isASerializationException() throws Exception {
        HttpResponse<String> r = send("POST", "/2015-03-31/functions", "{\"FunctionName\": ");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("SerializationException");
        assertThat(r.headers().firstValue("x-amzn-RequestId")).isPresent();
    }

    @Test
    void memberOfTheWrongJsonType_isASerializationExceptionNamingTheToken() throws Exception {
        HttpResponse<String> r = createFunction(uniqueName("types"), Map.of("MemorySize", "big"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("SerializationException");
        assertThat(body(r).get("Message").asText()).isEqualTo("STRING_VALUE can not be converted to an Integer");
    }

    @Test
    void bodyThatIsNotAnObject_isASerializationException() throws Exception {
        HttpResponse<String> r = send("POST", "/2015-03-31/functions", "[1, 2]");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("SerializationException");
    }

    @Test
    void unknownRoute_is404() throws Exception {
        HttpResponse<String> r = send("GET", "/2015-03-31/no-such-thing", null);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
        assertThat(r.headers().firstValue("x-amzn-RequestId")).isPresent();
    }

    // ---- request size ------------------------------------------------------------------------------------

    @Test
    void createFunction_declaringABodyOverTheLimit_isRejectedWith413BeforeTheBodyIsSent() throws Exception {
        try (Socket socket = new Socket(node.endpoint().getHost(), node.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /2015-03-31/functions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 70167212\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            RawResponse r = RawResponse.read(socket.getInputStream());

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("x-amzn-ErrorType")).isEqualTo("RequestEntityTooLargeException");
            assertThat(r.header("x-amzn-RequestId")).matches(UUID);
            JsonNode body = JSON.readTree(r.body());
            assertThat(keys(body)).containsExactly("message");
            assertThat(body.get("message").asText())
                    .isEqualTo("Request must be smaller than 70167211 bytes for the CreateFunction operation");
        }
    }

    @Test
    void createFunction_streamingABodyOverTheLimit_isRejectedWith413() throws Exception {
        long size = 70_167_212L;
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.endpoint() + "/2015-03-31/functions"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(new Filler(size))) // no length: sent chunked
                .build();

        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("RequestEntityTooLargeException");
        assertThat(body(r).get("message").asText())
                .isEqualTo("Request must be smaller than 70167211 bytes for the CreateFunction operation");
    }

    @Test
    void putWithExpectContinue_isToldToContinueAtOnce() throws Exception {
        String name = uniqueName("continue");
        createFunction(name, Map.of());
        byte[] body = "{\"Description\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(node.endpoint().getHost(), node.port())) {
            socket.setSoTimeout(1_000); // the SDK's Apache client waits 3 s for "100 Continue" before giving up
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /2015-03-31/functions/" + name + "/configuration HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();

            assertThat(RawResponse.readHead(in).getFirst()).isEqualTo("HTTP/1.1 100 Continue");
            out.write(body);
            out.flush();
            RawResponse r = RawResponse.read(in);
            assertThat(r.status()).isIn(200, 409); // 409 if the function is still Pending
        }
    }

    // ---- success responses ------------------------------------------------------------------------------

    @Test
    void everyResponse_carriesAFreshRequestId() throws Exception {
        HttpResponse<String> a = send("GET", "/2016-08-19/account-settings", null);
        HttpResponse<String> b = send("GET", "/2016-08-19/account-settings", null);

        assertThat(a.headers().firstValue("x-amzn-RequestId")).hasValueSatisfying(id -> assertThat(id).matches(UUID));
        assertThat(a.headers().firstValue("x-amzn-RequestId")).isNotEqualTo(b.headers().firstValue("x-amzn-RequestId"));
        assertThat(a.headers().firstValue("x-amzn-ErrorType")).isEmpty();
    }

    @Test
    void createFunction_answers201WithJson() throws Exception {
        HttpResponse<String> r = createFunction(uniqueName("raw-create"), Map.of());

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = body(r);
        assertThat(keys(body)).doesNotContain("LastUpdateStatus", "Environment", "VpcConfig", "Layers",
                "DeadLetterConfig", "KMSKeyArn");
        assertThat(body.get("State").asText()).isEqualTo("Pending");
        assertThat(body.get("CodeSize").isIntegralNumber()).isTrue();
    }

    @Test
    void deleteAndTagOperations_answer204WithAnEmptyBody() throws Exception {
        String name = uniqueName("empty-bodies");
        createFunction(name, Map.of());
        String arn = Fixtures.arn(name);

        HttpResponse<String> tag = send("POST", "/2017-03-31/tags/" + arn, "{\"Tags\":{\"k\":\"v\"}}");
        HttpResponse<String> untag = send("DELETE", "/2017-03-31/tags/" + arn + "?tagKeys=k", null);
        HttpResponse<String> delete = send("DELETE", "/2015-03-31/functions/" + name, null);

        for (HttpResponse<String> r : List.of(tag, untag, delete)) {
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void listTags_ofAnUntaggedFunction_sendsAnEmptyTagsObject() throws Exception {
        String name = uniqueName("empty-tags");
        createFunction(name, Map.of());

        HttpResponse<String> r = send("GET", "/2017-03-31/tags/" + Fixtures.arn(name), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"Tags\":{}}");
    }

    @Test
    void getFunction_withoutTags_hasNoTagsKey() throws Exception {
        String name = uniqueName("no-tags-key");
        createFunction(name, Map.of());

        JsonNode body = body(send("GET", "/2015-03-31/functions/" + name, null));

        assertThat(keys(body)).containsExactlyInAnyOrder("Configuration", "Code");
        assertThat(keys(body.get("Code"))).containsExactlyInAnyOrder("Location", "RepositoryType");
    }

    // ---- raw HTTP/1.1 ------------------------------------------------------------------------------------

    /** A response read straight off a socket. */
    private record RawResponse(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        static RawResponse read(InputStream in) throws IOException {
            List<String> head = readHead(in);
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (String line : head.subList(1, head.size())) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
            String length = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("content-length"))
                    .map(Map.Entry::getValue).findFirst().orElse("0");
            byte[] body = in.readNBytes(Integer.parseInt(length));
            return new RawResponse(Integer.parseInt(head.getFirst().split(" ")[1]), headers, body);
        }

        /** The status line and header lines, up to the blank line. */
        static List<String> readHead(InputStream in) throws IOException {
            List<String> lines = new ArrayList<>();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != -1; ) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.US_ASCII).stripTrailing();
                    line.reset();
                    if (text.isEmpty()) {
                        return lines;
                    }
                    lines.add(text);
                } else {
                    line.write(b);
                }
            }
            throw new IOException("connection closed in the response head: " + lines);
        }
    }

    /** Publishes {@code size} zero bytes in 64 KB buffers, on demand. */
    private record Filler(long size) implements Flow.Publisher<ByteBuffer> {
        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private long sent;
                private boolean done;

                @Override
                public synchronized void request(long n) {
                    for (long i = 0; i < n && !done; i++) {
                        int chunk = (int) Math.min(64 * 1024, size - sent);
                        if (chunk == 0) {
                            done = true;
                            subscriber.onComplete();
                            return;
                        }
                        sent += chunk;
                        subscriber.onNext(ByteBuffer.wrap(new byte[chunk]));
                    }
                }

                @Override
                public synchronized void cancel() {
                    done = true;
                }
            });
        }
    }
}
