package dev.hearth.environment;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes of the Runtime API's 202 to an accepted result, as the Python runtime counts them: after a result
 * posted with {@code /next} behind it, that runtime sleeps (SO_RCVLOWAT) until more than a bare 202 has
 * arrived. Were the node's 202 to change, the runtime would still be correct, but woken twice per invocation
 * again; this test says so instead of a silent loss.
 */
class AcceptedReplyWireTest {
    private static final String ACCEPTED = "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\n"
            + "content-length: 15\r\n\r\n{\"status\":\"OK\"}";
    /** How hearth_runtime.py writes the same bytes in its source (Python escapes, two adjacent literals). */
    private static final String PYTHON_SOURCE = "b\"HTTP/1.1 202 Accepted\\r\\ncontent-type: application/json"
            + "\\r\\ncontent-length: 15\\r\\n\\r\\n\"\n                      b'{\"status\":\"OK\"}'";

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void acceptedResult_isAnsweredWithExactlyTheBytesThePythonRuntimeWaitsPast() throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        context.runOnContext(v -> new RuntimeApiServer(vertx, new AcceptingHandler() {
            @Override
            public void next(HttpServerResponse response) {
                // Parked: only the result's answer is read here.
            }
        }, (client, server) -> CompletableFuture.completedFuture(true)).listen().onComplete(r -> {
            if (r.succeeded()) {
                port.complete(r.result());
            } else {
                port.completeExceptionally(r.cause());
            }
        }));

        byte[] answer;
        try (Socket socket = new Socket("127.0.0.1", port.get(10, TimeUnit.SECONDS))) {
            socket.setSoTimeout(5000);
            String body = "{\"ok\":true}";
            OutputStream out = socket.getOutputStream();
            out.write(("POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            answer = readExactly(socket.getInputStream(), ACCEPTED.length());
            socket.setSoTimeout(200);
            assertThat(available(socket.getInputStream())).as("bytes after the 202").isZero();
        }

        assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo(ACCEPTED);
        try (InputStream source = getClass().getResourceAsStream("/dev/hearth/runtimes/python/hearth_runtime.py")) {
            assertThat(new String(source.readAllBytes(), StandardCharsets.UTF_8)).contains(PYTHON_SOURCE);
        }
    }

    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        assertThat(bytes).hasSize(length);
        return bytes;
    }

    /** Bytes that arrive within the socket's timeout: none, if the 202 was all of the answer. */
    private static int available(InputStream in) throws IOException {
        try {
            return in.read() < 0 ? 0 : 1;
        } catch (java.net.SocketTimeoutException e) {
            return 0;
        }
    }
}
