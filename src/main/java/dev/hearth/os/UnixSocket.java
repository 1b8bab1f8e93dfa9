package dev.hearth.os;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A unix-domain stream connection owned through its descriptor: first a short exchange of messages
 * ({@link #write}, {@link #read}), then, handed over as an {@link OutputPipe} ({@link #output}), a stream of
 * output that the {@link Poller} watches like a process's pipe, so that reading it costs no thread.
 *
 * <p>The descriptor is non-blocking from the moment it is connected. A {@link #read} or {@link #write}
 * that has to wait parks its thread until the poller reports the socket ready (a one-shot watch), rather
 * than blocking in the kernel: on a virtual thread a blocking foreign call would pin its carrier.
 *
 * <p>{@code sun_path} holds at most 107 bytes and a terminating NUL; a longer path is refused (as the
 * JDK's unix channels refuse it), never shortened. Callers reach sockets inside sandboxes through
 * {@code /proc/<pid>/root/...}, which keeps such paths short wherever the sandbox's files lie.
 *
 * <p>Threading: thread-safe; reads and writes are serialised with {@link #close}, which wakes a waiting
 * read or write (it then fails). {@link #read} and {@link #write} block, call them from virtual threads.
 */
public final class UnixSocket implements AutoCloseable {
    private final int fd;
    private final Poller poller;
    private boolean closed;
    /** Set once {@link #output} has handed the descriptor over: the pipe owns it from then on. */
    private OutputPipe output;
    private long waitToken = -1;
    private CompletableFuture<Void> waiting;

    private UnixSocket(int fd, Poller poller) {
        this.fd = fd;
        this.poller = poller;
    }

    /**
     * Connects to the listening socket at {@code path}. Blocking (a unix connect returns at once unless the
     * listener's backlog is full). Requires {@link Linux#nativeProcesses}.
     *
     * @throws IOException if the path is too long, nothing listens there, or no descriptor is left
     */
    public static UnixSocket connect(Path path, Poller poller) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= Syscalls.SUN_PATH_SIZE) {
            throw new IOException("unix socket path too long (" + name.length + " bytes, at most "
                    + (Syscalls.SUN_PATH_SIZE - 1) + "): " + path);
        }
        int fd = Syscalls.socket(Syscalls.AF_UNIX, Syscalls.SOCK_STREAM | Syscalls.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket(AF_UNIX) failed: errno " + -fd);
        }
        int r = Syscalls.connectUnix(fd, name);
        if (r == 0) {
            r = Syscalls.setNonBlocking(fd);
        }
        if (r < 0) {
            Syscalls.close(fd);
            throw new IOException("cannot connect to " + path + ": errno " + -r);
        }
        return new UnixSocket(fd, poller);
    }

    /** Writes all of {@code bytes}, waiting for room when the socket's buffer is full. */
    public void write(byte[] bytes) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, from, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            long done = 0;
            while (done < bytes.length) {
                long n;
                synchronized (this) {
                    ensureOpen();
                    n = Syscalls.write(fd, from.asSlice(done), bytes.length - done);
                }
                if (n == -Syscalls.EAGAIN) {
                    await(Syscalls.EPOLLOUT);
                } else if (n < 0 && n != -Syscalls.EINTR) {
                    throw new IOException(n == -32 ? "Broken pipe" : "write failed: errno " + -n);
                } else if (n > 0) {
                    done += n;
                }
            }
        }
    }

    /** Who wrote a line: the writing process's pid, real uid and gid, as this process's namespaces see them. */
    public record Sender(long pid, long uid, long gid) {
    }

    /** A line (without its newline) and who wrote its first byte, when the kernel said ({@link #passCredentials}). */
    public record Line(String text, Optional<Sender> sender) {
    }

    /**
     * Asks the kernel to say who wrote what this socket receives ({@code SO_PASSCRED}): {@link #readLine}
     * then reports the writer's pid in this process's pid namespace, whatever namespace the writer is in.
     */
    public void passCredentials() throws IOException {
        int r;
        synchronized (this) {
            ensureOpen();
            r = Syscalls.setSocketOption(fd, Syscalls.SO_PASSCRED, 1);
        }
        if (r < 0) {
            throw new IOException("setsockopt(SO_PASSCRED) failed: errno " + -r);
        }
    }

    /**
     * Reads one line of at most {@code limit} bytes (UTF-8, its newline dropped), waiting for it, and
     * consumes nothing after it (what follows may be someone else's to read, see {@link #output}): what
     * has arrived is peeked at, and only the bytes up to the newline are taken, so a line costs two reads
     * rather than one per byte.
     *
     * @throws IOException if the peer closes its end before the newline, or the line is longer than {@code limit}
     */
    public Line readLine(int limit) throws IOException {
        byte[] line = new byte[limit + 1];
        byte[] peeked = new byte[limit + 1];
        long[] sender = {-1, -1, -1};
        int have = 0;
        while (true) {
            long n;
            synchronized (this) {
                ensureOpen();
                long[] from = have == 0 ? sender : new long[3]; // the line's writer is its first byte's
                n = Syscalls.receive(fd, peeked, line.length - have, Syscalls.MSG_PEEK, from);
                if (n > 0) {
                    int newline = 0;
                    while (newline < n && peeked[newline] != '\n') {
                        newline++;
                    }
                    int take = newline < n ? newline + 1 : (int) n;
                    for (int got = 0; got < take; ) {
                        long r = Syscalls.readNow(fd, line, have + got, take - got);
                        if (r == 0 || r < 0 && r != -Syscalls.EINTR) {
                            throw new IOException("read failed: " + (r == 0 ? "end of stream" : "errno " + -r));
                        }
                        got += (int) Math.max(0, r);
                    }
                    have += take;
                    if (newline < n) {
                        Optional<Sender> writer = sender[0] > 0
                                ? Optional.of(new Sender(sender[0], sender[1], sender[2])) : Optional.empty();
                        return new Line(new String(line, 0, have - 1, StandardCharsets.UTF_8), writer);
                    }
                    if (have > limit) {
                        throw new IOException("the peer sent an overlong line");
                    }
                    continue;
                }
            }
            if (n == 0) {
                throw new IOException("the peer closed the connection");
            }
            if (n == -Syscalls.EAGAIN) {
                await(Syscalls.EPOLLIN | Syscalls.EPOLLRDHUP);
            } else if (n != -Syscalls.EINTR) {
                throw new IOException("read failed: errno " + -n);
            }
        }
    }

    /** Reads one byte, waiting for it: the byte (0-255), or -1 once the peer has closed its end. */
    public int read() throws IOException {
        byte[] one = new byte[1];
        while (true) {
            long n;
            synchronized (this) {
                ensureOpen();
                n = Syscalls.readNow(fd, one, 0, 1);
            }
            if (n == 1) {
                return one[0] & 0xff;
            }
            if (n == 0) {
                return -1;
            }
            if (n == -Syscalls.EAGAIN) {
                await(Syscalls.EPOLLIN | Syscalls.EPOLLRDHUP);
            } else if (n != -Syscalls.EINTR) {
                throw new IOException("read failed: errno " + -n);
            }
        }
    }

    /**
     * The connection from now on as a non-blocking output pipe (the same one on every call); {@link #read}
     * and {@link #write} fail afterwards, and closing the pipe closes the connection.
     */
    public synchronized OutputPipe output() throws IOException {
        if (output == null) {
            ensureOpen();
            output = new OutputPipe(fd, poller);
        }
        return output;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the connection is closed");
        }
        if (output != null) {
            throw new IllegalStateException("the connection was handed over as " + output);
        }
    }

    /** Parks until the poller reports {@code events}, or until {@link #close}. One waiter at a time. */
    private void await(int events) throws IOException {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        synchronized (this) {
            ensureOpen();
            if (waiting != null) {
                throw new IllegalStateException("two threads wait on " + this);
            }
            waitToken = poller.watch(fd, events | Syscalls.EPOLLONESHOT, () -> ready.complete(null));
            waiting = ready;
        }
        try {
            ready.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on " + this);
        } catch (ExecutionException e) {
            throw new IOException("the connection was closed while waiting");
        } finally {
            synchronized (this) {
                if (waiting == ready) {
                    poller.unwatch(fd, waitToken);
                    waiting = null;
                }
            }
        }
    }

    /** Closes the connection (through the pipe, once handed over); a waiting read or write fails. Idempotent. */
    @Override
    public void close() {
        OutputPipe handedOver;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            handedOver = output;
            if (waiting != null) {
                poller.unwatch(fd, waitToken);
                waiting.completeExceptionally(new IOException("closed"));
                waiting = null;
            }
            if (handedOver == null) {
                Syscalls.close(fd);
            }
        }
        if (handedOver != null) {
            handedOver.close();
        }
    }

    @Override
    public String toString() {
        return "unix socket " + fd;
    }
}
