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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An ended environment's Runtime API endpoint kept bound for the next environment on its loop: detaching cuts
 * every connection (a parked {@code /next} included) and refuses new ones; offered, it is taken on its own
 * loop only, and serves no one until the next environment is attached, judged by that environment's gate.
 */
class RecycledEndpointsTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void detachedEndpoint_cutsItsParkedNext_isTakenOnItsLoopOnly_andServesOnlyTheNextEnvironmentsGate() throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<HttpServerResponse> parked = new CompletableFuture<>();
        CompletableFuture<RuntimeApiServer> first = new CompletableFuture<>();
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        context.runOnContext(v -> {
            RuntimeApiServer endpoint = new RuntimeApiServer(vertx, parking(parked),
                    (client, server) -> CompletableFuture.completedFuture(true));
            first.complete(endpoint);
            endpoint.listen().onComplete(r -> bound.complete(r.result()));
        });
        RuntimeApiServer endpoint = first.get(10, TimeUnit.SECONDS);
        URI next = URI.create("http://127.0.0.1:" + bound.get(10, TimeUnit.SECONDS) + "/2018-06-01/runtime/invocation/next");
        CompletableFuture<HttpResponse<String>> old = getAsync(next);
        parked.get(10, TimeUnit.SECONDS);

        context.runOnContext(v -> endpoint.detach());
        await().atMost(Duration.ofSeconds(5)).until(old::isDone);
        assertThat(old).isCompletedExceptionally();

        RecycledEndpoints.offer(endpoint);
        CompletableFuture<Optional<RuntimeApiServer>> taken = new CompletableFuture<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            CompletableFuture<Optional<RuntimeApiServer>> attempt = new CompletableFuture<>();
            context.runOnContext(v -> attempt.complete(RecycledEndpoints.take()));
            Optional<RuntimeApiServer> got = attempt.get(5, TimeUnit.SECONDS);
            got.ifPresent(e -> taken.complete(got));
            return got.isPresent();
        });
        assertThat(taken.get()).containsSame(endpoint);
        assertThat(RecycledEndpoints.take()).isEmpty(); // off a Vert.x context

        CompletableFuture<HttpResponse<String>> early = getAsync(next);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !early.isDone());
        CompletableFuture<HttpServerResponse> again = new CompletableFuture<>();
        endpoint.attach(parking(again), (client, server) -> CompletableFuture.completedFuture(false));
        HttpResponse<String> refused = early.get(10, TimeUnit.SECONDS);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(again).isNotDone();
    }

    /** A handler that parks {@code /next} and hands over its response. */
    private static RuntimeApiServer.Handler parking(CompletableFuture<HttpServerResponse> parked) {
        return new RuntimeApiServer.Handler() {
            @Override
            public void next(HttpServerResponse response) {
                parked.complete(response);
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
        };
    }

    private static CompletableFuture<HttpResponse<String>> getAsync(URI uri) {
        return CompletableFuture.supplyAsync(() -> {
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }
}
