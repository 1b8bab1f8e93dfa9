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
 * <p>An ended plain environment's endpoint is kept too ({@link #offer}), at most one per loop, and taken
 * before the loop's spare: binding an endpoint and closing it again (a Vert.x server's set-up, the bind on
 * the acceptor, its close sequence) cost the node about 1 ms of CPU per cold start, most of it code that
 * runs once per cold start and so stays interpreted, on the cores the starting runtime needs. Such an
 * endpoint is offered only once its sandbox is released (killed) and it is detached: every connection it
 * had is closed, and until the next environment is attached it serves no one (a connection made meanwhile
 * is judged by that environment's peer gate, as on a spare). While ended environments' endpoints cover
 * the cold starts, no spare is bound.
 *
 * <p>Threading: thread-safe; {@link #take} never blocks.
 */
final class EndpointSpares {
    /** As SnapshotTemplates' next endpoint: the bind does not run beside the launch it follows. */
    static final Duration NEXT_AFTER = Duration.ofMillis(50);

    private final Vertx vertx;
    private final Map<EventLoop, RuntimeApiServer> bound = new ConcurrentHashMap<>();
    /** Endpoints of ended environments, kept for the next environment on their loop. */
    private final Map<EventLoop, RuntimeApiServer> recycled = new ConcurrentHashMap<>();
    private final Map<EventLoop, Boolean> binding = new ConcurrentHashMap<>();
    private volatile boolean closed;

    EndpointSpares(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * The endpoint an ended environment left on the current context's event loop, else the spare bound on
     * that loop, if there is one; in the latter case, either way, the loop's next spare is bound a little
     * later. Empty off a Vert.x context or once closed.
     */
    Optional<RuntimeApiServer> take() {
        if (closed || !(vertx instanceof VertxInternal internal)
                || !(Vertx.currentContext() instanceof ContextInternal current) || current.owner() != vertx) {
            return Optional.empty();
        }
        EventLoop loop = current.nettyEventLoop();
        RuntimeApiServer kept = recycled.remove(loop);
        if (kept != null) {
            return Optional.of(kept);
        }
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

    /**
     * Keeps an ended environment's detached endpoint (its sandbox released) for the next environment on its
     * loop, or closes it when that loop keeps one already or these spares are closed. Hops to the endpoint's
     * context.
     */
    void offer(RuntimeApiServer endpoint) {
        if (closed || !(endpoint.context() instanceof ContextInternal context) || context.owner() != vertx) {
            endpoint.close();
            return;
        }
        context.runOnContext(v -> {
            endpoint.reopen();
            if (closed || recycled.putIfAbsent(context.nettyEventLoop(), endpoint) != null) {
                endpoint.close();
            } else if (closed) {
                close(); // closed meanwhile: nothing will take it
            }
        });
    }

    /** Closes the spares and kept endpoints that no environment took; none is kept afterwards. */
    void close() {
        closed = true;
        for (Map<EventLoop, RuntimeApiServer> endpoints : java.util.List.of(bound, recycled)) {
            for (EventLoop loop : endpoints.keySet()) {
                RuntimeApiServer endpoint = endpoints.remove(loop);
                if (endpoint != null) {
                    endpoint.close();
                }
            }
        }
    }
}
