package dev.hearth.sandbox;

import dev.hearth.os.OutputPipes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * {@link ProcessLauncher}'s stem cell: a {@link ProcessSandbox} whose standard input is a pipe, and which
 * can take on a function's limits once.
 *
 * <p>Threading: thread-safe; {@link #specialise} runs once (later calls fail) on a virtual thread.
 */
final class ProcessStemSandbox implements StemSandbox {

    /** How the launcher lowers the CPU start-up allowance later, if the limits are still wanted then. */
    @FunctionalInterface
    interface Settler {
        void settleLater(ProcessSandbox sandbox, ResourceLimits limits, BooleanSupplier stillWanted);
    }

    private final ProcessSandbox sandbox;
    private final int pidLimit;
    private final int cores;
    private final int ownedTasks;
    private final Settler settler;
    private volatile boolean specialised;

    ProcessStemSandbox(ProcessSandbox sandbox, int pidLimit, int cores, int ownedTasks, Settler settler) {
        this.sandbox = sandbox;
        this.pidLimit = pidLimit;
        this.cores = cores;
        this.ownedTasks = ownedTasks;
        this.settler = settler;
    }

    /** Whether {@link #specialise} has begun: the launch-time limits are no longer this sandbox's. */
    boolean specialised() {
        return specialised;
    }

    @Override
    public synchronized void specialise(int memoryMb, byte[] instructions) throws IOException {
        if (specialised) {
            throw new IllegalStateException(this + " is already specialised");
        }
        specialised = true;
        ResourceLimits limits = ResourceLimits.of(memoryMb, pidLimit, cores, ownedTasks);
        if (sandbox.cgroup().isPresent()) {
            sandbox.cgroup().get().resize(limits);
            settler.settleLater(sandbox, limits, () -> true);
        }
        try (OutputStream in = sandbox.stdin()) {
            in.write(instructions);
        }
    }

    @Override
    public String id() {
        return sandbox.id();
    }

    @Override
    public long pid() {
        return sandbox.pid();
    }

    @Override
    public InputStream stdout() {
        return sandbox.stdout();
    }

    @Override
    public InputStream stderr() {
        return sandbox.stderr();
    }

    @Override
    public Optional<OutputPipes> outputPipes() {
        return sandbox.outputPipes();
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return sandbox.exit();
    }

    @Override
    public void kill() {
        sandbox.kill();
    }

    @Override
    public boolean ownsLoopbackConnection(int clientPort, int serverPort) {
        return sandbox.ownsLoopbackConnection(clientPort, serverPort);
    }

    @Override
    public OptionalLong maxMemoryUsedBytes() {
        return sandbox.maxMemoryUsedBytes();
    }

    @Override
    public void close() {
        sandbox.close();
    }

    @Override
    public String toString() {
        return "stem cell " + sandbox;
    }
}
