package dev.hearth.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operation of an HTTP surface: method, path template ({@code /2015-03-31/functions/{FunctionName}}),
 * the largest body it accepts, and its handler.
 *
 * @param operation the AWS operation name, for logs and size-limit messages
 * @param blocking  whether the handler blocks (store access): it then runs on a virtual thread
 */
public record Route(String method, String template, String operation, long maxBodyBytes, boolean blocking,
                    Dispatch dispatch) {

    /** The handler as the server calls it; wraps either kind so that routes of both kinds share one table. */
    public record Dispatch(AsyncHandler handler) {
    }

    /** Handles a matched request. Throws {@link dev.hearth.core.LambdaException} for AWS errors. */
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request);
    }

    /**
     * Handles a matched request without blocking (runs on the event loop); the future may complete on
     * any thread, exceptionally with a {@link dev.hearth.core.LambdaException} for AWS errors.
     */
    @FunctionalInterface
    public interface AsyncHandler {
        java.util.concurrent.CompletableFuture<ApiResponse> handle(ApiRequest request);
    }

    /** A route whose handler answers synchronously (on a virtual thread when {@code blocking}). */
    public Route(String method, String template, String operation, long maxBodyBytes, boolean blocking,
                 Handler handler) {
        this(method, template, operation, maxBodyBytes, blocking, new Dispatch(
                request -> java.util.concurrent.CompletableFuture.completedFuture(handler.handle(request))));
    }

    /** A route whose handler answers asynchronously from the event loop. */
    public static Route async(String method, String template, String operation, long maxBodyBytes,
                              AsyncHandler handler) {
        return new Route(method, template, operation, maxBodyBytes, false, new Dispatch(handler));
    }

    /** The template's segments; a segment in braces is a parameter. */
    List<String> segments() {
        return RouteTable.split(template);
    }

    /** Path parameters if {@code path} (already split and decoded) fits this route's template. */
    Optional<Map<String, String>> match(List<String> pathSegments) {
        List<String> mine = segments();
        if (mine.size() != pathSegments.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new java.util.HashMap<>();
        for (int i = 0; i < mine.size(); i++) {
            String t = mine.get(i);
            String s = pathSegments.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                params.put(t.substring(1, t.length() - 1), s);
            } else if (!t.equals(s)) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }
}
