package dev.hearth.environment;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Runtime API endpoints bound ahead for plain cold starts: one per event loop, bound after that loop's
 * first cold start, each taken once, on the taker's loop; none left listening once closed.
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
    void take_offAVertxThread_isEmpty() {
        assertThat(new EndpointSpares(vertx).take()).isEmpty();
    }

    private static <T> T on(Context context, Supplier<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(task.get()));
        return result.get(5, TimeUnit.SECONDS);
    }
}
