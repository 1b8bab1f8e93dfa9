package dev.hearth.async;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The checks AWS makes on an asynchronous payload before it accepts the event: at most 1 MB (AWS's
 * current quota for asynchronous invocations), and JSON, worded with the same Jackson parser message the
 * synchronous path gives. Streams the tokens without building a tree. Thread-safe; runs on the event loop.
 */
final class EventPayload {

    /** AWS's limit for an asynchronous invocation's payload (1 MB since 2025; 256 KB before). */
    static final int LIMIT = 1_048_576;

    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private EventPayload() {
    }

    /** The payload to store: checked, and {@code {}} for an empty one (what the function receives on AWS). */
    static byte[] checked(byte[] payload) {
        if (payload.length > LIMIT) {
            throw new LambdaException(ErrorCode.REQUEST_TOO_LARGE, payload.length
                    + " byte payload is too large for the Event invocation type (limit " + LIMIT + " bytes)");
        }
        if (payload.length == 0) {
            return EMPTY_OBJECT;
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            while (parser.nextToken() != null) {
                parser.skipChildren();
            }
        } catch (IOException e) {
            throw new LambdaException(ErrorCode.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: Could not parse payload into json: " + e.getMessage(),
                    Map.of(), e);
        }
        return payload;
    }
}
