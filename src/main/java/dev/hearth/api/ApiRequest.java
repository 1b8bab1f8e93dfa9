package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a route handler sees it: decoded path parameters, query parameters, headers
 * (lower-cased names) and the body. Immutable.
 */
public record ApiRequest(String requestId, String method, String path, Map<String, String> pathParams,
                         Map<String, List<String>> query, Map<String, String> headers, byte[] body) {

    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no path parameter " + name);
        }
        return value;
    }

    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    public List<String> queryParams(String name) {
        return query.getOrDefault(name, List.of());
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /** The body parsed as a JSON object (an empty body is an empty object), or AWS's serialization error. */
    public JsonNode json() {
        return Json.parseObject(body);
    }
}
