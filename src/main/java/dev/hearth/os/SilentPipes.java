package dev.hearth.os;

import java.io.IOException;

/**
 * Output pipes for a runtime that lives inside the node (the benchmark's in-process runtime): two real
 * non-blocking pipes, read ends watched by a {@link Poller} like a spawned process's, whose write ends
 * are held here and never written. Reading them costs the node exactly what a quiet process's pipes
 * cost (a read that finds nothing); {@link #close} closes the write ends, which ends both pipes as a
 * process's exit does.
 *
 * <p>Threading: thread-safe; {@link #close} is idempotent.
 */
public final class SilentPipes implements AutoCloseable {
    private final OutputPipes pipes;
    private final int[] writeEnds;
    private boolean closed;

    private SilentPipes(OutputPipes pipes, int[] writeEnds) {
        this.pipes = pipes;
        this.writeEnds = writeEnds;
    }

    /**
     * Opens both pipes. Requires {@link Linux#nativeProcesses}.
     *
     * @throws IOException if the system has no pipes left
     */
    public static SilentPipes open(Poller poller) throws IOException {
        int[] out = pipe();
        int[] err;
        try {
            err = pipe();
        } catch (IOException e) {
            Syscalls.close(out[0]);
            Syscalls.close(out[1]);
            throw e;
        }
        return new SilentPipes(new OutputPipes(new OutputPipe(out[0], poller), new OutputPipe(err[0], poller)),
                new int[] {out[1], err[1]});
    }

    private static int[] pipe() throws IOException {
        int[] pair = new int[2];
        int r = Syscalls.pipe2(Syscalls.O_CLOEXEC, pair);
        if (r < 0) {
            throw new IOException("pipe2 failed: errno " + -r);
        }
        if (Syscalls.setNonBlocking(pair[0]) < 0) {
            Syscalls.close(pair[0]);
            Syscalls.close(pair[1]);
            throw new IOException("fcntl(O_NONBLOCK) failed on a new pipe");
        }
        return pair;
    }

    /** The read ends, for whoever reads the "process's" output; they close themselves once ended. */
    public OutputPipes pipes() {
        return pipes;
    }

    /** Closes the write ends: the pipes end (their readers see end of file). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int fd : writeEnds) {
            Syscalls.close(fd);
        }
    }
}
