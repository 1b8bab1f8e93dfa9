package dev.hearth.sandbox;

import dev.hearth.os.OutputPipes;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A child of a {@link ForkServer}: its host pid, its cgroup, and the connection that is its standard
 * output and error (one stream, as Lambda logs both alike). Its exit is reported by the server, its
 * parent, which {@link UnixForkServer} turns into {@link #exit}. The connection is read through the
 * launcher's poller ({@link #outputPipes}) where it is a native socket, else as a blocking stream.
 *
 * <p>Threading: thread-safe. {@link #close} blocks up to a few seconds for the child to go.
 */
final class ForkedSandbox implements Sandbox {
    private final String id;
    private final long hostPid;
    private final ForkConnection output;
    private final Optional<Cgroup> cgroup;
    private final CompletableFuture<ExitStatus> exit;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CgroupAccount account;
    /** The local port of the child's first Runtime API connection, as the child reported it; 0 if none. */
    private final int firstClientPort;
    private final AtomicBoolean firstClaimed = new AtomicBoolean();
    /** SnapStart: the server's memory this child counts as its own (0: none), and the most it may report. */
    private final long sharedBytes;
    private final long ceilingBytes;

    /**
     * @param reported        the server's report of the child's end (exit code or signal, no OOM verdict yet)
     * @param firstClientPort the child's report of its first Runtime API connection's local port (0: none)
     */
    ForkedSandbox(String id, long hostPid, ForkConnection output, Optional<Cgroup> cgroup,
                  CompletableFuture<ExitStatus> reported, int firstClientPort) {
        this(id, hostPid, output, cgroup, reported, firstClientPort, 0, Long.MAX_VALUE);
    }

    /**
     * @param sharedBytes  the server's memory added to this child's peak ({@link ForkServer#countServerMemoryInChildren})
     * @param ceilingBytes the most the child's peak plus that may come to: its memory size
     */
    ForkedSandbox(String id, long hostPid, ForkConnection output, Optional<Cgroup> cgroup,
                  CompletableFuture<ExitStatus> reported, int firstClientPort, long sharedBytes, long ceilingBytes) {
        this.sharedBytes = sharedBytes;
        this.ceilingBytes = ceilingBytes;
        this.firstClientPort = firstClientPort;
        this.id = id;
        this.hostPid = hostPid;
        this.output = output;
        this.cgroup = cgroup;
        this.account = new CgroupAccount(cgroup);
        this.exit = reported.thenApply(s -> new ExitStatus(s.exitCode(), s.signal(), account.atExit()));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long pid() {
        return hostPid;
    }

    @Override
    public InputStream stdout() {
        try {
            return output.stream();
        } catch (IOException e) {
            return InputStream.nullInputStream(); // closed: the sandbox is gone
        }
    }

    /**
     * The connection as a pipe the launcher's poller watches, when it is a native socket; standard error
     * is an ended pipe (fd 2 is the same connection).
     */
    @Override
    public Optional<OutputPipes> outputPipes() {
        try {
            return output.pipes();
        } catch (IOException e) {
            return Optional.of(new OutputPipes(dev.hearth.os.OutputPipe.ended(), dev.hearth.os.OutputPipe.ended()));
        }
    }

    /** Empty: the child's fd 2 is the same connection as its fd 1. */
    @Override
    public InputStream stderr() {
        return InputStream.nullInputStream();
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /**
     * The cgroup holds the child and anything it forked: its members are killed. Without one, the child's
     * own tree, found through {@link ProcessHandle#descendants}, which reads every process's {@code /proc}
     * entry: with hundreds of environments stopped at once (a function deleted, the node stopping) those
     * scans alone took longer than the stop's grace period.
     */
    @Override
    public void kill() {
        if (exit.isDone()) {
            return; // its pid may belong to another process by now
        }
        if (cgroup.isPresent()) {
            cgroup.get().killAll();
            return;
        }
        ProcessHandle.of(hostPid).ifPresent(p -> {
            List<ProcessHandle> descendants = p.descendants().toList();
            p.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
        });
    }

    /**
     * The child's first connection is known by the port it reported over its private channel (the
     * connection existed before the report, so no other process can hold that port towards this endpoint);
     * that answer is given once. Any later connection is looked up in {@code /proc} like any sandbox's.
     */
    @Override
    public boolean ownsLoopbackConnection(int clientPort, int serverPort) {
        if (firstClientPort != 0 && clientPort == firstClientPort && firstClaimed.compareAndSet(false, true)) {
            return true;
        }
        if (cgroup.isPresent()) {
            List<Long> pids = cgroup.get().pids();
            if (!pids.isEmpty()) {
                return LoopbackConnections.heldByAny(pids, clientPort, serverPort);
            }
        }
        return LoopbackConnections.heldByTree(hostPid, clientPort, serverPort);
    }

    /**
     * The child's own peak; a SnapStart child's also counts the snapshot it shares with the server (whose
     * pages its cgroup is not charged for), at most its memory size, as AWS's restored environment would.
     */
    @Override
    public OptionalLong maxMemoryUsedBytes() {
        OptionalLong own = account.maxMemoryUsedBytes(exit.isDone());
        if (sharedBytes == 0 || own.isEmpty()) {
            return own;
        }
        return OptionalLong.of(Math.min(own.getAsLong() + sharedBytes, ceilingBytes));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        kill();
        account.awaitExitThenRemove(exit);
        output.close();
    }

    @Override
    public String toString() {
        return "forked sandbox " + id + " (pid " + hostPid + ")";
    }
}
