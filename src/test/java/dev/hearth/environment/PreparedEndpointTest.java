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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Runtime API endpoint bound ahead of its environment (SnapStart keeps one per version, and a spare connects
 * to it ahead): it serves no one until an environment is attached; a connection that came earlier is then
 * judged by that environment's gate, and served on the context the endpoint was bound on, or refused.
 */
class PreparedEndpointTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void preparedEndpoint_servesNoOneUntilAttached_thenServesAnEarlyConnectionItsGateAdmits_onItsContext() throws Exception {
        RuntimeApiServer endpoint = new RuntimeApiServer(vertx);
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        CompletableFuture<Thread> loop = new CompletableFuture<>();
        context.runOnContext(v -> {
            loop.complete(Thread.currentThread());
            endpoint.listen().onComplete(r -> bound.complete(r.result()));
        });
        int port = bound.get(10, TimeUnit.SECONDS);
        URI next = nextOf(port);

        CompletableFuture<HttpResponse<String>> early = getAsync(next);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !early.isDone());

        CompletableFuture<Thread> servedOn = new CompletableFuture<>();
        List<Integer> asked = new CopyOnWriteArrayList<>();
        endpoint.attach(serving(servedOn), (client, server) -> {
            asked.add(server);
            return CompletableFuture.completedFuture(true);
        });

        assertThat(early.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        assertThat(asked).containsExactly(port);
        assertThat(get(next).statusCode()).isEqualTo(202);
        assertThat(servedOn.get(10, TimeUnit.SECONDS)).isSameAs(loop.get(10, TimeUnit.SECONDS));
        assertThat(endpoint.context()).isSameAs(context);
        assertThat(endpoint.listen().result()).isEqualTo(port);
    }

    @Test
    void preparedEndpoint_earlyConnectionItsEnvironmentsGateRefuses_isRefusedOnceAttached() throws Exception {
        RuntimeApiServer endpoint = new RuntimeApiServer(vertx);
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> endpoint.listen().onComplete(r -> bound.complete(r.result())));
        URI next = nextOf(bound.get(10, TimeUnit.SECONDS));

        CompletableFuture<HttpResponse<String>> early = getAsync(next);
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> !early.isDone());
        CompletableFuture<Thread> servedOn = new CompletableFuture<>();
        endpoint.attach(serving(servedOn), (client, server) -> CompletableFuture.completedFuture(false));

        HttpResponse<String> refused = early.get(10, TimeUnit.SECONDS);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("AccessDenied");
        assertThat(servedOn).isNotDone();
    }

    private static URI nextOf(int port) {
        return URI.create("http://127.0.0.1:" + port + "/2018-06-01/runtime/invocation/next");
    }

    /** A handler that answers {@code /next} with 202 and says on which thread. */
    private static RuntimeApiServer.Handler serving(CompletableFuture<Thread> servedOn) {
        return new AcceptingHandler() {
            @Override
            public void next(HttpServerResponse response) {
                servedOn.complete(Thread.currentThread());
                RuntimeApiServer.send(response, RuntimeApiServer.Reply.ACCEPTED);
            }
        };
    }

    private static CompletableFuture<HttpResponse<String>> getAsync(URI uri) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return get(uri);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    /** Each on a client of its own: a new connection, asked of the gate afresh. */
    private static HttpResponse<String> get(URI uri) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
