package dev.hearth.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.net.URI;

/**
 * The warm baselines' server: a Vert.x HTTP server on 127.0.0.1 (the library the node serves the API
 * with, on as many event loops as the node uses) answering every request with its body — the least a
 * request/response round trip over loopback can cost with this server library and client. Runs in the
 * harness's own Vert.x instance, on its event loops. Close to stop.
 */
final class EchoServer implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;

    private EchoServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    static EchoServer start() {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
        // The node's servers serve no WebSockets and leave the WebSocket compression handshakers out, and
        // with them a pipeline handler every request passes through; the echo does the same, so that the
        // baseline is still the least this library's round trip costs.
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setPerFrameWebSocketCompressionSupported(false)
                        .setPerMessageWebSocketCompressionSupported(false))
                .requestHandler(req -> req.body().onSuccess(body -> req.response()
                        .putHeader("Content-Type", "application/json")
                        .end(body)))
                .listen(0, "127.0.0.1")
                .await();
        return new EchoServer(vertx, server);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.actualPort() + "/echo");
    }

    @Override
    public void close() {
        server.close().await();
        vertx.close().await();
    }
}
