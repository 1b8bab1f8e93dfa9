package dev.hearth.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@link InProcessRuntime}'s end of its one keep-alive Runtime API connection, lean as a runtime's
 * native HTTP client is (the Python and Node runtime clients parse in C): responses are scanned in one
 * reused buffer, with no call per byte and no header map, and each request leaves in one write from a
 * reused buffer. It keeps of a response only what the runtime needs: the status, the request id and the
 * body. Not a general HTTP client: responses must carry {@code Content-Length} (the Runtime API's do),
 * no chunked encoding, no continuation lines.
 *
 * <p>Threading: confined to the runtime's thread.
 */
final class RuntimeWire {
    private static final byte[] REQUEST_ID = bytes("lambda-runtime-aws-request-id");
    private static final byte[] CONTENT_LENGTH = bytes("content-length");

    private final InputStream in;
    private final OutputStream out;
    private final byte[] next;
    private final byte[] postStart;
    private final byte[] postRest;
    private byte[] received = new byte[16 * 1024];
    private int start;
    private int limit;
    private byte[] sending = new byte[16 * 1024];

    /** Of the last response read: where its request id header's value and its body lie in the buffer. */
    private int idFrom = -1;
    private int idTo = -1;
    private int bodyFrom;
    private int bodyLength;

    RuntimeWire(InputStream in, OutputStream out, String api) {
        this.in = in;
        this.out = out;
        this.next = bytes("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: " + api + "\r\n\r\n");
        this.postStart = bytes("POST /2018-06-01/runtime/invocation/");
        this.postRest = bytes("/response HTTP/1.1\r\nHost: " + api
                + "\r\nContent-Type: application/json\r\nContent-Length: ");
    }

    /** Sends {@code GET /runtime/invocation/next}. */
    void askNext() throws IOException {
        out.write(next);
    }

    /**
     * Posts the last response's body as the result of the invocation it named, head and body in one write
     * (two writes on a TCP_NODELAY socket would be two segments, and the node could wake for the head alone).
     */
    void postResponseEchoingEvent() throws IOException {
        if (idFrom < 0) {
            throw new IOException("the event has no Lambda-Runtime-Aws-Request-Id header");
        }
        byte[] length = bytes(Integer.toString(bodyLength));
        int idLength = idTo - idFrom;
        int total = postStart.length + idLength + postRest.length + length.length + 4 + bodyLength;
        if (sending.length < total) {
            sending = new byte[Math.max(total, 2 * sending.length)];
        }
        int at = put(postStart, 0, postStart.length, 0);
        at = put(received, idFrom, idLength, at);
        at = put(postRest, 0, postRest.length, at);
        at = put(length, 0, length.length, at);
        sending[at++] = '\r';
        sending[at++] = '\n';
        sending[at++] = '\r';
        sending[at++] = '\n';
        at = put(received, bodyFrom, bodyLength, at);
        out.write(sending, 0, at);
    }

    /** Reads one whole response (head and body) and returns its status. */
    int readResponse() throws IOException {
        compact();
        int headEnd;
        int scanned = 0;
        while ((headEnd = headEnd(scanned)) < 0) {
            scanned = Math.max(0, limit - start - 3);
            fill();
        }
        int status = status();
        idFrom = -1;
        idTo = -1;
        long length = 0;
        int line = lineEnd(start) + 2;
        while (line < headEnd) {
            int end = lineEnd(line);
            int colon = indexOf((byte) ':', line, end);
            if (colon > 0) {
                int from = colon + 1;
                while (from < end && received[from] == ' ') {
                    from++;
                }
                int to = end;
                while (to > from && received[to - 1] == ' ') {
                    to--;
                }
                if (nameIs(line, colon, REQUEST_ID)) {
                    idFrom = from;
                    idTo = to;
                } else if (nameIs(line, colon, CONTENT_LENGTH)) {
                    length = digits(from, to);
                }
            }
            line = end + 2;
        }
        if (length > Integer.MAX_VALUE - 64) {
            throw new IOException("response body too large: " + length);
        }
        bodyFrom = headEnd + 4;
        bodyLength = (int) length;
        while (limit < bodyFrom + bodyLength) {
            fill();
        }
        start = bodyFrom + bodyLength;
        return status;
    }

    /** Moves unread bytes to the front; the last response's fields are void afterwards. */
    private void compact() {
        if (start == 0) {
            return;
        }
        System.arraycopy(received, start, received, 0, limit - start);
        limit -= start;
        start = 0;
    }

    private void fill() throws IOException {
        if (limit == received.length) {
            byte[] bigger = new byte[2 * received.length];
            System.arraycopy(received, 0, bigger, 0, limit);
            received = bigger;
        }
        int n = in.read(received, limit, received.length - limit);
        if (n < 0) {
            throw new IOException("the Runtime API closed the connection");
        }
        limit += n;
    }

    /** Index of the blank line's CR LF CR LF ending the head, searching from {@code start + from}; -1 if not yet read. */
    private int headEnd(int from) {
        for (int i = start + from; i + 3 < limit; i++) {
            if (received[i] == '\r' && received[i + 1] == '\n' && received[i + 2] == '\r' && received[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** "HTTP/1.1 200 OK": the three digits after the first space. */
    private int status() throws IOException {
        int space = indexOf((byte) ' ', start, limit);
        if (space < 0 || space + 4 > limit) {
            throw new IOException("not an HTTP status line");
        }
        return (int) digits(space + 1, space + 4);
    }

    private int lineEnd(int from) {
        for (int i = from; i + 1 < limit; i++) {
            if (received[i] == '\r' && received[i + 1] == '\n') {
                return i;
            }
        }
        return limit;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (received[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the header name in {@code [from, to)} is {@code lowerCase}, ignoring ASCII case. */
    private boolean nameIs(int from, int to, byte[] lowerCase) {
        if (to - from != lowerCase.length) {
            return false;
        }
        for (int i = 0; i < lowerCase.length; i++) {
            byte b = received[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    private long digits(int from, int to) throws IOException {
        if (from >= to) {
            throw new IOException("expected a number in the response head");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int d = received[i] - '0';
            if (d < 0 || d > 9) {
                throw new IOException("expected a number in the response head");
            }
            value = value * 10 + d;
        }
        return value;
    }

    private int put(byte[] from, int offset, int length, int at) {
        System.arraycopy(from, offset, sending, at, length);
        return at + length;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
