package dev.hearth.environment;

import dev.hearth.sandbox.ExitStatus;
import dev.hearth.sandbox.Sandbox;

import java.io.InputStream;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stem cell that has become a function's sandbox (or a child forked from a fork-server cell,
 * {@link ForkCells}): the cell's process tree, and on {@link #close} also the cell's directories (the links
 * to the function's code). To its environment it is any other sandbox.
 *
 * <p>Threading: thread-safe, as the cell's sandbox.
 */
final class SpecialisedCell implements Sandbox {

    private final Sandbox cell;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param release kills the cell and removes its directories; run once, by {@link #close} */
    SpecialisedCell(Sandbox cell, Runnable release) {
        this.cell = cell;
        this.release = release;
    }

    @Override
    public String id() {
        return cell.id();
    }

    @Override
    public long pid() {
        return cell.pid();
    }

    @Override
    public InputStream stdout() {
        return cell.stdout();
    }

    @Override
    public InputStream stderr() {
        return cell.stderr();
    }

    @Override
    public java.util.Optional<dev.hearth.os.OutputPipes> outputPipes() {
        return cell.outputPipes();
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return cell.exit();
    }

    @Override
    public void kill() {
        cell.kill();
    }

    @Override
    public boolean ownsLoopbackConnection(int clientPort, int serverPort) {
        return cell.ownsLoopbackConnection(clientPort, serverPort);
    }

    @Override
    public OptionalLong maxMemoryUsedBytes() {
        return cell.maxMemoryUsedBytes();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }

    @Override
    public String toString() {
        return "specialised " + cell;
    }
}
