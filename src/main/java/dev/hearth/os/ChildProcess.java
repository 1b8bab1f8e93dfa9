package dev.hearth.os;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A child process started with {@code posix_spawn}, known by a pidfd: its exit is watched on the
 * {@link Poller} and reaped with {@code waitid(P_PIDFD)}, so no thread waits for it; its output comes
 * through non-blocking pipes ({@link #output}); signals go through the pidfd, which cannot reach another
 * process that reused the pid after this one was reaped.
 *
 * <p>Exit values follow the JDK's {@link Process#exitValue}: the exit code, or 128 + the signal that
 * killed the process.
 *
 * <p>Threading: thread-safe. {@link #spawn} blocks for the fork/exec; {@link #exit} completes on a
 * virtual thread (so that what callers chain onto it may block briefly without stalling the poller).
 */
public final class ChildProcess implements AutoCloseable {
    private final long pid;
    private final int pidfd;
    private final Poller poller;
    private final OutputPipes output;
    private final Optional<OutputStream> stdin;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private long token = -1;
    private boolean reaped;
    private boolean closed;

    private ChildProcess(long pid, int pidfd, Poller poller, OutputPipes output, Optional<OutputStream> stdin) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.poller = poller;
        this.output = output;
        this.stdin = stdin;
    }

    /**
     * Starts {@code request}'s program. Blocking; the calling thread becomes the child's parent thread.
     * Requires {@link Linux#nativeProcesses}.
     *
     * @throws IOException if the program cannot be started (not found, not executable, no pipes left)
     */
    public static ChildProcess spawn(SpawnRequest request, Poller poller) throws IOException {
        Fds fds = new Fds();
        try {
            int[] in = request.stdinPipe() ? fds.pipe() : null;
            int[] out = fds.pipe();
            int[] err = fds.pipe();
            check(Syscalls.setNonBlocking(out[0]), "fcntl");
            check(Syscalls.setNonBlocking(err[0]), "fcntl");
            int pid = PosixSpawn.spawn(request, in != null ? in[0] : -1, out[1], err[1]);
            // The child holds its own copies now; the parent's would keep the pipes from ever ending.
            fds.close(out[1]);
            fds.close(err[1]);
            if (in != null) {
                fds.close(in[0]);
            }
            int pidfd = Syscalls.pidfdOpen(pid);
            if (pidfd < 0) {
                // Cannot happen for our own unreaped child short of a kernel refusing pidfds outright.
                throw new IOException("pidfd_open(" + pid + ") failed: errno " + -pidfd + "; process " + pid + " is left running");
            }
            ChildProcess child = new ChildProcess(pid, pidfd, poller,
                    new OutputPipes(new OutputPipe(out[0], poller), new OutputPipe(err[0], poller)),
                    Optional.ofNullable(in).map(p -> new FdOutputStream(p[1])));
            fds.keepAll();
            child.watchExit();
            return child;
        } finally {
            fds.closeRest();
        }
    }

    private synchronized void watchExit() throws IOException {
        token = poller.watch(pidfd, Syscalls.EPOLLIN, this::reap);
    }

    /** On the poller thread: the pidfd is readable, so the process has exited. */
    private void reap() {
        int status;
        synchronized (this) {
            if (reaped) {
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment info = arena.allocate(Syscalls.SIGINFO_SIZE, 8);
                int r;
                do {
                    r = Syscalls.waitPidfd(pidfd, info, Syscalls.WEXITED | Syscalls.WNOHANG);
                } while (r == -Syscalls.EINTR);
                if (r == 0 && info.get(JAVA_INT, Syscalls.SI_PID) == 0) {
                    return; // not yet after all; the level-triggered watch asks again
                }
                status = r < 0 ? -1 : exitValue(info.get(JAVA_INT, Syscalls.SI_CODE), info.get(JAVA_INT, Syscalls.SI_STATUS));
            }
            reaped = true;
            poller.unwatch(pidfd, token);
            if (closed) {
                Syscalls.close(pidfd);
            }
        }
        Thread.startVirtualThread(() -> exit.complete(status));
    }

    static int exitValue(int code, int status) {
        return code == Syscalls.CLD_KILLED || code == Syscalls.CLD_DUMPED ? 128 + status : status;
    }

    public long pid() {
        return pid;
    }

    /** The output pipes' read ends, non-blocking. */
    public OutputPipes output() {
        return output;
    }

    /** The pipe to standard input, when the request asked for one. */
    public Optional<OutputStream> stdin() {
        return stdin;
    }

    /** Completes with the exit value once the process has exited and been reaped. */
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    /** Sends SIGKILL, unless the process is already reaped. Returns whether the signal was sent. */
    public synchronized boolean kill() {
        if (reaped) {
            return false;
        }
        return Syscalls.pidfdSendSignal(pidfd, Syscalls.SIGKILL) == 0;
    }

    /**
     * Closes the parent's ends of the pipes, and the pidfd once the process is reaped (until then the
     * poller still needs it to reap, so that no zombie is left). Does not kill. Idempotent.
     */
    @Override
    public void close() {
        output.stdout().close();
        output.stderr().close();
        stdin.ifPresent(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // Closing our end of a pipe does not fail in a way that matters.
            }
        });
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (reaped) {
                Syscalls.close(pidfd);
            }
        }
    }

    @Override
    public String toString() {
        return "process " + pid;
    }

    private static void check(int result, String what) throws IOException {
        if (result < 0) {
            throw new IOException(what + " failed: errno " + -result);
        }
    }

    /** The descriptors a spawn opens, closed on the way out unless handed over. */
    private static final class Fds {
        private final java.util.List<Integer> open = new java.util.ArrayList<>();

        int[] pipe() throws IOException {
            int[] pair = new int[2];
            int r = Syscalls.pipe2(Syscalls.O_CLOEXEC, pair);
            if (r < 0) {
                throw new IOException("pipe2 failed: errno " + -r);
            }
            open.add(pair[0]);
            open.add(pair[1]);
            return pair;
        }

        void close(int fd) {
            open.remove(Integer.valueOf(fd));
            Syscalls.close(fd);
        }

        void keepAll() {
            open.clear();
        }

        void closeRest() {
            open.forEach(Syscalls::close);
            open.clear();
        }
    }
}
