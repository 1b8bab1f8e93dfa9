package dev.hearth.logs;

import java.util.Objects;
import java.util.Optional;

/**
 * A log stream as DescribeLogStreams reports it; the event times are empty for a stream without events.
 *
 * @param creationTime      epoch milliseconds
 * @param lastIngestionTime when the file was last written
 * @param storedBytes       the size of its file (AWS reports 0 here; the janitor needs the real figure)
 */
public record LogStreamInfo(String name, long creationTime, Optional<Long> firstEventTimestamp,
                            Optional<Long> lastEventTimestamp, long lastIngestionTime, long storedBytes) {
    public LogStreamInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(firstEventTimestamp, "firstEventTimestamp");
        Objects.requireNonNull(lastEventTimestamp, "lastEventTimestamp");
    }

    /** The time the janitor ages the stream by: its last event, or its last write when it has none. */
    public long lastActivity() {
        return lastEventTimestamp.orElse(lastIngestionTime);
    }
}
