package dev.hearth.environment;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Runtime API endpoint bound ahead per event loop, for plain cold starts: binding an endpoint (a
 * context turn, the bind, the server's set-up) took 1–2 ms of every cold start before its launch. A new
 * environment started on a loop takes that loop's spare, so it keeps the caller's loop (see the pool's
 * CallerLoop) and launches at once; the loop's next spare is bound {@link #NEXT_AFTER} later, off the
 * cold start's path. Each endpoint still serves one environment only, and it serves no one before the
 * environment is attached to it: a connection made earlier is judged by that environment's peer gate.
 * A loop that had no spare gets none until its first cold start, which binds its own endpoint.
 *
 * <p>Threading: thread-safe; {@link #take} never blocks.
 */
final class EndpointSpares {
    /** As SnapshotTemplates' next endpoint: the bind does not run beside the launch it follows. */
    static final Duration NEXT_AFTER = Duration.ofMillis(50);

    private final Vertx vertx;
    private final Map<EventLoop, RuntimeApiServer> bound = new ConcurrentHashMap<>();
    private final Map<EventLoop, Boolean> binding = new ConcurrentHashMap<>();
    private volatile boolean closed;

    EndpointSpares(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * The spare bound on the current context's event loop, if there is one; either way that loop's next
     * spare is bound a little later. Empty off a Vert.x context or once closed.
     */
    Optional<RuntimeApiServer> take() {
        if (closed || !(vertx instanceof VertxInternal internal)
                || !(Vertx.currentContext() instanceof ContextInternal current) || current.owner() != vertx) {
            return Optional.empty();
        }
        EventLoop loop = current.nettyEventLoop();
        RuntimeApiServer spare = bound.remove(loop);
        if (binding.putIfAbsent(loop, Boolean.TRUE) == null) {
            vertx.setTimer(NEXT_AFTER.toMillis(), t -> bindOn(internal, loop));
        }
        return Optional.ofNullable(spare);
    }

    private void bindOn(VertxInternal internal, EventLoop loop) {
        if (closed) {
            binding.remove(loop);
            return;
        }
        Context context = internal.contextBuilder().withEventLoop(loop).build();
        context.runOnContext(v -> {
            RuntimeApiServer endpoint = new RuntimeApiServer(vertx);
            endpoint.listen().onComplete(result -> {
                binding.remove(loop);
                if (result.failed() || closed || bound.putIfAbsent(loop, endpoint) != null) {
                    endpoint.close();
                } else if (closed) {
                    close(); // closed meanwhile: nothing will take it
                }
            });
        });
    }

    /** Closes the spares that no environment took; none is bound afterwards. */
    void close() {
        closed = true;
        for (EventLoop loop : bound.keySet()) {
            RuntimeApiServer spare = bound.remove(loop);
            if (spare != null) {
                spare.close();
            }
        }
    }
}
