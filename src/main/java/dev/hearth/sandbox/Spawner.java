package dev.hearth.sandbox;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts processes from a few long-lived platform threads owned by the launcher.
 *
 * <p>Why not from the caller's thread: the parent-death signal that ties a sandbox to the node
 * (bubblewrap's {@code --die-with-parent}, {@code setpriv --pdeathsig}) fires when the <em>thread</em>
 * that forked the process ends, not when the process does. Callers are virtual threads, whose carrier
 * threads the JDK retires when idle; a sandbox forked there would be SIGKILLed some seconds later for no
 * reason. These threads end only when the launcher closes, which kills its sandboxes anyway.
 *
 * <p>Threading: {@link #start} may be called from any thread and blocks for the fork/exec.
 */
final class Spawner implements AutoCloseable {

    private final ExecutorService threads;

    Spawner() {
        AtomicInteger n = new AtomicInteger();
        // A fixed pool's threads never time out; several so that a burst of cold starts is not serialised.
        this.threads = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "hearth-sandbox-spawner-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    Process start(ProcessBuilder builder) throws IOException {
        Future<Process> started = threads.submit(builder::start);
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start " + builder.command().getFirst() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The fork may still happen: make sure nothing is left running that nobody will ever own.
            Thread.startVirtualThread(() -> {
                try {
                    started.get().destroyForcibly();
                } catch (InterruptedException | ExecutionException ignored) {
                    // Never started.
                }
            });
            throw new InterruptedIOException("interrupted while starting " + builder.command().getFirst());
        }
    }

    @Override
    public void close() {
        threads.shutdown();
    }
}
