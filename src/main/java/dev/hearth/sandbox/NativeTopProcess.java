package dev.hearth.sandbox;

import dev.hearth.os.ChildProcess;
import dev.hearth.os.OutputPipes;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link TopProcess} started with {@code posix_spawn}: no thread waits for it or reads its output;
 * the launcher's poller reports both. Its streams ({@link #stdout}, {@link #stderr}) are blocking views
 * of the same non-blocking pipes, for readers that want streams; a reader uses one or the other.
 *
 * <p>Threading: thread-safe.
 */
record NativeTopProcess(ChildProcess child) implements TopProcess {

    private static final OutputStream NOWHERE = OutputStream.nullOutputStream();

    @Override
    public long pid() {
        return child.pid();
    }

    @Override
    public CompletableFuture<Integer> exitValue() {
        return child.exit();
    }

    @Override
    public InputStream stdout() {
        return child.output().stdout().stream();
    }

    @Override
    public InputStream stderr() {
        return child.output().stderr().stream();
    }

    @Override
    public OutputStream stdin() {
        return child.stdin().orElse(NOWHERE);
    }

    @Override
    public Optional<OutputPipes> pipes() {
        return Optional.of(child.output());
    }

    @Override
    public List<ProcessHandle> descendants() {
        return ProcessHandle.of(child.pid()).map(p -> p.descendants().toList()).orElse(List.of());
    }

    @Override
    public void kill() {
        child.kill();
    }

    @Override
    public void release() {
        child.close();
    }
}
