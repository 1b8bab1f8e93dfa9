package dev.hearth.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-process runtime's lean HTTP client: what it reads off the Runtime API and what it sends back. */
class RuntimeWireTest {

    private static final String API = "127.0.0.1:9001";

    @Test
    void postResponse_afterAnEventArrivingInPieces_echoesItsBodyToItsRequestId() throws IOException {
        String event = "HTTP/1.1 200 OK\r\nlambda-runtime-aws-request-ID:  abc-123 \r\nContent-Type: application/json\r\n"
                + "Content-Length: 9\r\n\r\n{\"k\":\"v\"}";
        // Split inside the head's blank line and inside the body: the reader must wait for both.
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        RuntimeWire wire = new RuntimeWire(chunks(event.substring(0, 70), event.substring(70, event.length() - 3),
                event.substring(event.length() - 3)), sent, API);

        assertThat(wire.readResponse()).isEqualTo(200);
        wire.postResponseEchoingEvent();

        assertThat(sent.toString(StandardCharsets.ISO_8859_1)).isEqualTo(
                "POST /2018-06-01/runtime/invocation/abc-123/response HTTP/1.1\r\nHost: " + API
                        + "\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"k\":\"v\"}");
    }

    @Test
    void readResponse_ofResponsesBackToBack_readsEachWholeInTurn() throws IOException {
        String big = "x".repeat(40_000);
        String both = "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}"
                + "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r2\r\nContent-Length: " + big.length() + "\r\n\r\n" + big;
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        RuntimeWire wire = new RuntimeWire(chunks(both), sent, API);

        assertThat(wire.readResponse()).isEqualTo(202);
        assertThat(wire.readResponse()).isEqualTo(200);
        wire.postResponseEchoingEvent();

        assertThat(sent.toString(StandardCharsets.ISO_8859_1))
                .startsWith("POST /2018-06-01/runtime/invocation/r2/response HTTP/1.1\r\n")
                .contains("\r\nContent-Length: 40000\r\n\r\n")
                .endsWith(big);
    }

    @Test
    void askNext_sendsTheLongPoll() throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        new RuntimeWire(chunks(), sent, API).askNext();

        assertThat(sent.toString(StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: " + API + "\r\n\r\n");
    }

    @Test
    void postResponse_whenTheEventHasNoRequestId_fails() throws IOException {
        RuntimeWire wire = new RuntimeWire(chunks("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"),
                new ByteArrayOutputStream(), API);

        wire.readResponse();

        assertThatThrownBy(wire::postResponseEchoingEvent).isInstanceOf(IOException.class);
    }

    @Test
    void readResponse_whenTheConnectionClosesMidBody_fails() {
        RuntimeWire wire = new RuntimeWire(chunks("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{}"),
                new ByteArrayOutputStream(), API);

        assertThatThrownBy(wire::readResponse).isInstanceOf(IOException.class);
    }

    /** A stream that hands out the given pieces one read at a time, then ends. */
    private static InputStream chunks(String... pieces) {
        Deque<byte[]> left = new ArrayDeque<>();
        for (String p : List.of(pieces)) {
            left.add(p.getBytes(StandardCharsets.ISO_8859_1));
        }
        return new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException("the wire reads in blocks");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                byte[] next = left.peekFirst();
                if (next == null) {
                    return -1;
                }
                int n = Math.min(len, next.length);
                System.arraycopy(next, 0, b, off, n);
                left.removeFirst();
                if (n < next.length) {
                    left.addFirst(java.util.Arrays.copyOfRange(next, n, next.length));
                }
                return n;
            }
        };
    }
}
