package dev.hearth.sandbox;

import dev.hearth.os.ChildProcess;
import dev.hearth.os.Poller;
import dev.hearth.os.SpawnRequest;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.util.Optional;
import java.util.function.Supplier;
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
 * <p>With a {@link Poller} the process is started with {@code posix_spawn} ({@link ChildProcess}): its
 * output pipes are non-blocking and its exit is watched by the poller, so it costs no thread of its own.
 * Without one (the fallback, see {@link dev.hearth.os.Linux}), {@link ProcessBuilder#start} as before.
 *
 * <p>Threading: {@link #start} may be called from any thread and blocks for the fork/exec.
 */
final class Spawner implements AutoCloseable {

    private final ExecutorService threads;
    private final Supplier<Optional<Poller>> poller;

    /** @param poller the launcher's poller, if any; asked on each start (it may still be being set up) */
    Spawner(Supplier<Optional<Poller>> poller) {
        this.poller = poller;
        AtomicInteger n = new AtomicInteger();
        // A fixed pool's threads never time out; several so that a burst of cold starts is not serialised.
        this.threads = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "hearth-sandbox-spawner-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code builder}'s command with its environment, directory and standard input (a pipe, a
     * file, or inherited); standard output and error are always pipes of their own.
     */
    TopProcess start(ProcessBuilder builder) throws IOException {
        Future<TopProcess> started = threads.submit(() -> {
            Optional<Poller> watcher = poller.get();
            return watcher.isPresent()
                    ? new NativeTopProcess(ChildProcess.spawn(request(builder), watcher.get()))
                    : new JdkTopProcess(builder.start());
        });
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
                    TopProcess orphan = started.get();
                    orphan.kill();
                    orphan.exitValue().whenComplete((value, failure) -> orphan.release());
                } catch (InterruptedException | ExecutionException ignored) {
                    // Never started.
                }
            });
            throw new InterruptedIOException("interrupted while starting " + builder.command().getFirst());
        }
    }

    static SpawnRequest request(ProcessBuilder builder) {
        Redirect input = builder.redirectInput();
        Optional<java.nio.file.Path> stdinFile = input.type() == Redirect.Type.READ
                ? Optional.of(input.file().toPath()) : Optional.empty();
        return new SpawnRequest(builder.command(), builder.environment(),
                Optional.ofNullable(builder.directory()).map(File::toPath), input == Redirect.PIPE, stdinFile);
    }

    @Override
    public void close() {
        threads.shutdown();
    }
}
