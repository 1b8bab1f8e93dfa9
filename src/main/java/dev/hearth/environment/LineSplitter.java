package dev.hearth.environment;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts one output stream's bytes into lines: without their line ending ({@code \n}, or {@code \r\n}),
 * decoded as UTF-8, a line longer than {@link #MAX_LINE_BYTES} cut into pieces of that size, and an
 * unfinished last line kept until more bytes come or {@link #rest} takes it.
 *
 * <p>Threading: not thread-safe; one reader at a time.
 */
final class LineSplitter {

    /** CloudWatch's largest event; a longer line is split rather than held in memory without bound. */
    static final int MAX_LINE_BYTES = 256 * 1024;

    private byte[] line = new byte[256];
    private int length;

    /** Adds the lines that {@code buffer[0, n)} completes to {@code into}. */
    void split(byte[] buffer, int n, List<String> into) {
        for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                into.add(take());
                continue;
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, line.length * 2));
            }
            line[length++] = b;
            if (length == MAX_LINE_BYTES) {
                into.add(take());
            }
        }
    }

    /** Whether an unfinished line is waiting for its end. */
    boolean hasRest() {
        return length > 0;
    }

    /** The unfinished line, as a line of its own (at the end of the stream). */
    String rest() {
        return take();
    }

    private String take() {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        length = 0;
        return text;
    }
}
