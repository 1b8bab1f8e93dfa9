package dev.hearth.logs;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The node's function log store: log groups ({@code /aws/lambda/<name>}) holding streams (one per
 * environment, named as AWS names them, see {@link LogStreamNames}), each a sequence of timestamped
 * events, on disk under the data dir. Appends never block the caller on disk I/O: they are queued and
 * written by a background writer. Thread-safe.
 *
 * <p>On disk each stream is {@code <logsDir>/<encoded group>/<encoded stream>.jsonl}, one JSON object
 * {@code {"t":<epoch ms>,"m":"<message>"}} per line (names percent-encoded, see {@link #create}).
 *
 * <p>The read side ({@link #groups}, {@link #streams}, {@link #read}) sees what the writer has written;
 * call {@link #flush} first to include events still queued.
 */
public interface FunctionLogs extends AutoCloseable {

    /** Events the writer's queue holds before appends start being dropped (and counted). */
    int DEFAULT_QUEUE_CAPACITY = 65_536;

    /**
     * A store under {@code logsDir} (created if missing) with one background writer thread. The clock
     * stamps the notices the writer adds to a stream when events had to be dropped.
     */
    static FunctionLogs create(Path logsDir, Clock clock) {
        return create(logsDir, clock, DEFAULT_QUEUE_CAPACITY);
    }

    /** As {@link #create(Path, Clock)} with a chosen queue capacity (tests use a small one). */
    static FunctionLogs create(Path logsDir, Clock clock, int queueCapacity) {
        return new DiskFunctionLogs(logsDir, clock, queueCapacity);
    }

    /** Opens (creating) a stream for appending. */
    LogStream open(String logGroup, String streamName);

    /** Writes everything queued so far to disk; for shutdown and tests. */
    void flush();

    /** Flushes and stops the writer. */
    @Override
    void close();

    /** The log groups that have at least one stream, sorted. */
    List<String> groups();

    /** The streams of {@code logGroup}, sorted by name; empty when the group does not exist. */
    List<String> streams(String logGroup);

    /** The events of one stream in append order; empty when the stream does not exist. */
    List<LogEvent> read(String logGroup, String streamName);

    /** Events dropped since start because the writer's queue was full (or the store was closed). */
    long droppedEvents();

    /** About how many bytes the writer has written since start (a cheap trigger for the disk cap). */
    long bytesWritten();

    /**
     * Deletes one stream's file, after closing the writer's handle on it; blocks until done (call from a
     * virtual thread, never an event loop). An environment still appending to it starts a new file.
     */
    void deleteStream(String logGroup, String streamName);

    /** Deletes a group's directory with all its streams; blocks as {@link #deleteStream} does. */
    void deleteGroup(String logGroup);
}
