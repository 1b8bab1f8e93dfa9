package dev.hearth.logs;

/** One log stream being appended to. Thread-safe; appends are queued, not written inline. */
public interface LogStream {

    String logGroup();

    String streamName();

    /** Appends one event (a line, or a multi-line record such as a stack trace). */
    void append(long timestampMillis, String message);
}
