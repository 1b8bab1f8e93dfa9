package dev.hearth.logs;

/**
 * A request the log store refuses, with the kind of refusal so that the API can name AWS's exception.
 * The message is AWS's where known.
 */
public final class LogStoreException extends RuntimeException {

    /** Why the request was refused. */
    public enum Kind {
        GROUP_NOT_FOUND, STREAM_NOT_FOUND, ALREADY_EXISTS, INVALID_PARAMETER
    }

    private final Kind kind;

    public LogStoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static LogStoreException groupNotFound() {
        return new LogStoreException(Kind.GROUP_NOT_FOUND, "The specified log group does not exist.");
    }

    static LogStoreException streamNotFound() {
        return new LogStoreException(Kind.STREAM_NOT_FOUND, "The specified log stream does not exist.");
    }

    static LogStoreException invalidToken() {
        return new LogStoreException(Kind.INVALID_PARAMETER, "The specified nextToken is invalid.");
    }
}
