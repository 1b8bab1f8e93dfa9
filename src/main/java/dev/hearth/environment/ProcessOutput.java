package dev.hearth.environment;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The output of one runtime process: a pump per stream on a virtual thread, its lines delivered on the
 * environment's context, and the answer to "has everything printed so far been logged?" that keeps END
 * from overtaking the function's last lines.
 *
 * <p>Threading: every method runs on the environment's context; the pumps run on small platform
 * threads of their own and hop back to the context with their lines and their end.
 */
final class ProcessOutput {
    /**
     * Longest END waits for the output to be read; only a process printing without pause (a busy
     * background thread) gets near it.
     */
    static final long SETTLE_LIMIT_MILLIS = 50;

    private final Vertx vertx;
    private final Context context;

    /**
     * Pumps block in pipe reads for an environment's whole life. On virtual threads such reads pin their
     * carrier, and a few dozen environments then starved every virtual thread of the node (the API hung).
     * They get small platform threads of their own instead.
     */
    private static final Thread.Builder READERS = Thread.ofPlatform().daemon(true).name("hearth-output-", 0)
            .stackSize(256 * 1024);
    private final Consumer<List<String>> lines;
    private final Runnable ended;
    private final List<OutputPump> pumps = new ArrayList<>(2);
    private int open;

    /**
     * @param lines gets each batch of lines, on the context
     * @param ended runs on the context each time a stream has ended
     */
    ProcessOutput(Vertx vertx, Context context, Consumer<List<String>> lines, Runnable ended) {
        this.vertx = vertx;
        this.context = context;
        this.lines = lines;
        this.ended = ended;
    }

    void start(InputStream stdout, InputStream stderr) {
        pump(stdout);
        pump(stderr);
    }

    private void pump(InputStream stream) {
        OutputPump pump = new OutputPump(stream,
                batch -> context.runOnContext(v -> lines.accept(batch)),
                () -> context.runOnContext(v -> streamEnded()));
        pumps.add(pump);
        open++;
        try {
            READERS.start(pump);
        } catch (RuntimeException e) {
            // The node is going down and nothing will read this stream.
            streamEnded();
        }
    }

    private void streamEnded() {
        open--;
        ended.run();
    }

    /** True once every stream started has ended (trivially, before any was started). */
    boolean ended() {
        return open == 0;
    }

    /**
     * Runs {@code then} on the context once the output written up to now has been delivered: after one
     * hop (so that batches already queued go first) when every pump is drained, else when they are, or
     * after {@link #SETTLE_LIMIT_MILLIS} at the latest.
     */
    void afterSettled(Runnable then) {
        boolean drained = true;
        for (OutputPump pump : pumps) {
            drained &= pump.drained();
        }
        if (drained) {
            context.runOnContext(v -> then.run());
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger waiting = new AtomicInteger(pumps.size());
        long limit = vertx.setTimer(SETTLE_LIMIT_MILLIS, t -> {
            if (done.compareAndSet(false, true)) {
                then.run();
            }
        });
        for (OutputPump pump : pumps) {
            // Fires at once for a pump that is drained already.
            pump.whenDrained(() -> {
                if (waiting.decrementAndGet() == 0) {
                    context.runOnContext(v -> {
                        if (done.compareAndSet(false, true)) {
                            vertx.cancelTimer(limit);
                            then.run();
                        }
                    });
                }
            });
        }
    }
}
