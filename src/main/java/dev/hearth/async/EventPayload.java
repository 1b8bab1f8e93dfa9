package dev.hearth.async;

import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.invoke.PayloadCheck;

/**
 * The checks AWS makes on an asynchronous payload before it accepts the event: at most 1 MB (AWS's
 * current quota for asynchronous invocations), and JSON, checked as the synchronous path checks it
 * ({@link PayloadCheck}). Thread-safe; runs on the event loop.
 */
final class EventPayload {

    /** AWS's limit for an asynchronous invocation's payload (1 MB since 2025; 256 KB before). */
    static final int LIMIT = 1_048_576;

    private EventPayload() {
    }

    /** The payload to store: checked, and {@code {}} for an empty one (what the function receives on AWS). */
    static byte[] checked(byte[] payload) {
        if (payload.length > LIMIT) {
            throw new LambdaException(ErrorCode.REQUEST_TOO_LARGE, payload.length
                    + " byte payload is too large for the Event invocation type (limit " + LIMIT + " bytes)");
        }
        return PayloadCheck.checked(payload);
    }
}
