package dev.hearth.core;

import java.util.Map;
import java.util.Optional;

/**
 * An error with an AWS error type, raised anywhere below the API and rendered by the API's single
 * error mapper into AWS's status code, {@code x-amzn-ErrorType} header and JSON body.
 *
 * <p>Unchecked by design (ARCHITECTURE §4.6). Extra top-level body fields that some errors carry (for
 * example {@code "Reason"} on a throttle) travel in {@link #extraFields()}.
 */
public final class LambdaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Map<String, String> extraFields;

    public LambdaException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public LambdaException(ErrorCode code, String message, Map<String, String> extraFields, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
        this.extraFields = Map.copyOf(extraFields);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, String> extraFields() {
        return extraFields;
    }

    public Optional<Throwable> cause() {
        return Optional.ofNullable(getCause());
    }

    public static LambdaException invalidParameter(String message) {
        return new LambdaException(ErrorCode.INVALID_PARAMETER_VALUE, message);
    }

    public static LambdaException notFound(String message) {
        return new LambdaException(ErrorCode.RESOURCE_NOT_FOUND, message);
    }

    public static LambdaException conflict(String message) {
        return new LambdaException(ErrorCode.RESOURCE_CONFLICT, message);
    }

    public static LambdaException validation(String message) {
        return new LambdaException(ErrorCode.VALIDATION, message);
    }

    public static LambdaException service(String message, Throwable cause) {
        return new LambdaException(ErrorCode.SERVICE, message, Map.of(), cause);
    }

    /** The message AWS gives when a RevisionId precondition fails. */
    public static LambdaException revisionMismatch() {
        return new LambdaException(ErrorCode.PRECONDITION_FAILED,
                "The Revision Id provided does not match the latest Revision Id. "
                        + "Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
    }
}
