package dev.hearth.pool;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Keeps a new environment on the event loop of the request that started it. An environment lives on
 * one Vert.x context, which it takes from the thread that creates it; created on a virtual thread it
 * would land on whichever loop that thread's id maps to, and every warm invoke arriving on the API's
 * loop would then cross to the other loop and back (two thread hand-offs, each a wake-up of a sleeping
 * loop). Capturing the caller's loop and running the factory "on" a fresh context of that loop makes
 * the environment's context, its Runtime API server and its timers share the caller's loop.
 *
 * <p>Uses Vert.x's internal context API ({@link ContextInternal#beginDispatch}): a thread that is not a
 * Vert.x thread sees the dispatched context as its current one. Threading: {@link #capture} on the
 * caller's thread; {@link #run} on the (blocking) thread that creates the environment.
 */
final class CallerLoop {
    private final Optional<ContextInternal> context;

    private CallerLoop(Optional<ContextInternal> context) {
        this.context = context;
    }

    /** The calling thread's event loop, when it is one of {@code vertx}'s; else nothing to keep. */
    static CallerLoop capture(Vertx vertx) {
        if (!Context.isOnEventLoopThread() || !(vertx instanceof VertxInternal internal)
                || !(Vertx.currentContext() instanceof ContextInternal current) || current.owner() != vertx) {
            return new CallerLoop(Optional.empty());
        }
        ContextInternal fresh = internal.contextBuilder().withEventLoop(current.nettyEventLoop()).build();
        return new CallerLoop(Optional.of(fresh));
    }

    /** The captured event loop, if any: where an environment created by {@link #run} lives. */
    Optional<io.netty.channel.EventLoop> eventLoop() {
        return context.map(ContextInternal::nettyEventLoop);
    }

    /** Runs {@code task} here with the captured loop's fresh context as the current context. */
    <T> T run(Supplier<T> task) {
        if (context.isEmpty()) {
            return task.get();
        }
        ContextInternal previous = context.get().beginDispatch();
        try {
            return task.get();
        } finally {
            context.get().endDispatch(previous);
        }
    }
}
