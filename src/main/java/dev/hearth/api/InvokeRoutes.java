package dev.hearth.api;

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
 */
public final class InvokeRoutes {

    /** AWS's synchronous invoke request limit (6 MiB). */
    static final long INVOKE_REQUEST_LIMIT = 6_291_456L;
    /** AWS's limit on the base64 client context header. */
    static final int MAX_CLIENT_CONTEXT = 3583;

    private final InvocationRouter router;

    public InvokeRoutes(InvocationRouter router) {
        this.router = router;
    }

    public RouteTable table() {
        return new RouteTable(List.of(Route.async("POST", "/2015-03-31/functions/{FunctionName}/invocations",
                "InvokeFunction", INVOKE_REQUEST_LIMIT, this::invoke)));
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
        return router.invoke(call).thenApply(InvokeRoutes::response);
    }

    private static ApiResponse response(InvocationResult result) {
        Map<String, String> headers = new HashMap<>();
        headers.put("X-Amz-Executed-Version", result.executedVersion());
        result.functionError().ifPresent(e -> headers.put("X-Amz-Function-Error", e));
        result.logResult().ifPresent(l -> headers.put("X-Amz-Log-Result", l));
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
