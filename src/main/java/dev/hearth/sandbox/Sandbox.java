package dev.hearth.sandbox;

import dev.hearth.os.OutputPipes;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A running sandboxed process tree. Thread-safe.
 */
public interface Sandbox extends AutoCloseable {

    String id();

    /** The host pid of the sandbox's top process. */
    long pid();

    /** The process's standard output (the function's log lines). */
    InputStream stdout();

    /** The process's standard error (also function log lines). */
    InputStream stderr();

    /**
     * The same two streams as non-blocking pipes that the node's poller watches, when this sandbox has
     * them (a process the launcher spawned natively, see {@link dev.hearth.os}); then reading them costs
     * no thread. Empty for sandboxes that only have streams (the JDK's processes, in-process runtimes,
     * FIFOs): read {@link #stdout} and {@link #stderr} then. A reader uses the pipes or the streams, not both.
     */
    default Optional<OutputPipes> outputPipes() {
        return Optional.empty();
    }

    /** Completes when the top process has exited (after {@link #kill} too). */
    CompletableFuture<ExitStatus> exit();

    /** Kills the whole process tree at once (SIGKILL). Idempotent. */
    void kill();

    /**
     * Whether the client end of the loopback TCP connection {@code clientPort → serverPort} belongs to
     * this sandbox's process tree. Sandboxes share the host's network, so a Runtime API endpoint asks
     * this before it serves a connection. Blocking (reads {@code /proc}); call from virtual threads.
     */
    default boolean ownsLoopbackConnection(int clientPort, int serverPort) {
        return LoopbackConnections.heldByTree(pid(), clientPort, serverPort);
    }

    /** Peak memory use of the whole tree since start, when the machine can measure it (cgroups). */
    OptionalLong maxMemoryUsedBytes();

    /** Kills the tree and releases its resources (cgroup, scratch dirs). Idempotent. */
    @Override
    void close();
}
