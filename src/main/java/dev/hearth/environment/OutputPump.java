package dev.hearth.environment;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Reads one output stream of a runtime process (stdout or stderr) and hands it on line by line
 * ({@link LineSplitter}), in batches: one batch per read, so that a burst of output costs one hop to the
 * environment's event loop, not one per line. The fallback for sandboxes without native pipes
 * ({@link dev.hearth.sandbox.Sandbox#outputPipes}); those are read by {@link PipeReader} without a thread.
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
    /** Starts every sync marker; the control character keeps it out of the way of ordinary output. */
    static final String MARKER_PREFIX = "\u001eHEARTH-SYNC-";

    static final int MAX_LINE_BYTES = LineSplitter.MAX_LINE_BYTES;

    private final InputStream in;
    private final Consumer<List<String>> lines;
    private final Runnable finished;
    private final AtomicReference<Runnable> onDrained = new AtomicReference<>();
    /** Sync markers the platform has written (or is about to write) into this stream, and what to run then. */
    private final java.util.Map<String, Runnable> expected = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean drained;
    private final LineSplitter splitter = new LineSplitter();

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
            if (splitter.hasRest()) {
                lines.accept(List.of(splitter.rest()));
            }
            close();
            settle();
            // Nothing more will come: whoever waits for a marker waits no longer.
            expected.keySet().forEach(marker -> reached(marker));
            finished.run();
        }
    }

    /**
     * Runs {@code reached} once the pump reads {@code marker} (a line the platform writes into the
     * process's own pipe): a pipe is first in, first out, so everything the process wrote before it has
     * then been handed on. The marker line itself is not handed on. Register before writing the marker.
     */
    void expect(String marker, Runnable reached) {
        expected.put(marker, reached);
    }

    /** Forgets a marker that could not be written. */
    void forget(String marker) {
        expected.remove(marker);
    }

    private void reached(String marker) {
        Runnable callback = expected.remove(marker);
        if (callback != null) {
            callback.run();
        }
    }

    /** True when everything in the stream so far has been handed on (or the stream has ended). */
    boolean drained() {
        return drained;
    }

    /**
     * Runs {@code callback} once, as soon as the pump is drained (at once if it is now). The flag alone is not
     * enough: it stays set while the pump sleeps in its read, so output written just before this call (the
     * function's last lines, then its result) would count as drained until the pump's thread wakes. Bytes
     * still waiting in the stream mean the pump has more to hand on, and it runs the callback once it has.
     * What is left is the instant between the pump's read taking the bytes and its clearing the flag.
     */
    void whenDrained(Runnable callback) {
        onDrained.set(callback);
        if (drained && nothingWaiting()) {
            Runnable mine = onDrained.getAndSet(null);
            if (mine != null) {
                mine.run();
            }
        }
    }

    private boolean nothingWaiting() {
        try {
            return in.available() == 0;
        } catch (IOException e) {
            return true; // closed: nothing more will come
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
        List<String> complete = new ArrayList<>(4);
        splitter.split(buffer, n, complete);
        if (expected.isEmpty()) {
            return complete;
        }
        List<String> batch = new ArrayList<>(complete.size());
        for (String text : complete) {
            if (text.indexOf(MARKER_PREFIX) >= 0) {
                batch = onMarker(text, batch);
            } else {
                batch.add(text);
            }
        }
        return batch;
    }

    /**
     * A line holding a sync marker. Text before the marker is output the process wrote without a final
     * newline (Java's LambdaLogger does that): it becomes a line of its own. The lines so far are handed
     * on before the marker's callback runs, so that whatever the callback does comes after them.
     */
    private List<String> onMarker(String text, List<String> batch) {
        int at = text.indexOf(MARKER_PREFIX);
        String marker = text.substring(at);
        if (!expected.containsKey(marker)) {
            batch.add(text); // a process printing something that merely looks like a marker
            return batch;
        }
        if (at > 0) {
            batch.add(text.substring(0, at));
        }
        if (!batch.isEmpty()) {
            lines.accept(batch);
        }
        reached(marker);
        return new ArrayList<>(4);
    }

    private void close() {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing more to read either way.
        }
    }
}
