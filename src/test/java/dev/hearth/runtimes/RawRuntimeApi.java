package dev.hearth.runtimes;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Runtime API spoken by hand over the one connection a bootstrap makes, for tests of what the runtime
 * writes and when: each request is read only when the test asks for it and answered only when the test
 * says so (unlike {@link FakeRuntimeApi}, which answers everything at once). Blocking; used from the test's
 * own thread.
 */
final class RawRuntimeApi implements AutoCloseable {

    /** One request as the runtime wrote it: the request line, its headers (lower-case names), its body. */
    record Request(String line, Map<String, String> headers, String body) {
    }

    private final ServerSocket server;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawRuntimeApi() throws IOException {
        server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** The runtime's next request, read within {@code timeout} (the connection is accepted on the first call). */
    Request read(Duration timeout) throws IOException {
        int millis = Math.toIntExact(timeout.toMillis());
        if (socket == null) {
            server.setSoTimeout(millis);
            socket = server.accept();
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }
        socket.setSoTimeout(millis);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the runtime closed the connection");
            }
            head.write(b);
            last4 = last4 << 8 | b;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Request(lines[0], headers, new String(body, StandardCharsets.UTF_8));
    }

    /** True when the runtime has written something not read yet. */
    boolean hasUnreadBytes() throws IOException {
        return in.available() > 0;
    }

    /** Answers the oldest unanswered request with an event. */
    void sendEvent(String requestId, String payload) throws IOException {
        answer(200, "OK", "Lambda-Runtime-Aws-Request-Id: " + requestId + "\r\n"
                + "Lambda-Runtime-Deadline-Ms: " + (System.currentTimeMillis() + 60_000) + "\r\n"
                + "Lambda-Runtime-Invoked-Function-Arn: " + FakeRuntimeApi.ARN + "\r\n", payload);
    }

    /** Answers the oldest unanswered request with {@code status} and a JSON body. */
    void answer(int status, String reason, String extraHeaders, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\n" + extraHeaders
                + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    static final String NEXT = "GET /2018-06-01/runtime/invocation/next HTTP/1.1";

    /**
     * Two invokes of an echoing handler: after each result the runtime asks /next right behind it, before
     * the result is answered. {@code echoed} renders the runtime's JSON of {@code {"n":k}}.
     */
    void expectNextRightBehindEachResult(Duration wait, java.util.function.IntFunction<String> echoed) throws IOException {
        assertThat(read(wait).line()).isEqualTo(NEXT);
        for (int n = 1; n <= 2; n++) {
            sendEvent("req-" + n, "{\"n\":" + n + "}");
            Request result = read(wait);
            assertThat(result.line()).isEqualTo("POST /2018-06-01/runtime/invocation/req-" + n + "/response HTTP/1.1");
            assertThat(result.body()).isEqualTo(echoed.apply(n));
            // The result is not answered yet: /next follows it on the same connection all the same.
            assertThat(read(Duration.ofSeconds(5)).line()).isEqualTo(NEXT);
            answer(202, "Accepted", "", "{\"status\":\"OK\"}");
        }
    }

    /**
     * One invoke whose result ({@code resultBytes} long) is over what the platform accepts: the runtime asks
     * /next only once the refusal is answered, so that {@code logged} (its line about the refusal, which
     * must precede END) comes first.
     */
    void expectNoNextBehindARefusableResult(Duration wait, int resultBytes, java.util.function.BooleanSupplier logged)
            throws IOException {
        read(wait);
        sendEvent("req-1", "{}");
        assertThat(read(wait).body()).hasSize(resultBytes);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !hasUnreadBytes());
        answer(413, "Request Entity Too Large", "", "{\"errorMessage\":\"too large\",\"errorType\":\"RequestEntityTooLarge\"}");
        assertThat(read(wait).line()).isEqualTo(NEXT);
        await().atMost(wait).until(logged::getAsBoolean);
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
        server.close();
    }
}
