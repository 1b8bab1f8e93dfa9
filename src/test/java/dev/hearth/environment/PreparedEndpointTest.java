package dev.hearth.environment;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Runtime API endpoint bound ahead of its environment (SnapStart keeps one per version): it serves no one
 * until an environment is attached, then serves that environment's runtime on the context it was bound on.
 */
class PreparedEndpointTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void preparedEndpoint_refusesConnectionsUntilAttached_thenServesItsEnvironmentOnItsContext() throws Exception {
        RuntimeApiServer endpoint = new RuntimeApiServer(vertx);
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        CompletableFuture<Thread> loop = new CompletableFuture<>();
        context.runOnContext(v -> {
            loop.complete(Thread.currentThread());
            endpoint.listen().onComplete(r -> bound.complete(r.result()));
        });
        int port = bound.get(10, TimeUnit.SECONDS);
        URI next = URI.create("http://127.0.0.1:" + port + "/2018-06-01/runtime/invocation/next");

        HttpResponse<String> early = get(next);
        assertThat(early.statusCode()).isEqualTo(403);
        assertThat(early.body()).contains("AccessDenied");

        CompletableFuture<Thread> servedOn = new CompletableFuture<>();
        endpoint.attach(new RuntimeApiServer.Handler() {
            @Override
            public void next(HttpServerResponse response) {
                servedOn.complete(Thread.currentThread());
                RuntimeApiServer.send(response, RuntimeApiServer.Reply.ACCEPTED);
            }

            @Override
            public RuntimeApiServer.Reply response(String id, RuntimeApiServer.Body body, String type, String mode) {
                return RuntimeApiServer.Reply.ACCEPTED;
            }

            @Override
            public RuntimeApiServer.Reply error(String id, String type, RuntimeApiServer.Body body, String contentType) {
                return RuntimeApiServer.Reply.ACCEPTED;
            }

            @Override
            public RuntimeApiServer.Reply initError(String type, RuntimeApiServer.Body body, String contentType) {
                return RuntimeApiServer.Reply.ACCEPTED;
            }
        }, RuntimeApiServer.PeerGate.OPEN);

        assertThat(get(next).statusCode()).isEqualTo(202);
        assertThat(servedOn.get(10, TimeUnit.SECONDS)).isSameAs(loop.get(10, TimeUnit.SECONDS));
        assertThat(endpoint.context()).isSameAs(context);
        assertThat(endpoint.listen().result()).isEqualTo(port);
    }

    /** Each on a client of its own: a new connection, asked of the gate afresh. */
    private static HttpResponse<String> get(URI uri) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
