package dev.hearth.invoke;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Checks that an invoke payload is JSON, as AWS's front end does, and words failures with the same
 * Jackson parser messages AWS shows (source location disabled). A plain scan ({@link JsonScan}) accepts
 * the usual payload (strict JSON, ASCII) without creating a parser; the rest is streamed through
 * Jackson's tokens without building a tree. Either way the cost is one pass over the bytes.
 * Thread-safe. Shared by the synchronous path and the async queue's acceptance check.
 */
public final class PayloadCheck {

    /** An empty payload reaches the function as an empty object, as on AWS. */
    static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private PayloadCheck() {
    }

    /** The payload the function receives: {@code payload} itself, or {@code {}} for an empty one. */
    public static byte[] checked(byte[] payload) {
        if (payload.length == 0) {
            return EMPTY_OBJECT;
        }
        if (JsonScan.certainlyValid(payload)) {
            // The usual case, without a parser object per invoke; Jackson still decides everything else.
            return payload;
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            while (parser.nextToken() != null) {
                parser.skipChildren();
            }
        } catch (IOException e) {
            throw new LambdaException(ErrorCode.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: Could not parse payload into json: " + e.getMessage(),
                    java.util.Map.of(), e);
        }
        return payload;
    }
}
