package dev.hearth.logs;

import java.util.Objects;

/**
 * One event of a log stream as read back from disk.
 *
 * @param timestampMillis when it was appended (epoch milliseconds)
 * @param message         the line or multi-line record, without a trailing newline
 */
public record LogEvent(long timestampMillis, String message) {
    public LogEvent {
        Objects.requireNonNull(message, "message");
    }
}
