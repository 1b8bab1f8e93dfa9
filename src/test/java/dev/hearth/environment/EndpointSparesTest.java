package dev.hearth.environment;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Runtime API endpoints bound ahead for plain cold starts: one per event loop, bound after that loop's
 * first cold start, each taken once, on the taker's loop; none left listening once closed. An ended
 * environment's endpoint, detached and offered, is taken first, on its own loop only, and serves no one until
 * the next environment is attached, judged by that environment's gate.
 */
class EndpointSparesTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void take_onALoop_isEmptyAtFirst_thenGivesOneBoundEndpointOnThatLoop_once() throws Exception {
        EndpointSpares spares = new EndpointSpares(vertx);
        Context context = vertx.getOrCreateContext();

        assertThat(on(context, spares::take)).isEmpty();
        RuntimeApiServer spare = await().atMost(Duration.ofSeconds(5))
                .until(() -> on(context, spares::take), Optional::isPresent).orElseThrow();
        assertThat(on(context, spares::take)).isEmpty();

        assertThat(spare.listen().succeeded()).isTrue();
        assertThat(((ContextInternal) spare.context()).nettyEventLoop())
                .isSameAs(((ContextInternal) context).nettyEventLoop());
        spares.close();
    }

    @Test
    void close_givesNoSpareAfterwards() throws Exception {
        EndpointSpares spares = new EndpointSpares(vertx);
        Context context = vertx.getOrCreateContext();
        on(context, spares::take);
        await().atMost(Duration.ofSeconds(5)).until(() -> on(context, spares::take), Optional::isPresent)
                .orElseThrow().close();

        spares.close();

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> on(context, spares::take).isEmpty());
    }

    @Test
    void offeredEndpoint_cutByItsDetach_isTakenBeforeASpare_onItsLoopOnly_andServesOnlyTheNextEnvironmentsGate()
            throws Exception {
        EndpointSpares spares = new EndpointSpares(vertx);
        Context context = vertx.getOrCreateContext();
        CompletableFuture<HttpServerResponse> parked = new CompletableFuture<>();
        RuntimeApiServer endpoint = on(context, () -> new RuntimeApiServer(vertx, parking(parked),
                (client, server) -> CompletableFuture.completedFuture(true)));
        int port = on(context, endpoint::listen).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        URI next = URI.create("http://127.0.0.1:" + port + "/2018-06-01/runtime/invocation/next");
        CompletableFuture<HttpResponse<String>> old = getAsync(next);
        parked.get(10, TimeUnit.SECONDS);

        context.runOnContext(v -> endpoint.detach());
        await().atMost(Duration.ofSeconds(5)).until(old::isDone);
        assertThat(old).isCompletedExceptionally();

        spares.offer(endpoint);
        Optional<RuntimeApiServer> taken = await().atMost(Duration.ofSeconds(5))
                .until(() -> on(context, spares::take), Optional::isPresent);
        assertThat(taken).containsSame(endpoint);
        assertThat(spares.take()).isEmpty(); // off a Vert.x context

        CompletableFuture<HttpResponse<String>> early = getAsync(next);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !early.isDone());
        CompletableFuture<HttpServerResponse> again = new CompletableFuture<>();
        endpoint.attach(parking(again), (client, server) -> CompletableFuture.completedFuture(false));
        assertThat(early.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(403);
        assertThat(again).isNotDone();
        spares.close();
    }

    @Test
    void close_closesAnOfferedEndpointNoEnvironmentTook() throws Exception {
        EndpointSpares spares = new EndpointSpares(vertx);
        Context context = vertx.getOrCreateContext();
        RuntimeApiServer endpoint = on(context, () -> new RuntimeApiServer(vertx, parking(new CompletableFuture<>()),
                (client, server) -> CompletableFuture.completedFuture(true)));
        int port = on(context, endpoint::listen).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        context.runOnContext(v -> endpoint.detach());
        spares.offer(endpoint);
        on(context, () -> true); // the offer hops to the endpoint's context: once this has run there, it is kept

        spares.close();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThatThrownBy(
                () -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
    }

    @Test
    void take_offAVertxThread_isEmpty() {
        assertThat(new EndpointSpares(vertx).take()).isEmpty();
    }

    /** A handler that parks {@code /next} and hands over its response. */
    private static RuntimeApiServer.Handler parking(CompletableFuture<HttpServerResponse> parked) {
        return new AcceptingHandler() {
            @Override
            public void next(HttpServerResponse response) {
                parked.complete(response);
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

    private static <T> T on(Context context, Supplier<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(task.get()));
        return result.get(5, TimeUnit.SECONDS);
    }
}
