package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** What a route handler answers: status, extra headers and body bytes. Immutable. */
public record ApiResponse(int status, Map<String, String> headers, byte[] body, String contentType) {

    private static final byte[] EMPTY = new byte[0];

    public static ApiResponse json(int status, JsonNode body) {
        return new ApiResponse(status, Map.of(), Json.write(body), "application/json");
    }

    public static ApiResponse empty(int status) {
        return new ApiResponse(status, Map.of(), EMPTY, "application/json");
    }

    public static ApiResponse bytes(int status, byte[] body, String contentType) {
        return new ApiResponse(status, Map.of(), body, contentType);
    }
}
