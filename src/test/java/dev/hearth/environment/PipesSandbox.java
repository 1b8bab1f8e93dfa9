package dev.hearth.environment;

import dev.hearth.os.OutputPipes;
import dev.hearth.sandbox.ExitStatus;
import dev.hearth.sandbox.Sandbox;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The smallest sandbox around native output pipes: what {@link ProcessOutput} asks of one. Its streams
 * fail when read, because a sandbox with pipes must be read through the poller, never through them.
 *
 * @param pid the process's pid, or -1 when it stands for a connection (a forked child's output)
 * @param onKill what killing the sandbox does
 * @param onClose what closing it does
 */
record PipesSandbox(long pid, OutputPipes pipes, Runnable onKill, Runnable onClose) implements Sandbox {

    /** A forked child's output: one connection and no process of its own to kill. */
    static PipesSandbox ofConnection(OutputPipes pipes) {
        return new PipesSandbox(-1, pipes, () -> { }, () -> { });
    }

    @Override
    public String id() {
        return "pipes-" + pid;
    }

    @Override
    public InputStream stdout() {
        throw new AssertionError("a sandbox with pipes is not read through its streams");
    }

    @Override
    public InputStream stderr() {
        throw new AssertionError("a sandbox with pipes is not read through its streams");
    }

    @Override
    public Optional<OutputPipes> outputPipes() {
        return Optional.of(pipes);
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return new CompletableFuture<>();
    }

    @Override
    public void kill() {
        onKill.run();
    }

    @Override
    public OptionalLong maxMemoryUsedBytes() {
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        onClose.run();
    }
}
