package dev.hearth.environment;

import java.nio.charset.StandardCharsets;

/**
 * The log of the invocation in flight (START…REPORT), kept for {@code X-Amz-Log-Result}: AWS returns
 * its last 4 KB. One per environment, reused from one invocation to the next.
 *
 * <p>Not thread-safe: used on the environment's context only.
 */
final class LogTail {
    static final int TAIL_BYTES = 4096;
    /** Text kept beyond this is trimmed; a chatty function must not grow the buffer without bound. */
    private static final int TRIM_AT_CHARS = 64 * 1024;
    /** Chars left after trimming: at least 4096 bytes of UTF-8, since every char takes at least a byte. */
    private static final int KEEP_CHARS = 8 * 1024;
    private static final int INITIAL_CHARS = 512;

    /**
     * Starts small and grows with use: most invocations' START…REPORT fit in a few hundred chars, and a
     * new environment should not allocate 8 KB for them (a burst makes hundreds). Kept across invocations.
     */
    private final StringBuilder text = new StringBuilder(INITIAL_CHARS);

    void reset() {
        text.setLength(0);
    }

    void add(String line) {
        text.append(line).append('\n');
        if (text.length() > TRIM_AT_CHARS) {
            text.delete(0, text.length() - KEEP_CHARS);
        }
    }

    /** The last 4096 bytes (UTF-8) of the text, cut at a character boundary. */
    String text() {
        if (text.length() * 3 <= TAIL_BYTES) {
            // No char takes more than 3 bytes of UTF-8: a short tail needs no measuring.
            return text.toString();
        }
        int from = Math.max(0, text.length() - TAIL_BYTES);
        String last = text.substring(from);
        byte[] bytes = last.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= TAIL_BYTES) {
            return last;
        }
        int start = bytes.length - TAIL_BYTES;
        while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
            start++;
        }
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }
}
