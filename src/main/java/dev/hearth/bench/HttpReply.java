package dev.hearth.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 response read off a keep-alive connection, by {@link InProcessRuntime}: status line,
 * headers (names lower-cased), and a body of exactly {@code Content-Length} bytes (the Runtime API
 * always sends one). Not a general HTTP client: no chunked encoding, no continuation lines.
 */
record HttpReply(int status, Map<String, String> headers, byte[] body) {

    String header(String lowerCaseName) {
        String value = headers.get(lowerCaseName);
        if (value == null) {
            throw new IllegalStateException("response " + status + " has no " + lowerCaseName + " header");
        }
        return value;
    }

    static HttpReply read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed after " + body.length + " of " + length + " body bytes");
        }
        return new HttpReply(Integer.parseInt(parts[1]), headers, body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int end = sb.length();
                if (end > 0 && sb.charAt(end - 1) == '\r') {
                    sb.setLength(end - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed");
    }
}
