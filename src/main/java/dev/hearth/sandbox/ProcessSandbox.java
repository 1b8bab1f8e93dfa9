package dev.hearth.sandbox;

import dev.hearth.os.OutputPipes;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A started sandbox: its top process (bubblewrap's monitor, or the function's process in plain mode)
 * and its cgroup when there is one. The top process is a {@link TopProcess}: spawned natively and watched
 * by the launcher's poller, or the JDK's {@link Process} where that is not possible.
 *
 * <p>Exit statuses: bubblewrap reports a child killed by signal N as exit code 128+N, and the JDK does the
 * same for a direct child, so 129…192 are read back as signals. A process that itself exits with, say,
 * 137 is therefore reported as "signal: killed"; shells make the same guess.
 *
 * <p>Threading: thread-safe. {@link #exit} completes on a virtual thread (native) or the JDK's process
 * reaper thread, reading two cgroup files there; {@link #close} blocks up to a few seconds for the tree
 * to go.
 */
final class ProcessSandbox implements Sandbox {

    private final String id;
    private final TopProcess process;
    private final Optional<Cgroup> cgroup;
    private final Consumer<? super ProcessSandbox> onClose;
    private final CompletableFuture<ExitStatus> exit;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CgroupAccount account;

    ProcessSandbox(String id, TopProcess process, Optional<Cgroup> cgroup, Consumer<? super ProcessSandbox> onClose) {
        this.id = id;
        this.process = process;
        this.cgroup = cgroup;
        this.onClose = onClose;
        this.account = new CgroupAccount(cgroup);
        this.exit = process.exitValue().thenApply(value -> status(value, account.atExit()));
    }

    /** The sandbox's cgroup, when the machine gives one. */
    Optional<Cgroup> cgroup() {
        return cgroup;
    }

    /** The pipe to the process's standard input (a stem cell's; otherwise it leads nowhere). */
    java.io.OutputStream stdin() {
        return process.stdin();
    }

    static ExitStatus status(int exitValue, boolean oomKilled) {
        if (exitValue > 128 && exitValue <= 128 + 64) {
            return new ExitStatus(OptionalInt.empty(), OptionalInt.of(exitValue - 128), oomKilled);
        }
        return new ExitStatus(OptionalInt.of(exitValue), OptionalInt.empty(), oomKilled);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public InputStream stdout() {
        return process.stdout();
    }

    @Override
    public InputStream stderr() {
        return process.stderr();
    }

    @Override
    public Optional<OutputPipes> outputPipes() {
        return process.pipes();
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /**
     * With a cgroup: the top, then everything the cgroup holds, which is the whole tree (it joined the cgroup
     * before its exec, and nothing inside can leave it). Without one: descendants first (found through the top
     * process, so before it dies and they are re-parented), then the top. With bubblewrap, killing the monitor
     * alone takes the whole pid namespace down; the rest matters in plain mode.
     *
     * <p>Why not always the descendants: {@link ProcessHandle#descendants} reads {@code /proc/<pid>/stat} of
     * every process on the machine, about 1.3 ms of CPU with 100 processes (and ten times that on a host
     * running a thousand), on every environment's end.
     */
    @Override
    public void kill() {
        if (cgroup.isPresent()) {
            process.kill();
            cgroup.get().killAll();
            return;
        }
        List<ProcessHandle> descendants = process.descendants();
        process.kill();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * With a cgroup, the candidates are the processes in it: exactly the sandbox's tree (nothing inside can
     * leave it), read from one small file instead of walking every process on the machine for descendants.
     */
    @Override
    public boolean ownsLoopbackConnection(int clientPort, int serverPort) {
        if (cgroup.isPresent()) {
            List<Long> pids = cgroup.get().pids();
            if (!pids.isEmpty()) {
                return LoopbackConnections.heldByAny(pids.reversed(), clientPort, serverPort);
            }
        }
        return Sandbox.super.ownsLoopbackConnection(clientPort, serverPort);
    }

    @Override
    public OptionalLong maxMemoryUsedBytes() {
        return account.maxMemoryUsedBytes(exit.isDone());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            kill();
            account.awaitExitThenRemove(exit);
        } finally {
            process.release();
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        return "sandbox " + id + " (pid " + process.pid() + ")";
    }
}
