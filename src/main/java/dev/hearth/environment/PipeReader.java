package dev.hearth.environment;

import dev.hearth.os.OutputPipe;
import io.vertx.core.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads one non-blocking output pipe of a runtime process into lines ({@link LineSplitter}), without a
 * thread of its own: {@link #drain} reads whatever the pipe holds until it is empty and hands the lines
 * on as one batch. It runs when the node's poller reports output (through one hop to the environment's
 * context) and whenever the environment needs everything printed so far, such as before END: a runtime
 * prints before it posts its result, so by then its output is in the pipe, and a drain takes all of it.
 *
 * <p>Threading: {@link #drain} runs on the environment's context only; {@link #readable} is the poller's
 * handler (any thread).
 */
final class PipeReader {
    /** One read's worth; shared by every reader of the same event-loop thread (drains never nest). */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    /**
     * Most bytes one drain reads before it lets the event loop do other work: a background thread printing
     * without pause must not hold the loop. It exceeds a pipe's capacity (64 KiB by default, 1 MiB at
     * most), so a settling drain still takes everything written before the runtime posted its result.
     */
    static final int DRAIN_BUDGET_BYTES = 2 * 1024 * 1024;

    private final OutputPipe pipe;
    private final Context context;
    private final Consumer<List<String>> lines;
    private final Runnable ended;
    private final LineSplitter splitter = new LineSplitter();
    private final java.util.concurrent.atomic.AtomicBoolean hopQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private boolean finished;

    /**
     * @param lines gets each batch of lines, on the context
     * @param ended runs once on the context when the pipe has ended (every writer closed it)
     */
    PipeReader(OutputPipe pipe, Context context, Consumer<List<String>> lines, Runnable ended) {
        this.pipe = pipe;
        this.context = context;
        this.lines = lines;
        this.ended = ended;
    }

    /**
     * The poller's handler: queues one drain on {@code context}, unless one is queued and has not begun
     * (it will read this output too). The flag is cleared before the drain reads, so output arriving
     * during a drain queues another one rather than being missed.
     */
    void readable() {
        if (hopQueued.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                hopQueued.set(false);
                drain(false);
            });
        }
    }

    /**
     * Reads until the pipe is empty (or ended), hands the lines on, and at the end closes the pipe. With
     * {@code settle}, an unfinished last line is handed on as a line too: the runtime has posted its
     * result, so that text (Java's LambdaLogger writes without a newline) belongs to this invocation.
     */
    void drain(boolean settle) {
        if (finished) {
            return;
        }
        byte[] buffer = BUFFER.get();
        List<String> batch = null;
        int budget = DRAIN_BUDGET_BYTES;
        int n;
        while ((n = pipe.read(buffer)) > 0) {
            if (batch == null) {
                batch = new ArrayList<>(4);
            }
            splitter.split(buffer, n, batch);
            budget -= n;
            if (budget <= 0) {
                // More may be waiting, and no new edge will say so: come back after other work.
                readable();
                break;
            }
        }
        if (n < 0 || settle) {
            if (splitter.hasRest()) {
                if (batch == null) {
                    batch = new ArrayList<>(1);
                }
                batch.add(splitter.rest());
            }
        }
        if (batch != null && !batch.isEmpty()) {
            lines.accept(batch);
        }
        if (n < 0) {
            finished = true;
            pipe.close();
            ended.run();
        }
    }

    /** Closes the pipe without reading further (the environment is gone); {@code ended} does not run. */
    void abandon() {
        finished = true;
        pipe.close();
    }
}
