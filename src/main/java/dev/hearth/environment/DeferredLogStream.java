package dev.hearth.environment;

import dev.hearth.logs.FunctionLogs;
import dev.hearth.logs.LogStream;

/**
 * A new environment's log stream, opened in the log store on its first event instead of when the
 * environment is made. Opening queues the stream file's creation to the log writer, which wakes at once;
 * done at the start that was the writer's file creation (a new inode) and its wake-ups, in the window in
 * which the runtime's interpreter starts on the same cores. With {@link InvocationLog} holding
 * {@code INIT_START} until init is over, a plain cold start's stream is opened when the runtime first asks
 * for {@code /next} (or writes its first line), after that window.
 *
 * <p>Thread-safe: opening is idempotent in the store (one stream per group and name), so two first
 * appends racing open the same stream.
 */
final class DeferredLogStream implements LogStream {
    private final FunctionLogs logs;
    private final String logGroup;
    private final String streamName;
    private volatile LogStream opened;

    DeferredLogStream(FunctionLogs logs, String logGroup, String streamName) {
        this.logs = logs;
        this.logGroup = logGroup;
        this.streamName = streamName;
    }

    @Override
    public String logGroup() {
        return logGroup;
    }

    @Override
    public String streamName() {
        return streamName;
    }

    @Override
    public void append(long timestampMillis, String message) {
        LogStream stream = opened;
        if (stream == null) {
            stream = logs.open(logGroup, streamName);
            opened = stream;
        }
        stream.append(timestampMillis, message);
    }
}
