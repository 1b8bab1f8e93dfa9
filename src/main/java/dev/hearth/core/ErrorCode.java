package dev.hearth.core;

/**
 * The AWS Lambda error types Hearth answers with, each with its HTTP status and the body style AWS
 * uses for it.
 *
 * <p>AWS is not uniform: most Lambda errors carry {@code "Type":"User"} and a capitalised
 * {@code "Message"}, a few carry a lowercase {@code "message"}, and {@code ValidationException}
 * (produced by AWS's request-validation layer) has no {@code Type} at all. The body style is therefore
 * part of the error code, so that every place that raises an error produces the same shape.
 */
public enum ErrorCode {
    INVALID_PARAMETER_VALUE("InvalidParameterValueException", 400, ErrorKind.CLIENT, BodyStyle.USER_LOWERCASE),
    /** AWS sends the account concurrency-limit refusals without {@code Type} (recorded shapes §3.0). */
    INVALID_PARAMETER_VALUE_UNTYPED("InvalidParameterValueException", 400, ErrorKind.CLIENT,
            BodyStyle.PLAIN_LOWERCASE),
    VALIDATION("ValidationException", 400, ErrorKind.CLIENT, BodyStyle.PLAIN_LOWERCASE),
    INVALID_REQUEST_CONTENT("InvalidRequestContentException", 400, ErrorKind.CLIENT, BodyStyle.USER_LOWERCASE),
    SERIALIZATION("SerializationException", 400, ErrorKind.CLIENT, BodyStyle.USER_CAPITALISED),
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 404, ErrorKind.CLIENT, BodyStyle.USER_CAPITALISED),
    RESOURCE_CONFLICT("ResourceConflictException", 409, ErrorKind.CLIENT, BodyStyle.USER_LOWERCASE),
    PRECONDITION_FAILED("PreconditionFailedException", 412, ErrorKind.CLIENT, BodyStyle.USER_LOWERCASE),
    REQUEST_TOO_LARGE("RequestEntityTooLargeException", 413, ErrorKind.CLIENT, BodyStyle.PLAIN_LOWERCASE),
    UNSUPPORTED_MEDIA_TYPE("UnsupportedMediaTypeException", 415, ErrorKind.CLIENT, BodyStyle.USER_CAPITALISED),
    TOO_MANY_REQUESTS("TooManyRequestsException", 429, ErrorKind.CLIENT, BodyStyle.USER_CAPITALISED),
    PROVISIONED_CONCURRENCY_CONFIG_NOT_FOUND("ProvisionedConcurrencyConfigNotFoundException", 404, ErrorKind.CLIENT,
            BodyStyle.USER_LOWERCASE),
    /** AWS sends this one with {@code "Message": null}; raise it with a null message. */
    ACCESS_DENIED("AccessDeniedException", 403, ErrorKind.CLIENT, BodyStyle.PLAIN_CAPITALISED),
    UNKNOWN_OPERATION("UnknownOperationException", 404, ErrorKind.CLIENT, BodyStyle.PLAIN_CAPITALISED),
    METHOD_NOT_ALLOWED("MethodNotAllowedException", 405, ErrorKind.CLIENT, BodyStyle.PLAIN_CAPITALISED),
    SERVICE("ServiceException", 500, ErrorKind.PLATFORM, BodyStyle.SERVICE_CAPITALISED);

    /** How the JSON error body is laid out. */
    public enum BodyStyle {
        /** {@code {"Type":"User","Message":"..."}} */
        USER_CAPITALISED,
        /** {@code {"Type":"User","message":"..."}} */
        USER_LOWERCASE,
        /** {@code {"message":"..."}} */
        PLAIN_LOWERCASE,
        /** {@code {"Message":"..."}} */
        PLAIN_CAPITALISED,
        /** {@code {"Type":"Service","Message":"..."}} */
        SERVICE_CAPITALISED
    }

    private final String awsName;
    private final int httpStatus;
    private final ErrorKind kind;
    private final BodyStyle bodyStyle;

    ErrorCode(String awsName, int httpStatus, ErrorKind kind, BodyStyle bodyStyle) {
        this.awsName = awsName;
        this.httpStatus = httpStatus;
        this.kind = kind;
        this.bodyStyle = bodyStyle;
    }

    /** The name AWS puts in {@code x-amzn-ErrorType}, e.g. {@code ResourceNotFoundException}. */
    public String awsName() {
        return awsName;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public ErrorKind kind() {
        return kind;
    }

    public BodyStyle bodyStyle() {
        return bodyStyle;
    }
}
