package dev.hearth.environment;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runtime API endpoints whose environment has ended, kept bound for the next plain environment started on
 * the same event loop: at most one per loop. Binding an endpoint and closing it again (a Vert.x server's
 * set-up, the bind on the acceptor, its close sequence) cost the node about 1 ms of CPU per cold start,
 * most of it code that runs once per cold start and so stays interpreted, on the cores the starting
 * runtime needs. An endpoint is offered only once its sandbox is released (killed): every connection it
 * had was closed when its environment ended, and until the next environment is attached it serves no one
 * (a connection made meanwhile is judged by that environment's peer gate, as on a spare).
 *
 * <p>Keyed by event loop, which belongs to one node's Vert.x, so nodes in one JVM (tests) never share an
 * endpoint; entries of loops that shut down are dropped. Threading: thread-safe; {@link #take} never blocks.
 */
final class RecycledEndpoints {
    private static final Map<EventLoop, RuntimeApiServer> IDLE = new ConcurrentHashMap<>();

    private RecycledEndpoints() {
    }

    /** The endpoint kept on the current context's event loop, if any. Empty off a Vert.x context. */
    static Optional<RuntimeApiServer> take() {
        if (!(Vertx.currentContext() instanceof ContextInternal current)) {
            return Optional.empty();
        }
        return Optional.ofNullable(IDLE.remove(current.nettyEventLoop()));
    }

    /**
     * Keeps a detached endpoint for its loop's next environment, or closes it when the loop already keeps
     * one or is shutting down. Hops to the endpoint's context.
     */
    static void offer(RuntimeApiServer endpoint) {
        if (!(endpoint.context() instanceof ContextInternal context)) {
            endpoint.close();
            return;
        }
        context.runOnContext(v -> {
            EventLoop loop = context.nettyEventLoop();
            IDLE.keySet().removeIf(EventLoop::isShuttingDown);
            endpoint.reopen();
            if (loop.isShuttingDown() || IDLE.putIfAbsent(loop, endpoint) != null) {
                endpoint.close();
            }
        });
    }
}
