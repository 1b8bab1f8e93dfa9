package dev.hearth.os;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The read end of a process's output pipe (or of a unix socket carrying its output), non-blocking and owned here: read it until {@link #read} says
 * 0 ("nothing now"), and {@link #watch} tells when there is more. Whoever reads it either uses
 * {@link #read}/{@link #watch} or {@link #stream}, not both.
 *
 * <p>{@link #read} and {@link #close} exclude each other, so a read never reaches a descriptor number
 * that a concurrent close has handed back to the kernel (and that a new pipe may already have taken).
 *
 * <p>Threading: thread-safe. {@link #read} never blocks; the watch handler runs on the poller thread.
 */
public final class OutputPipe implements AutoCloseable {
    private static final int POLL_SLICE_MILLIS = 100;

    private final int fd;
    private final Poller poller;
    private long token = -1;
    private boolean closed;

    OutputPipe(int fd, Poller poller) {
        this.fd = fd;
        this.poller = poller;
    }

    /**
     * A pipe that has already ended: {@link #read} says -1 and {@link #watch} calls back at once. It stands
     * for a stream that a process does not have of its own (a forked child's standard error is its
     * standard output's connection, see {@link UnixSocket#output}).
     */
    public static OutputPipe ended() {
        OutputPipe pipe = new OutputPipe(-1, null);
        pipe.closed = true;
        return pipe;
    }

    /**
     * Reads what is in the pipe now, up to {@code into.length} bytes: the count, 0 when the pipe is empty
     * but still open, or -1 at its end (every writer closed it, or it was closed here).
     */
    public synchronized int read(byte[] into) {
        while (!closed) {
            long n = Syscalls.readNow(fd, into, 0, into.length);
            if (n > 0) {
                return (int) n;
            }
            if (n == -Syscalls.EAGAIN) {
                return 0;
            }
            if (n != -Syscalls.EINTR) {
                return -1; // 0 is the end of the pipe; any other error ends it as well
            }
        }
        return -1;
    }

    /**
     * Runs {@code onReadable} on the poller thread each time output arrives or the last writer goes
     * (edge-triggered: read until {@link #read} returns 0 or -1 after each call). If the pipe already holds
     * output, the first call comes at once. Once per pipe.
     */
    public synchronized void watch(Runnable onReadable) throws IOException {
        Objects.requireNonNull(onReadable);
        if (closed) {
            onReadable.run();
            return;
        }
        if (token != -1) {
            throw new IllegalStateException("pipe " + fd + " is already watched");
        }
        token = poller.watch(fd, Syscalls.EPOLLIN | Syscalls.EPOLLRDHUP | Syscalls.EPOLLET, onReadable);
    }

    /**
     * A blocking stream over this pipe, for readers that want one (it waits in {@code poll(2)}, in slices,
     * so a concurrent {@link #close} ends it). Blocks its thread: use a platform thread.
     */
    public InputStream stream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                byte[] chunk = off == 0 && len == b.length ? b : new byte[len];
                while (true) {
                    int n = OutputPipe.this.read(chunk);
                    if (n > 0 && chunk != b) {
                        System.arraycopy(chunk, 0, b, off, n);
                    }
                    if (n != 0) {
                        return n;
                    }
                    Syscalls.pollIn(fd, POLL_SLICE_MILLIS);
                }
            }

            @Override
            public void close() {
                OutputPipe.this.close();
            }
        };
    }

    /** Stops watching and closes the descriptor. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (token != -1) {
            poller.unwatch(fd, token);
        }
        Syscalls.close(fd);
    }

    @Override
    public String toString() {
        return "pipe " + fd;
    }
}
