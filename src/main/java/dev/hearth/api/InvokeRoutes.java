package dev.hearth.api;

import dev.hearth.async.AsyncInvocations;
import dev.hearth.core.LambdaException;
import dev.hearth.invoke.InvocationCall;
import dev.hearth.invoke.InvocationResult;
import dev.hearth.invoke.InvocationRouter;
import dev.hearth.invoke.InvocationType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The Invoke operation at AWS's path, answering on the event loop: headers in, the router's result
 * out with {@code X-Amz-Executed-Version}, {@code X-Amz-Function-Error} and {@code X-Amz-Log-Result}.
 * {@code Event} invocations, and the legacy InvokeAsync operation, go to the durable async queue and are
 * answered 202 once the event is stored; the request id in {@code x-amzn-RequestId} is the one the
 * function sees.
 */
public final class InvokeRoutes {

    /** AWS's synchronous invoke request limit (6 MiB). */
    static final long INVOKE_REQUEST_LIMIT = 6_291_456L;
    /** AWS's limit on the base64 client context header. */
    static final int MAX_CLIENT_CONTEXT = 3583;
    /** The legacy InvokeAsync operation's request limit (256 KB, as its documentation says). */
    static final long INVOKE_ASYNC_REQUEST_LIMIT = 262_144L;
    private static final byte[] INVOKE_ASYNC_ACCEPTED = "{\"Status\":202}".getBytes(StandardCharsets.UTF_8);

    private final InvocationRouter router;
    private final AsyncInvocations async;

    public InvokeRoutes(InvocationRouter router, AsyncInvocations async) {
        this.router = router;
        this.async = async;
    }

    public RouteTable table() {
        return new RouteTable(List.of(
                Route.async("POST", "/2015-03-31/functions/{FunctionName}/invocations", "InvokeFunction",
                        INVOKE_REQUEST_LIMIT, this::invoke),
                Route.async("POST", "/2014-11-13/functions/{FunctionName}/invoke-async", "InvokeAsync",
                        INVOKE_ASYNC_REQUEST_LIMIT, this::invokeAsync)));
    }

    private CompletableFuture<ApiResponse> invoke(ApiRequest r) {
        InvocationType type = InvocationType.parse(r.header("x-amz-invocation-type"));
        boolean tail = logType(r.header("x-amz-log-type"));
        if (tail && type != InvocationType.REQUEST_RESPONSE && type != InvocationType.DRY_RUN) {
            throw LambdaException.invalidParameter("LogType Tail is only supported for RequestResponse invocations.");
        }
        InvocationCall call = new InvocationCall(r.requestId(), r.pathParam("FunctionName"), r.queryParam("Qualifier"),
                type, tail, r.body(), r.header("x-amz-client-context").map(InvokeRoutes::clientContext),
                r.header("x-amzn-trace-id"));
        if (type == InvocationType.EVENT) {
            return async.accept(call).thenApply(requestId -> ApiResponse.empty(202));
        }
        return router.invoke(call).thenApply(InvokeRoutes::response);
    }

    /** The deprecated InvokeAsync: an Event invocation of the function (no qualifier parameter), 202 {"Status":202}. */
    private CompletableFuture<ApiResponse> invokeAsync(ApiRequest r) {
        InvocationCall call = new InvocationCall(r.requestId(), r.pathParam("FunctionName"), Optional.empty(),
                InvocationType.EVENT, false, r.body(), Optional.empty(), Optional.empty());
        return async.accept(call).thenApply(requestId ->
                ApiResponse.bytes(202, INVOKE_ASYNC_ACCEPTED, "application/json"));
    }

    private static ApiResponse response(InvocationResult result) {
        Map<String, String> headers;
        if (result.functionError().isEmpty() && result.logResult().isEmpty()) {
            // The usual warm answer: one header, no map to grow.
            headers = Map.of("X-Amz-Executed-Version", result.executedVersion());
        } else {
            headers = new HashMap<>();
            headers.put("X-Amz-Executed-Version", result.executedVersion());
            result.functionError().ifPresent(e -> headers.put("X-Amz-Function-Error", e));
            result.logResult().ifPresent(l -> headers.put("X-Amz-Log-Result", l));
        }
        return new ApiResponse(result.status(), headers, result.payload(), result.contentType());
    }

    private static boolean logType(Optional<String> header) {
        if (header.isEmpty() || "None".equals(header.get())) {
            return false;
        }
        if ("Tail".equals(header.get())) {
            return true;
        }
        new dev.hearth.core.Validation().fail(header.get(), "logType",
                "Member must satisfy enum value set: [None, Tail]").throwIfFailed();
        return false;
    }

    /** The decoded client context JSON; AWS requires base64 of a JSON object, at most 3583 bytes. */
    private static String clientContext(String base64) {
        if (base64.length() > MAX_CLIENT_CONTEXT) {
            throw LambdaException.invalidParameter("Client context must be less than or equal to "
                    + MAX_CLIENT_CONTEXT + " bytes in size");
        }
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw LambdaException.invalidParameter("Client context must be a valid Base64-encoded JSON object.");
        }
    }
}
