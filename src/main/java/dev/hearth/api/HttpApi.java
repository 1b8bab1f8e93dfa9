package dev.hearth.api;

import dev.hearth.core.ErrorCode;
import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * The node's HTTP front door: a Vert.x server that matches each request against the {@link RouteTable},
 * reads its body up to the route's limit, runs the handler and writes the response (errors through
 * {@link ErrorResponses}).
 *
 * <p>Threading: requests arrive on Vert.x event loops. Handlers marked blocking run on the injected
 * virtual-thread executor and their response is written back on the request's event-loop context;
 * non-blocking handlers run on the event loop itself.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Response header names the API sets on every answer, encoded once. */
    private static final CharSequence REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized("x-amzn-RequestId");
    private static final CharSequence DATE = io.vertx.core.http.HttpHeaders.createOptimized("Date");
    private static final CharSequence CONTENT_TYPE = io.vertx.core.http.HttpHeaders.createOptimized("Content-Type");

    private final Vertx vertx;
    private final RouteTable routes;
    private final Ids ids;
    private final ExecutorService blocking;
    private final List<HttpServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public HttpApi(Vertx vertx, RouteTable routes, Ids ids, ExecutorService blocking) {
        this.vertx = vertx;
        this.routes = routes;
        this.ids = ids;
        this.blocking = blocking;
    }

    /**
     * Binds and starts serving; returns the bound port. Throws if the address cannot be bound.
     *
     * <p>One server per event loop, all on the same port: Vert.x hands a shared port's connections to its
     * servers in turn, each served on its own loop. A single server would serve every connection on one
     * loop, and with it every environment its cold starts create (they stay on the starting request's
     * loop, see the pool), leaving the other loops idle under load.
     */
    public int listen(String host, int port) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setReuseAddress(true)
                .setMaxInitialLineLength(16 * 1024)
                .setMaxHeaderSize(64 * 1024)
                // No WebSockets here: without compression handshakers Vert.x leaves Netty's WebSocket
                // extension handler out of each connection's pipeline, which every request and response
                // otherwise passes through.
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false);
        List<ContextInternal> loops = new ArrayList<>();
        if (vertx instanceof VertxInternal internal) {
            for (io.netty.util.concurrent.EventExecutor loop : internal.nettyEventLoopGroup()) {
                loops.add(internal.contextBuilder().withEventLoop((io.netty.channel.EventLoop) loop).build());
            }
        }
        if (loops.isEmpty()) {
            HttpServer only = vertx.createHttpServer(options).requestHandler(this::onRequest);
            servers.add(only);
            return only.listen().await().actualPort();
        }
        // Port 0 cannot be shared as such: Vert.x shares a random port among servers that ask for the
        // same negative port.
        int shared = port == 0 ? -1 : port;
        int bound = -1;
        for (ContextInternal loop : loops) {
            bound = listenOn(loop, options, shared);
        }
        return bound;
    }

    private int listenOn(ContextInternal loop, HttpServerOptions options, int port) {
        HttpServerOptions own = new HttpServerOptions(options);
        Promise<HttpServer> listening = Promise.promise();
        loop.runOnContext(v -> {
            HttpServer server = vertx.createHttpServer(own).requestHandler(this::onRequest);
            servers.add(server);
            server.listen(port, own.getHost()).onComplete(listening);
        });
        return listening.future().await().actualPort();
    }

    private void onRequest(HttpServerRequest request) {
        String requestId = ids.requestId();
        RouteTable.Match match = routes.match(request.method().name(), request.path());
        switch (match) {
            case RouteTable.Match.NotFound ignored -> reject(request, requestId, new LambdaException(
                    ErrorCode.UNKNOWN_OPERATION, "No operation at " + request.method() + " " + request.path()));
            case RouteTable.Match.WrongMethod ignored -> reject(request, requestId, new LambdaException(
                    ErrorCode.METHOD_NOT_ALLOWED, "Method " + request.method() + " is not allowed on " + request.path()));
            case RouteTable.Match.Found found -> readBody(request, requestId, found);
        }
    }

    private void readBody(HttpServerRequest request, String requestId, RouteTable.Match.Found found) {
        Route route = found.route();
        String declared = request.getHeader("content-length");
        if (declared != null && parseLong(declared) > route.maxBodyBytes()) {
            reject(request, requestId, tooLarge(route));
            return;
        }
        // The AWS SDK for Java's default (Apache) client sends PUT bodies only after "100 Continue", and
        // waits three seconds for it otherwise. Sent only here, once the body is known to be wanted.
        if ("100-continue".equalsIgnoreCase(request.getHeader("expect"))) {
            request.response().writeContinue();
        }
        BodyReader body = new BodyReader(route.maxBodyBytes());
        request.handler(body);
        request.exceptionHandler(e -> LOG.debug("request {} failed while reading: {}", requestId, e.toString()));
        request.endHandler(v -> {
            if (body.overflow()) {
                respond(request, requestId, ErrorResponses.of(tooLarge(route)));
                return;
            }
            ApiRequest apiRequest = new ApiRequest(requestId, request.method().name(), request.path(), found.params(),
                    query(request), new RequestHeaders(request.headers()), body.bytes());
            dispatch(request, route, apiRequest);
        });
    }

    private void dispatch(HttpServerRequest request, Route route, ApiRequest apiRequest) {
        Context context = vertx.getOrCreateContext();
        if (!route.blocking()) {
            start(route, apiRequest).whenComplete((response, error) ->
                    answer(context, request, route, apiRequest, response, error));
            return;
        }
        blocking.execute(() -> start(route, apiRequest).whenComplete((response, error) ->
                answer(context, request, route, apiRequest, response, error)));
    }

    /**
     * Runs the handler, turning a synchronous throw into a failed future. Errors are caught too: a handler
     * that dies of, say, a StackOverflowError must still be answered (with a 500), or its client would wait
     * for its own read timeout.
     */
    private static CompletableFuture<ApiResponse> start(Route route, ApiRequest request) {
        try {
            return route.dispatch().handler().handle(request);
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void answer(Context context, HttpServerRequest request, Route route, ApiRequest apiRequest,
                               ApiResponse response, Throwable error) {
        ApiResponse out = error == null ? response : errorResponse(route, apiRequest, error);
        // Answered at once when already on the request's event loop, even from another context of that
        // loop (an environment started by this connection lives on it): a hop through runOnContext would
        // only queue the answer behind the rest of the runtime's request.
        boolean sameLoop = context instanceof ContextInternal internal
                ? internal.nettyEventLoop().inEventLoop()
                : Context.isOnEventLoopThread() && Vertx.currentContext() == context;
        if (sameLoop) {
            respond(request, apiRequest.requestId(), out);
        } else {
            context.runOnContext(v -> respond(request, apiRequest.requestId(), out));
        }
    }

    private static ApiResponse errorResponse(Route route, ApiRequest request, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof LambdaException le) {
            if (le.code().httpStatus() >= 500) {
                LOG.warn("{} {} failed (request {}): {}", route.operation(), request.path(), request.requestId(),
                        le.getMessage(), le.getCause());
            }
            return ErrorResponses.of(le);
        }
        LOG.error("{} {} failed unexpectedly (request {})", route.operation(), request.path(), request.requestId(), e);
        return ErrorResponses.of(LambdaException.service(
                "An internal error occurred while processing the request (request id " + request.requestId() + ").", e));
    }

    private void reject(HttpServerRequest request, String requestId, LambdaException error) {
        // Answer at once, without reading the body. HTTP/2 (reached by h2c upgrade, as the JDK's HttpClient
        // does) frames each stream's body and forbids the Connection header. On HTTP/1 the rest of the body
        // is read and dropped, and the connection closed once the request has ended: closing while the
        // client still uploads would reset it before it reads the answer (a 413 must reach the client).
        if (request.version() == HttpVersion.HTTP_2) {
            respond(request, requestId, ErrorResponses.of(error));
            return;
        }
        request.response().putHeader("Connection", "close");
        request.handler(ignored -> { });
        request.endHandler(v -> request.connection().close());
        respond(request, requestId, ErrorResponses.of(error));
    }

    private static LambdaException tooLarge(Route route) {
        return new LambdaException(ErrorCode.REQUEST_TOO_LARGE, "Request must be smaller than " + route.maxBodyBytes()
                + " bytes for the " + route.operation() + " operation");
    }

    private static void respond(HttpServerRequest request, String requestId, ApiResponse response) {
        HttpServerResponse out = request.response();
        if (out.ended() || out.closed()) {
            return;
        }
        out.setStatusCode(response.status());
        MultiMap headers = out.headers();
        headers.set(REQUEST_ID, requestId);
        headers.set(DATE, HttpDate.now());
        if (response.body().length > 0 || response.status() != 204) {
            headers.set(CONTENT_TYPE, response.contentType());
        }
        response.headers().forEach(headers::set);
        // Headers and body leave in one write: end() with the whole body encodes them into one buffer.
        out.end(Buffer.buffer(response.body()));
    }

    private static Map<String, List<String>> query(HttpServerRequest request) {
        if (request.query() == null) {
            // Most invokes have no query string: skip building Vert.x's decoded parameter map.
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : request.params()) {
            out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        return out;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        for (HttpServer server : servers) {
            server.close().await();
        }
    }
}
