package dev.hearth.os;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One epoll instance and the one platform thread that waits on it, for every pipe and pidfd a launcher
 * watches: so an idle sandbox costs the node no thread at all.
 *
 * <p>Each registration gets a token of its own (never reused), and epoll reports the token, not the fd:
 * a late event for an fd that was closed and whose number a new pipe took cannot reach the new pipe's
 * handler.
 *
 * <p>Threading: {@link #watch}, {@link #unwatch} and {@link #close} may be called from any thread.
 * Handlers run on the poller thread and must be quick and never block (hop to where the work belongs).
 */
public final class Poller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    private static final int BATCH = 64;
    /** The wake-up eventfd's token: nothing else gets 0. */
    private static final long WAKE = 0;

    private final int epfd;
    private final int wakeFd;
    private final Map<Long, Runnable> handlers = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong(WAKE);
    private final Thread thread;
    private volatile boolean closed;

    private Poller(int epfd, int wakeFd, String name) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.thread = Thread.ofPlatform().daemon(true).name(name).stackSize(256 * 1024).unstarted(this::loop);
    }

    /** Creates the epoll instance and starts its thread. Requires {@link Linux#nativeProcesses}. */
    public static Poller start(String threadName) throws IOException {
        int epfd = Syscalls.epollCreate();
        if (epfd < 0) {
            throw new IOException("epoll_create1 failed: errno " + -epfd);
        }
        int wake = Syscalls.eventfd();
        if (wake < 0 || Syscalls.epollCtl(epfd, Syscalls.EPOLL_CTL_ADD, wake, Syscalls.EPOLLIN, WAKE) < 0) {
            Syscalls.close(epfd);
            if (wake >= 0) {
                Syscalls.close(wake);
            }
            throw new IOException("cannot set up the poller's wake-up eventfd");
        }
        Poller poller = new Poller(epfd, wake, threadName);
        poller.thread.start();
        return poller;
    }

    /**
     * Runs {@code handler} on the poller thread whenever {@code fd} reports {@code events} (epoll flags,
     * edge- or level-triggered as given). Returns the token {@link #unwatch} needs.
     */
    long watch(int fd, int events, Runnable handler) throws IOException {
        if (closed) {
            throw new IOException("the poller is closed");
        }
        long token = tokens.incrementAndGet();
        handlers.put(token, handler);
        int r = Syscalls.epollCtl(epfd, Syscalls.EPOLL_CTL_ADD, fd, events, token);
        if (r < 0) {
            handlers.remove(token);
            throw new IOException("epoll_ctl(ADD, " + fd + ") failed: errno " + -r);
        }
        return token;
    }

    /** Stops watching; call before closing {@code fd}. A handler already running may still finish. */
    void unwatch(int fd, long token) {
        handlers.remove(token);
        if (!closed) {
            Syscalls.epollCtl(epfd, Syscalls.EPOLL_CTL_DEL, fd, 0, token);
        }
    }

    /** How many registrations are live (pipes and processes being watched). */
    public int watched() {
        return handlers.size();
    }

    private void loop() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(BATCH * Syscalls.EPOLL_EVENT_SIZE, 8);
            while (!closed) {
                int n = Syscalls.epollWait(epfd, events, BATCH, -1);
                if (n == -Syscalls.EINTR) {
                    continue;
                }
                if (n < 0) {
                    LOG.error("epoll_wait failed (errno {}): output and exits are no longer watched", -n);
                    return;
                }
                for (int i = 0; i < n; i++) {
                    long token = Syscalls.epollData(events, i);
                    Runnable handler = token == WAKE ? null : handlers.get(token);
                    if (handler != null) {
                        try {
                            handler.run();
                        } catch (RuntimeException | Error e) {
                            LOG.warn("a poller handler failed: {}", e.toString(), e);
                        }
                    }
                }
            }
        }
    }

    /**
     * Stops the thread; what is still watched is no longer reported. The epoll and eventfd descriptors are
     * closed here, once the thread has left {@code epoll_wait}, never by the thread itself: closing them
     * earlier could let a new descriptor take the number this method then writes to. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(8, 8);
            one.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 1L);
            Syscalls.write(wakeFd, one, 8);
        }
        try {
            if (thread.join(java.time.Duration.ofSeconds(2))) {
                Syscalls.close(epfd);
                Syscalls.close(wakeFd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
