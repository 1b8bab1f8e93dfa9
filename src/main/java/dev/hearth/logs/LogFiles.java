package dev.hearth.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The on-disk layout of the log store, as pure functions: how group and stream names become file names
 * and how an event becomes one line of JSON and back. Thread-safe.
 *
 * <p>Names are percent-encoded (UTF-8) keeping only {@code [A-Za-z0-9_-]}: unlike
 * {@code URLEncoder} this also encodes {@code .}, so that no name can become {@code .} or {@code ..}
 * and escape the logs directory, and never produces {@code +}.
 */
final class LogFiles {
    static final String SUFFIX = ".jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private LogFiles() {
    }

    static Path streamFile(Path logsDir, String group, String stream) {
        return logsDir.resolve(encode(group)).resolve(encode(stream) + SUFFIX);
    }

    static String encode(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("log group and stream names cannot be empty");
        }
        StringBuilder out = new StringBuilder(name.length() + 16);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /** The name a file or directory name encodes; empty for names this store did not write. */
    static Optional<String> decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 128) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(bytes.toString(StandardCharsets.UTF_8));
    }

    /** Deletes a file, or a directory with everything under it; nothing to do when it is missing. */
    static void deleteRecursively(Path target) throws java.io.IOException {
        if (!java.nio.file.Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (java.nio.file.Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = java.nio.file.Files.list(target)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    deleteRecursively(child);
                }
            }
        }
        java.nio.file.Files.deleteIfExists(target);
    }

    /** {@code {"t":<millis>,"m":"<message>"}} followed by a newline, into {@code out}. */
    static void appendJsonLine(StringBuilder out, long timestampMillis, String message) {
        out.append("{\"t\":").append(timestampMillis).append(",\"m\":\"");
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append("\"}\n");
    }

    /** The event a line holds; empty for a line that is not one (e.g. cut short by a crash). */
    static Optional<LogEvent> parseLine(String line) {
        if (line.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode t = node.get("t");
            JsonNode m = node.get("m");
            if (t == null || !t.canConvertToLong() || m == null || !m.isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new LogEvent(t.asLong(), m.asText()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
