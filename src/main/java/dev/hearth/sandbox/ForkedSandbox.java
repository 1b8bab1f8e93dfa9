package dev.hearth.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A child of a {@link ForkServer}: its host pid, its cgroup, and the connection that is its standard
 * output and error (one stream, as Lambda logs both alike). Its exit is reported by the server, its
 * parent, which {@link UnixForkServer} turns into {@link #exit}.
 *
 * <p>Threading: thread-safe. {@link #close} blocks up to a few seconds for the child to go.
 */
final class ForkedSandbox implements Sandbox {
    private static final long EXIT_WAIT_SECONDS = 5;

    private final String id;
    private final long hostPid;
    private final SocketChannel output;
    private final Optional<Cgroup> cgroup;
    private final CompletableFuture<ExitStatus> exit;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile OptionalLong finalPeak = OptionalLong.empty();
    /** The local port of the child's first Runtime API connection, as the child reported it; 0 if none. */
    private final int firstClientPort;
    private final AtomicBoolean firstClaimed = new AtomicBoolean();

    /**
     * @param reported        the server's report of the child's end (exit code or signal, no OOM verdict yet)
     * @param firstClientPort the child's report of its first Runtime API connection's local port (0: none)
     */
    ForkedSandbox(String id, long hostPid, SocketChannel output, Optional<Cgroup> cgroup,
                  CompletableFuture<ExitStatus> reported, int firstClientPort) {
        this.firstClientPort = firstClientPort;
        this.id = id;
        this.hostPid = hostPid;
        this.output = output;
        this.cgroup = cgroup;
        this.exit = reported.thenApply(s -> {
            finalPeak = cgroup.map(Cgroup::peakMemoryBytes).orElse(OptionalLong.empty());
            return new ExitStatus(s.exitCode(), s.signal(), cgroup.map(Cgroup::oomKilled).orElse(false));
        });
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
        return Channels.newInputStream(output);
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

    /** The cgroup holds the child and anything it forked; without one, the child's own tree. */
    @Override
    public void kill() {
        if (exit.isDone()) {
            return; // its pid may belong to another process by now
        }
        ProcessHandle.of(hostPid).ifPresent(p -> {
            List<ProcessHandle> descendants = p.descendants().toList();
            p.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
        });
        cgroup.ifPresent(Cgroup::killAll);
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

    @Override
    public OptionalLong maxMemoryUsedBytes() {
        if (exit.isDone()) {
            return finalPeak;
        }
        return cgroup.map(Cgroup::peakMemoryBytes).orElse(OptionalLong.empty());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        kill();
        try {
            exit.get(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Still remove the cgroup: a process stuck in the kernel is killed when it returns.
        }
        cgroup.ifPresent(Cgroup::remove);
        try {
            output.close();
        } catch (IOException e) {
            // Nothing more to read from it anyway.
        }
    }

    @Override
    public String toString() {
        return "forked sandbox " + id + " (pid " + hostPid + ")";
    }
}
