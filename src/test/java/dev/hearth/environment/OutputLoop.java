package dev.hearth.environment;

import dev.hearth.os.Poller;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.io.IOException;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What output tests run on: one Vert.x context (ProcessOutput's calls are made on it, as an environment
 * makes them on its event loop) and one poller thread for the native pipes. Closed after each test.
 */
final class OutputLoop implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final Context context = vertx.getOrCreateContext();
    final Poller poller;

    OutputLoop() throws IOException {
        poller = Poller.start("test-poller");
    }

    /** Runs {@code call} on the context and waits (at most 5 s) for its result. */
    <T> T onContext(Callable<T> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                result.complete(call.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(5, TimeUnit.SECONDS);
    }

    void onContext(Runnable run) throws Exception {
        onContext(() -> {
            run.run();
            return null;
        });
    }

    @Override
    public void close() {
        poller.close();
        vertx.close();
    }
}
