package dev.hearth.environment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Reads one output stream of a runtime process (stdout or stderr) and hands it on line by line, in
 * batches: one batch per read, so that a burst of output costs one hop to the environment's event loop,
 * not one per line.
 *
 * <p>It also tells when it has caught up ({@link #whenDrained}): a function prints and then its runtime
 * posts the result, but the result can reach the event loop before this thread has read the output, and
 * END must not overtake the function's last lines. "Drained" means the pump has handed on everything it
 * read and found the stream empty; output written before that moment has been handed on.
 *
 * <p>Threading: {@link #run} blocks on the stream and runs on a small platform thread (a blocking pipe
 * read would pin a virtual thread's carrier), one per stream for the life of the environment; {@code lines}, {@code finished} and drain callbacks may run on it.
 * {@link #drained} and {@link #whenDrained} may be called from any thread.
 */
final class OutputPump implements Runnable {
    /** CloudWatch's largest event; a longer line is split rather than held in memory without bound. */
    static final int MAX_LINE_BYTES = 256 * 1024;

    private final InputStream in;
    private final Consumer<List<String>> lines;
    private final Runnable finished;
    private final AtomicReference<Runnable> onDrained = new AtomicReference<>();
    private volatile boolean drained;
    private byte[] line = new byte[256];
    private int length;

    OutputPump(InputStream in, Consumer<List<String>> lines, Runnable finished) {
        this.in = in;
        this.lines = lines;
        this.finished = finished;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                if (in.available() == 0) {
                    settle();
                }
                int n = in.read(buffer);
                drained = false;
                if (n < 0) {
                    break;
                }
                List<String> batch = split(buffer, n);
                if (!batch.isEmpty()) {
                    lines.accept(batch);
                }
            }
        } catch (IOException e) {
            // The process is gone or its pipe broke: either way its output has ended.
        } finally {
            if (length > 0) {
                lines.accept(List.of(takeLine()));
            }
            close();
            settle();
            finished.run();
        }
    }

    /** True when everything in the stream so far has been handed on (or the stream has ended). */
    boolean drained() {
        return drained;
    }

    /** Runs {@code callback} once, as soon as the pump is drained (at once if it is now). */
    void whenDrained(Runnable callback) {
        onDrained.set(callback);
        if (drained) {
            Runnable mine = onDrained.getAndSet(null);
            if (mine != null) {
                mine.run();
            }
        }
    }

    private void settle() {
        drained = true;
        Runnable callback = onDrained.getAndSet(null);
        if (callback != null) {
            callback.run();
        }
    }

    private List<String> split(byte[] buffer, int n) {
        List<String> batch = new ArrayList<>(4);
        for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                batch.add(takeLine());
                continue;
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, line.length * 2));
            }
            line[length++] = b;
            if (length == MAX_LINE_BYTES) {
                batch.add(takeLine());
            }
        }
        return batch;
    }

    private String takeLine() {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        length = 0;
        return text;
    }

    private void close() {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing more to read either way.
        }
    }
}
