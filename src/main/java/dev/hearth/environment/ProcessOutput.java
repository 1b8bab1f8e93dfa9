package dev.hearth.environment;

import dev.hearth.os.OutputPipes;
import dev.hearth.sandbox.Sandbox;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The output of one runtime process, its lines delivered on the environment's context, and the answer to
 * "has everything printed so far been logged?" that keeps END from overtaking the function's last lines.
 *
 * <p>Two ways to read, chosen per sandbox. With native pipes ({@link Sandbox#outputPipes}) a
 * {@link PipeReader} per stream, woken by the node's one poller thread: no thread per environment, and
 * {@link #afterSettled} simply drains both pipes at once (a runtime prints before it posts its result,
 * so its output is already in the pipes) and goes on. With streams only, an {@link OutputPump} per
 * stream on a platform thread, and {@link #afterSettled} waits for sync markers to come through.
 *
 * <p>Threading: every method runs on the environment's context; pumps run on small platform threads of
 * their own and hop back to the context with their lines and their end.
 */
final class ProcessOutput {
    /**
     * Longest END waits for the output to be read; only a process printing without pause (a busy
     * background thread) gets near it.
     */
    static final long SETTLE_LIMIT_MILLIS = 200;

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

    /** The pid whose fds 1 and 2 are the write ends of the pipes read here; sync markers go through them. */
    private long writerPid = -1;
    private final String markerId = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    private long markers;

    /** The native readers, when the sandbox has pipes; empty on the stream path. */
    private final List<PipeReader> readers = new ArrayList<>(2);

    /** Starts reading the sandbox's output: its native pipes when it has them, else its streams. */
    void start(Sandbox sandbox) {
        java.util.Optional<OutputPipes> pipes = sandbox.outputPipes();
        if (pipes.isPresent()) {
            watch(pipes.get());
        } else {
            start(sandbox.stdout(), sandbox.stderr(), sandbox.pid());
        }
    }

    private void watch(OutputPipes pipes) {
        for (dev.hearth.os.OutputPipe pipe : List.of(pipes.stdout(), pipes.stderr())) {
            PipeReader reader = new PipeReader(pipe, context, lines, this::streamEnded);
            readers.add(reader);
            open++;
            try {
                pipe.watch(reader::readable);
            } catch (java.io.IOException e) {
                // The poller is closed: the node is going down and nothing will read this pipe.
                reader.abandon();
                streamEnded();
            }
        }
    }

    /**
     * Starts reading streams.
     *
     * @param writerPid a process holding the pipes' write ends as its fds 1 and 2 (the sandbox's top
     *                  process), or -1 when there is none to write sync markers through
     */
    void start(InputStream stdout, InputStream stderr, long writerPid) {
        this.writerPid = writerPid;
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
     * Runs {@code then} on the context once the output written up to now has been delivered, so that END
     * never overtakes a function's last lines. With native pipes: at once, after draining them here. On
     * the stream path, a sync marker is written into each pipe (through
     * {@code /proc/<pid>/fd/1} and {@code /2}); a pipe is first in, first out, so when a pump reads its
     * marker it has handed on everything written before. Where no marker can be written, the pumps'
     * "drained" flag serves instead. {@link #SETTLE_LIMIT_MILLIS} bounds the wait either way.
     */
    void afterSettled(Runnable then) {
        if (!readers.isEmpty() || pumps.isEmpty()) { // (nothing read yet: nothing to wait for)
            readers.forEach(reader -> reader.drain(true));
            then.run();
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger waiting = new AtomicInteger(pumps.size());
        long limit = vertx.setTimer(SETTLE_LIMIT_MILLIS, t -> {
            if (done.compareAndSet(false, true)) {
                then.run();
            }
        });
        Runnable oneSettled = () -> {
            if (waiting.decrementAndGet() == 0) {
                context.runOnContext(v -> {
                    if (done.compareAndSet(false, true)) {
                        vertx.cancelTimer(limit);
                        then.run();
                    }
                });
            }
        };
        if (writerPid < 0 || pumps.size() != 2) {
            pumps.forEach(pump -> pump.whenDrained(oneSettled));
            return;
        }
        String marker = OutputPump.MARKER_PREFIX + markerId + "-" + markers++;
        pumps.forEach(pump -> pump.expect(marker, oneSettled));
        long pid = writerPid;
        Thread.ofVirtual().start(() -> {
            for (int fd = 1; fd <= 2; fd++) {
                OutputPump pump = pumps.get(fd - 1);
                if (!writeMarker(pid, fd, marker)) {
                    pump.forget(marker);
                    pump.whenDrained(oneSettled);
                }
            }
        });
    }

    private static boolean writeMarker(long pid, int fd, String marker) {
        java.nio.file.Path pipe = java.nio.file.Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd));
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(pipe, java.nio.file.StandardOpenOption.WRITE)) {
            out.write((marker + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return true;
        } catch (java.io.IOException | SecurityException e) {
            return false; // the process is gone, or this machine hides its fds: fall back to "drained"
        }
    }
}
