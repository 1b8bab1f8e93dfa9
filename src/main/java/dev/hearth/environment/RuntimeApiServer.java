package dev.hearth.environment;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * One environment's Runtime API endpoint ({@code 2018-06-01}) on {@code 127.0.0.1:<ephemeral port>}:
 * parses paths, reads bodies within the payload limit, and renders replies exactly as AWS's RAPID does.
 * What each call means is the {@link Handler}'s business.
 *
 * <p>Threading: {@link #listen} must be called on the environment's context; every request is then
 * handled on that context's event loop, and so is every {@link Handler} call. Nothing here blocks.
 */
final class RuntimeApiServer {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeApiServer.class);

    static final String PREFIX = "/2018-06-01/";
    private static final String NEXT = "runtime/invocation/next";
    private static final String INVOCATION = "runtime/invocation/";
    private static final String INIT_ERROR = "runtime/init/error";
    private static final String RESTORE_NEXT = "runtime/restore/next";
    private static final String RESTORE_ERROR = "runtime/restore/error";
    private static final String PING = "ping";

    static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("Lambda-Runtime-Aws-Request-Id");
    static final CharSequence DEADLINE = HttpHeaders.createOptimized("Lambda-Runtime-Deadline-Ms");
    static final CharSequence FUNCTION_ARN = HttpHeaders.createOptimized("Lambda-Runtime-Invoked-Function-Arn");
    static final CharSequence TRACE_ID = HttpHeaders.createOptimized("Lambda-Runtime-Trace-Id");
    static final CharSequence CLIENT_CONTEXT = HttpHeaders.createOptimized("Lambda-Runtime-Client-Context");
    static final CharSequence COGNITO_IDENTITY = HttpHeaders.createOptimized("Lambda-Runtime-Cognito-Identity");
    static final CharSequence ERROR_TYPE = HttpHeaders.createOptimized("Lambda-Runtime-Function-Error-Type");
    static final CharSequence RESPONSE_MODE = HttpHeaders.createOptimized("Lambda-Runtime-Function-Response-Mode");
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

    /**
     * What the environment does with each Runtime API call. Called on the environment's context. Every
     * method but {@link #next} returns the reply to send; {@code next} answers (or parks) the response
     * itself, since a long poll is answered later.
     */
    interface Handler {
        void next(HttpServerResponse response);

        Reply response(String requestId, Body body, String contentType, String responseMode);

        Reply error(String requestId, String errorType, Body body, String contentType);

        Reply initError(String errorType, Body body, String contentType);

        /**
         * SnapStart's {@code GET /runtime/restore/next}: init and the before-snapshot hooks are done. Answers
         * (200, empty body, once restored) or refuses the response itself.
         */
        default void restoreNext(HttpServerResponse response) {
            send(response, Reply.invalidStateTransition("Started", "RestoreReady"));
        }

        /** SnapStart's {@code POST /runtime/restore/error}: an after-restore hook failed. */
        default Reply restoreError(String errorType, Body body, String contentType) {
            return Reply.invalidStateTransition("Started", "RestoreError");
        }

        /**
         * What the Credentials API ({@link ContainerCredentials}) hands out here: the node's credentials for
         * SnapStart environments and their templates, nothing for others (which have them in their variables).
         */
        default java.util.Optional<EnvironmentSettings.Credentials> containerCredentials() {
            return java.util.Optional.empty();
        }
    }

    /** A request body, or the fact that it exceeded the payload limit (then {@code bytes} is empty). */
    record Body(byte[] bytes, boolean tooLarge) {
    }

    /** A status and a JSON body. The constant replies are rendered once. */
    record Reply(int status, Buffer body) {
        static final Reply ACCEPTED = new Reply(202, Buffer.buffer("{\"status\":\"OK\"}"));
        /** {@code restore/next}'s answer: 200 with an empty body. */
        static final Reply RESTORED = new Reply(200, Buffer.buffer());
        static final Reply INVALID_REQUEST_ID = new Reply(400,
                Buffer.buffer(ErrorBodies.messageFirst("Invalid request ID", "InvalidRequestID")));
        static final Reply INVALID_RESPONSE_MODE = new Reply(400,
                Buffer.buffer(ErrorBodies.messageFirst("Invalid function response mode", "InvalidFunctionResponseMode")));
        static final Reply TOO_LARGE = new Reply(413, Buffer.buffer(ErrorBodies.messageFirst(
                "Exceeded maximum allowed payload size (" + ErrorBodies.MAX_PAYLOAD_BYTES + " bytes).",
                "RequestEntityTooLarge")));
        static final Reply INTERNAL_ERROR = new Reply(500,
                Buffer.buffer(ErrorBodies.messageFirst("Internal Server Error", "InternalServerError")));

        /** 403, worded as RAPID words it: the state the runtime is in and the one it asked for. */
        static Reply invalidStateTransition(String from, String to) {
            return new Reply(403, Buffer.buffer(ErrorBodies.messageFirst("State transition from " + from + " to " + to
                    + " failed for runtime. Error: State transition is not allowed", "InvalidStateTransition")));
        }

        static Reply error(int status, String errorType, String message) {
            return new Reply(status, Buffer.buffer(ErrorBodies.messageFirst(message, errorType)));
        }
    }

    /**
     * Decides whether a connection may use this endpoint, from its client and server ports. Functions
     * share the host's network, so without this any function could long-poll another environment's
     * {@code /next} and take its events. Called on the context; the answer may come later.
     */
    @FunctionalInterface
    interface PeerGate {
        java.util.concurrent.CompletableFuture<Boolean> admits(int clientPort, int serverPort);

        PeerGate OPEN = (client, server) -> java.util.concurrent.CompletableFuture.completedFuture(true);
    }

    /** A prepared endpoint's gate once {@link #attach}ed: until then its verdicts wait for it. Renewed by {@link #reopen}. */
    private volatile java.util.concurrent.CompletableFuture<PeerGate> attached = new java.util.concurrent.CompletableFuture<>();
    /** Counts {@link #detach}es: a verdict asked before one is not acted on after it. Only touched on the loop. */
    private int generation;
    /** Between {@link #detach} and {@link #reopen}: connections are refused, quietly. */
    private volatile boolean detached;

    private final HttpServer server;
    /** Set once, before any connection can be admitted: at construction, or by {@link #attach}. */
    private volatile Handler handler;
    private volatile PeerGate gate;
    private volatile Future<Integer> listening;
    /** Per connection: the gate's verdict, once asked. Only touched on the context's event loop. */
    private final java.util.Map<io.vertx.core.http.HttpConnection, java.util.concurrent.CompletableFuture<Boolean>>
            verdicts = new java.util.HashMap<>();
    private volatile io.vertx.core.Context context;

    /**
     * A prepared endpoint: bound ahead of demand (SnapStart binds one per version, and a spare connects to it
     * while it waits), it serves nothing until {@link #attach} gives it its environment: the verdict on a
     * connection that came earlier waits for that environment's gate. Closed unattached, it serves nothing.
     */
    RuntimeApiServer(Vertx vertx) {
        this(vertx, null, null);
        this.gate = waitForAttach();
    }

    private PeerGate waitForAttach() {
        java.util.concurrent.CompletableFuture<PeerGate> next = attached;
        return (client, server) -> next.thenCompose(g -> g.admits(client, server));
    }

    RuntimeApiServer(Vertx vertx, Handler handler, PeerGate gate) {
        this.handler = handler;
        this.gate = gate;
        this.server = vertx.createHttpServer(new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                // Long polls have no timeout: an idle runtime may sit on /next for as long as it stays warm.
                .setIdleTimeout(0)
                // curl and some HTTP clients ask before sending a large body.
                .setHandle100ContinueAutomatically(true)
                // HTTP/1.1 only, as Lambda's own Runtime API: no h2c upgrade (a client that asked for one
                // got "101 Switching Protocols" and then lost its connection when the gate refused it).
                .setHttp2ClearTextEnabled(false)
                // No WebSockets either: this keeps Netty's WebSocket extension handler, which every request
                // and response would pass through, out of the pipeline.
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false))
                .connectionHandler(this::verdictOf)
                .requestHandler(this::onRequest);
    }

    /**
     * Binds; completes with the port. Call on the environment's context. Once bound, the same answer again
     * (a prepared endpoint is bound already when its environment starts).
     */
    Future<Integer> listen() {
        if (listening == null) {
            context = Vertx.currentContext();
            listening = server.listen().map(HttpServer::actualPort);
        }
        return listening;
    }

    /**
     * Gives a prepared endpoint its environment; it serves nothing before. Connections that came earlier are
     * judged now by {@code gate} (on this thread: it must not block). Returns this endpoint.
     */
    RuntimeApiServer attach(Handler handler, PeerGate gate) {
        this.handler = handler;
        this.gate = gate;
        attached.complete(gate);
        return this;
    }

    /** The context {@link #listen} was called on: where every request is handled. */
    io.vertx.core.Context context() {
        return context;
    }

    /** Closes the port and every connection on it (a parked {@code /next} included). */
    Future<Void> close() {
        return server.close();
    }

    /**
     * Ends this endpoint's service to its environment but keeps the port ({@link EndpointSpares#offer}): closes
     * every connection on it (a parked {@code /next} included) and refuses new ones until {@link #reopen}.
     * Call on the context.
     */
    void detach() {
        generation++;
        detached = true;
        gate = (client, server) -> java.util.concurrent.CompletableFuture.completedFuture(false);
        java.util.List<io.vertx.core.http.HttpConnection> open = new java.util.ArrayList<>(verdicts.keySet());
        verdicts.clear();
        open.forEach(io.vertx.core.http.HttpConnection::close);
    }

    /** After {@link #detach}: prepared again, as a new endpoint, for the next {@link #attach}. Call on the context. */
    void reopen() {
        attached = new java.util.concurrent.CompletableFuture<>();
        gate = waitForAttach();
        detached = false;
    }

    /** Answers a parked {@code /next} with an event: the payload unchanged and the headers of §1.3. */
    static void sendEvent(HttpServerResponse response, InvokeRequest request) {
        MultiMap headers = response.headers();
        headers.set(REQUEST_ID, request.requestId());
        headers.set(DEADLINE, Long.toString(request.deadlineEpochMillis()));
        headers.set(FUNCTION_ARN, request.invokedFunctionArn());
        // RAPID sets the optional headers only when they have a value.
        request.traceId().filter(v -> !v.isEmpty()).ifPresent(v -> headers.set(TRACE_ID, v));
        request.clientContext().filter(v -> !v.isEmpty()).ifPresent(v -> headers.set(CLIENT_CONTEXT, v));
        request.cognitoIdentity().filter(v -> !v.isEmpty()).ifPresent(v -> headers.set(COGNITO_IDENTITY, v));
        headers.set(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
        response.end(Buffer.buffer(request.payload()));
    }

    static void send(HttpServerResponse response, Reply reply) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(reply.status());
        response.headers().set(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
        response.end(reply.body());
    }

    /**
     * Serves a request once its connection is known to come from this environment's sandbox. The first
     * request of a connection waits (paused) for the gate; later ones pass at once. A refused connection
     * gets a 403 and is closed.
     */
    private void onRequest(HttpServerRequest request) {
        io.vertx.core.http.HttpConnection connection = request.connection();
        java.util.concurrent.CompletableFuture<Boolean> verdict = verdictOf(connection);
        Boolean known = verdict.getNow(null);
        if (Boolean.TRUE.equals(known)) {
            serve(request);
            return;
        }
        if (known == null) {
            request.pause();
        }
        int askedIn = generation;
        verdict.whenComplete((admitted, error) -> context.runOnContext(v -> {
            if (askedIn != generation || detached) {
                connection.close(); // asked of an environment that has ended since, or of none
            } else if (Boolean.TRUE.equals(admitted)) {
                serve(request);
                request.resume();
            } else if (request.method() == HttpMethod.GET && request.path().equals(ContainerCredentials.PATH)
                    && handler.containerCredentials().isPresent()) {
                // The Credentials API's token is its authorization (a SnapStart template's endpoint is asked by
                // clients its init made, now running in restored environments): that answer, and nothing else.
                send(request.response(), credentials(request));
                request.resume();
            } else {
                LOG.warn("refused a Runtime API connection from 127.0.0.1:{}: it does not come from this"
                        + " environment's sandbox", connection.remoteAddress().port());
                request.response().setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                        .end(Buffer.buffer(ErrorBodies.messageFirst("This connection does not come from the"
                                + " execution environment this endpoint serves.", "AccessDenied")))
                        .onComplete(done -> connection.close());
            }
        }));
    }

    /**
     * The gate's verdict on a connection, asked once: as soon as the connection is accepted, so that a
     * runtime that connects early (the bootstraps do, before their imports) finds it decided by the time
     * its first request arrives.
     */
    private java.util.concurrent.CompletableFuture<Boolean> verdictOf(io.vertx.core.http.HttpConnection connection) {
        java.util.concurrent.CompletableFuture<Boolean> verdict = verdicts.get(connection);
        if (verdict == null) {
            readsAtLeast(connection);
            verdict = gate.admits(connection.remoteAddress().port(), connection.localAddress().port());
            verdicts.put(connection, verdict);
            connection.closeHandler(v -> verdicts.remove(connection));
        }
        return verdict;
    }

    /**
     * Netty sizes each read from the sizes of the last ones, down to 64 bytes. A runtime's connection
     * alternates a small {@code GET /next} with a larger result, so after a few invocations the guess is
     * smaller than the next result and reading it takes two read calls instead of one, on the invoke's
     * critical path. A floor of {@link #MIN_READ} bytes keeps every usual request to one read; larger
     * bodies still grow the reads up to 64 KB as before (and the kernel's buffer still autotunes).
     */
    private static void readsAtLeast(io.vertx.core.http.HttpConnection connection) {
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
            base.channel().config().setRecvByteBufAllocator(
                    new io.netty.channel.AdaptiveRecvByteBufAllocator(MIN_READ, MIN_READ, 65_536));
        }
    }

    /** The smallest read on a Runtime API connection: more than any request's head and a small result. */
    private static final int MIN_READ = 2048;

    private void serve(HttpServerRequest request) {
        String path = request.path();
        if (path.equals(ContainerCredentials.PATH)) {
            if (expect(request, HttpMethod.GET)) {
                discardAndSend(request, credentials(request));
            }
            return;
        }
        if (!path.startsWith(PREFIX)) {
            // Other API versions (Extensions 2020-01-01, Telemetry 2022-07-01, …) are not served yet.
            discardAndSend(request, notFound(request));
            return;
        }
        String route = path.substring(PREFIX.length());
        HttpMethod method = request.method();
        if (route.equals(NEXT)) {
            if (expect(request, HttpMethod.GET)) {
                // The response waits for work: the handler parks it until there is an event.
                guarded(request, () -> handler.next(request.response()));
            }
        } else if (route.equals(INIT_ERROR)) {
            if (expect(request, HttpMethod.POST)) {
                readBody(request, body -> handler.initError(request.getHeader(ERROR_TYPE), body,
                        request.getHeader(HttpHeaders.CONTENT_TYPE)));
            }
        } else if (route.equals(RESTORE_NEXT)) {
            if (expect(request, HttpMethod.GET)) {
                guarded(request, () -> handler.restoreNext(request.response()));
            }
        } else if (route.equals(RESTORE_ERROR)) {
            if (expect(request, HttpMethod.POST)) {
                readBody(request, body -> handler.restoreError(request.getHeader(ERROR_TYPE), body,
                        request.getHeader(HttpHeaders.CONTENT_TYPE)));
            }
        } else if (route.startsWith(INVOCATION)) {
            routeInvocation(request, route.substring(INVOCATION.length()));
        } else if (route.equals(PING) && method == HttpMethod.GET) {
            request.response().setStatusCode(200).end("pong");
        } else {
            discardAndSend(request, notFound(request));
        }
    }

    private void routeInvocation(HttpServerRequest request, String rest) {
        int slash = rest.indexOf('/');
        if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
            discardAndSend(request, notFound(request));
            return;
        }
        String requestId = rest.substring(0, slash);
        String action = rest.substring(slash + 1);
        switch (action) {
            case "response" -> {
                if (expect(request, HttpMethod.POST)) {
                    readBody(request, body -> handler.response(requestId, body,
                            request.getHeader(HttpHeaders.CONTENT_TYPE), request.getHeader(RESPONSE_MODE)));
                }
            }
            case "error" -> {
                if (expect(request, HttpMethod.POST)) {
                    readBody(request, body -> handler.error(requestId, request.getHeader(ERROR_TYPE), body,
                            request.getHeader(HttpHeaders.CONTENT_TYPE)));
                }
            }
            default -> discardAndSend(request, notFound(request));
        }
    }

    private boolean expect(HttpServerRequest request, HttpMethod method) {
        if (request.method() == method) {
            return true;
        }
        discardAndSend(request, Reply.error(405, "MethodNotAllowed",
                "Method " + request.method() + " is not allowed on " + request.path()));
        return false;
    }

    /** 200 with the credentials for the node's token; 404 for any other token, or where none are served. */
    private Reply credentials(HttpServerRequest request) {
        java.util.Optional<EnvironmentSettings.Credentials> credentials = handler.containerCredentials();
        if (credentials.isEmpty() || !ContainerCredentials.authorizes(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            return Reply.error(404, "NotFound", "No credentials for this authorization token");
        }
        return new Reply(200, ContainerCredentials.body(credentials.get(), java.time.Instant.now()));
    }

    private static Reply notFound(HttpServerRequest request) {
        return Reply.error(404, "NotFound", "No Runtime API endpoint at " + request.method() + " " + request.path());
    }

    /**
     * Reads the whole body (content-length or chunked) and then asks {@code decide} for the reply. A body
     * over the limit is not kept: the rest is drained so the connection stays usable, and the handler
     * hears that it was too large. Streaming-mode responses are read the same way, i.e. buffered.
     */
    private void readBody(HttpServerRequest request, Function<Body, Reply> decide) {
        BodyReader reader = new BodyReader(declaredLength(request));
        request.handler(reader::add);
        request.exceptionHandler(e -> LOG.debug("runtime request {} failed while reading: {}", request.path(), e.toString()));
        request.endHandler(v -> guarded(request, () -> send(request.response(), decide.apply(reader.body()))));
    }

    private static long declaredLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void discardAndSend(HttpServerRequest request, Reply reply) {
        request.handler(chunk -> { });
        request.endHandler(v -> send(request.response(), reply));
    }

    private static void guarded(HttpServerRequest request, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("Runtime API call {} {} failed", request.method(), request.path(), e);
            send(request.response(), Reply.INTERNAL_ERROR);
        }
    }

    /**
     * Collects a body up to the payload limit. The first chunk is kept as it is: most bodies arrive in
     * one, and then the only copy is the final one into the caller's array.
     */
    private static final class BodyReader {
        private final long declared;
        private Buffer first;
        private Buffer collected;
        private long size;
        private boolean tooLarge;

        BodyReader(long declared) {
            this.declared = declared;
            this.tooLarge = declared > ErrorBodies.MAX_PAYLOAD_BYTES;
        }

        void add(Buffer chunk) {
            size += chunk.length();
            if (tooLarge || size > ErrorBodies.MAX_PAYLOAD_BYTES) {
                tooLarge = true;
                first = null;
                collected = null;
                return;
            }
            if (first == null && collected == null) {
                first = chunk;
                return;
            }
            if (collected == null) {
                int expected = declared > 0 ? (int) declared : Math.max(8192, 2 * (int) size);
                collected = Buffer.buffer(expected).appendBuffer(first);
                first = null;
            }
            collected.appendBuffer(chunk);
        }

        Body body() {
            if (tooLarge) {
                return new Body(new byte[0], true);
            }
            Buffer all = collected != null ? collected : first;
            return new Body(all == null ? new byte[0] : all.getBytes(), false);
        }
    }
}
