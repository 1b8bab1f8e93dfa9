package dev.hearth.os;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The C library's system call wrappers this package uses, bound once through the FFM linker. Each call
 * returns the C result, or {@code -errno} where C returns -1 (the posix_spawn family returns its error
 * number itself). Constants are Linux's generic values, the same on x86-64 and AArch64, the two
 * architectures {@link Linux} admits; the only layout that differs between them is {@code epoll_event}.
 *
 * <p>Class initialisation fails if a symbol is missing (an old or non-glibc C library): {@link Linux}
 * probes it once and then keeps every caller on the JDK's own process API.
 *
 * <p>Threading: every method may be called from any thread; errno is captured per call into a segment of
 * the calling thread's own.
 */
final class Syscalls {
    static final int EPERM = 1, ESRCH = 3, EINTR = 4, ECHILD = 10, EAGAIN = 11, ENOSYS = 38;
    static final int O_RDONLY = 0, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3, F_SETFL = 4;
    static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    static final int EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLRDHUP = 0x2000, EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31;
    static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = O_CLOEXEC;
    static final int SOL_SOCKET = 1, SO_PASSCRED = 16, SCM_CREDENTIALS = 2, MSG_PEEK = 2, MSG_DONTWAIT = 0x40;
    /**
     * {@code struct msghdr} on both 64-bit architectures: name and its length (padded), iov, iovlen,
     * control, controllen, flags; {@code struct iovec} is a pointer and a length; a {@code cmsghdr} is a
     * length, level and type (16 bytes) before its data, and {@code struct ucred} is pid, uid, gid (12 bytes).
     */
    static final long MSGHDR_SIZE = 56, MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32, MSG_CONTROLLEN = 40,
            CMSG_HEADER = 16, CREDENTIALS_SPACE = CMSG_HEADER + 16;
    /** {@code struct sockaddr_un}: a 2-byte family, then {@code sun_path} of 108 bytes (NUL-terminated here). */
    static final long SUN_PATH_OFFSET = 2, SUN_PATH_SIZE = 108;
    static final short POLLIN = 0x1;
    static final int P_PIDFD = 3, WNOHANG = 1, WEXITED = 4;
    static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
    static final int SIGKILL = 9;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final long SYS_PIDFD_SEND_SIGNAL = 424, SYS_PIDFD_OPEN = 434;

    /** x86-64 packs {@code struct epoll_event} (u32 events, u64 data) into 12 bytes; AArch64 aligns it to 16. */
    static final long EPOLL_EVENT_SIZE = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch")) ? 12 : 16;
    static final long EPOLL_DATA_OFFSET = EPOLL_EVENT_SIZE == 12 ? 4 : 8;
    /** {@code siginfo_t}: 128 bytes; si_code at 8, si_pid at 16, si_status at 24 on both architectures. */
    static final long SIGINFO_SIZE = 128, SI_CODE = 8, SI_PID = 16, SI_STATUS = 24;
    /** Generous upper bounds of glibc's opaque spawn structures (80, 336 and 128 bytes on x86-64). */
    static final long FILE_ACTIONS_SIZE = 512, SPAWNATTR_SIZE = 1024, SIGSET_SIZE = 256;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));
    private static final AddressLayout PTR = ADDRESS;

    private static final MethodHandle PIPE2 = errno("pipe2", FunctionDescriptor.of(JAVA_INT, PTR, JAVA_INT));
    /** Critical (no thread-state switch, heap arrays allowed): only ever called on non-blocking fds. */
    private static final MethodHandle READ_NOW = LINKER.downcallHandle(find("read"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, PTR, JAVA_LONG),
            Linker.Option.captureCallState("errno"), Linker.Option.critical(true));
    private static final MethodHandle WRITE = errno("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, PTR, JAVA_LONG));
    private static final MethodHandle CLOSE = errno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = LINKER.downcallHandle(find("fcntl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = errno("poll", FunctionDescriptor.of(JAVA_INT, PTR, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EPOLL_CREATE1 = errno("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = errno("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, PTR));
    private static final MethodHandle EPOLL_WAIT = errno("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, PTR, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = errno("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WAITID = errno("waitid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, PTR, JAVA_INT));
    private static final MethodHandle SYSCALL3 = LINKER.downcallHandle(find("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL5 = LINKER.downcallHandle(find("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SOCKET = errno("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    /** Not critical: a unix connect may wait while the listener's backlog is full. */
    private static final MethodHandle CONNECT = errno("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, PTR, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = errno("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, PTR, JAVA_INT));
    /** Only ever called with {@code MSG_DONTWAIT}: it never blocks. */
    private static final MethodHandle RECVMSG = errno("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, PTR, JAVA_INT));
    private static final MethodHandle GETPID = LINKER.downcallHandle(find("getpid"), FunctionDescriptor.of(JAVA_INT));

    static final MethodHandle FA_INIT = plain("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, PTR));
    static final MethodHandle FA_DESTROY = plain("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, PTR));
    static final MethodHandle FA_DUP2 = plain("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_INT, JAVA_INT));
    static final MethodHandle FA_OPEN = plain("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_INT, PTR, JAVA_INT, JAVA_INT));
    static final MethodHandle FA_CHDIR = plain("posix_spawn_file_actions_addchdir_np",
            FunctionDescriptor.of(JAVA_INT, PTR, PTR));
    static final MethodHandle FA_CLOSEFROM = plain("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_INT));
    static final MethodHandle ATTR_INIT = plain("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, PTR));
    static final MethodHandle ATTR_DESTROY = plain("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, PTR));
    static final MethodHandle ATTR_SETFLAGS = plain("posix_spawnattr_setflags",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_SHORT));
    static final MethodHandle ATTR_SETSIGMASK = plain("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, PTR, PTR));
    static final MethodHandle ATTR_SETSIGDEFAULT = plain("posix_spawnattr_setsigdefault",
            FunctionDescriptor.of(JAVA_INT, PTR, PTR));
    static final MethodHandle SIGEMPTYSET = plain("sigemptyset", FunctionDescriptor.of(JAVA_INT, PTR));
    static final MethodHandle SIGFILLSET = plain("sigfillset", FunctionDescriptor.of(JAVA_INT, PTR));
    /** Searches the node's PATH for argv[0], as {@link ProcessBuilder} does. Returns an error number. */
    static final MethodHandle POSIX_SPAWNP = plain("posix_spawnp",
            FunctionDescriptor.of(JAVA_INT, PTR, PTR, PTR, PTR, PTR, PTR));

    private Syscalls() {
    }

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name));
    }

    private static MethodHandle errno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor);
    }

    private static long result(long r, MemorySegment state) {
        return r == -1 ? -state.get(JAVA_INT, ERRNO) : r;
    }

    static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pipe2}: fills {@code fds} with the read and the write end. */
    static int pipe2(int flags, int[] fds) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pair = arena.allocate(JAVA_INT, 2);
            MemorySegment state = STATE.get();
            int r = (int) result((int) PIPE2.invokeExact(state, pair, flags), state);
            if (r == 0) {
                fds[0] = pair.getAtIndex(JAVA_INT, 0);
                fds[1] = pair.getAtIndex(JAVA_INT, 1);
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A read that never blocks ({@code fd} must be non-blocking): bytes read, 0 at end of file, or -errno. */
    static long readNow(int fd, byte[] into, int offset, int length) {
        try {
            MemorySegment state = STATE.get();
            long r = (long) READ_NOW.invokeExact(state, fd, MemorySegment.ofArray(into).asSlice(offset), (long) length);
            return result(r, state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(int fd, MemorySegment from, long length) {
        try {
            MemorySegment state = STATE.get();
            return result((long) WRITE.invokeExact(state, fd, from, length), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int socket(int domain, int type, int protocol) {
        try {
            MemorySegment state = STATE.get();
            return (int) result((int) SOCKET.invokeExact(state, domain, type, protocol), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code connect} to the unix socket at {@code path} (at most {@code SUN_PATH_SIZE - 1} bytes, checked by the caller). */
    static int connectUnix(int fd, byte[] path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SUN_PATH_OFFSET + SUN_PATH_SIZE, 2);
            address.set(JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(path, 0, address, java.lang.foreign.ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, path.length);
            MemorySegment state = STATE.get();
            int length = (int) (SUN_PATH_OFFSET + path.length + 1);
            return (int) result((int) CONNECT.invokeExact(state, fd, address, length), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setsockopt(fd, SOL_SOCKET, option, &value, 4)}: 0 or -errno. */
    static int setSocketOption(int fd, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            MemorySegment state = STATE.get();
            return (int) result((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, option, v, 4), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code recvmsg(fd, msg, flags | MSG_DONTWAIT)} into {@code into} (up to {@code length} bytes), with room
     * for one {@code SCM_CREDENTIALS} message; {@code sender} gets its pid, uid and gid (as the kernel
     * translated them into this process's namespaces), or stays untouched when none came. Bytes received, 0
     * at the end of the stream, or -errno.
     */
    static long receive(int fd, byte[] into, int length, int flags, long[] sender) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = arena.allocate(MSGHDR_SIZE + 16 + CREDENTIALS_SPACE + Math.max(1, length), 8);
            MemorySegment iov = message.asSlice(MSGHDR_SIZE, 16);
            MemorySegment control = message.asSlice(MSGHDR_SIZE + 16, CREDENTIALS_SPACE);
            MemorySegment data = message.asSlice(MSGHDR_SIZE + 16 + CREDENTIALS_SPACE);
            iov.set(PTR, 0, data);
            iov.set(JAVA_LONG, 8, length);
            message.set(PTR, MSG_IOV, iov);
            message.set(JAVA_LONG, MSG_IOVLEN, 1L);
            message.set(PTR, MSG_CONTROL, control);
            message.set(JAVA_LONG, MSG_CONTROLLEN, CREDENTIALS_SPACE);
            MemorySegment state = STATE.get();
            long n = result((long) RECVMSG.invokeExact(state, fd, message, flags | MSG_DONTWAIT), state);
            if (n > 0) {
                MemorySegment.copy(data, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, into, 0, (int) n);
                long controlLength = message.get(JAVA_LONG, MSG_CONTROLLEN);
                if (controlLength >= CMSG_HEADER + 12 && control.get(JAVA_INT, 8) == SOL_SOCKET
                        && control.get(JAVA_INT, 12) == SCM_CREDENTIALS) {
                    sender[0] = control.get(JAVA_INT, CMSG_HEADER);
                    sender[1] = Integer.toUnsignedLong(control.get(JAVA_INT, CMSG_HEADER + 4));
                    sender[2] = Integer.toUnsignedLong(control.get(JAVA_INT, CMSG_HEADER + 8));
                }
            }
            return n;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(int fd) {
        try {
            MemorySegment state = STATE.get();
            return (int) result((int) CLOSE.invokeExact(state, fd), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Adds {@code O_NONBLOCK} to the open file description behind {@code fd}. */
    static int setNonBlocking(int fd) {
        try {
            MemorySegment state = STATE.get();
            int flags = (int) result((int) FCNTL.invokeExact(state, fd, F_GETFL, 0), state);
            if (flags < 0) {
                return flags;
            }
            return (int) result((int) FCNTL.invokeExact(state, fd, F_SETFL, flags | O_NONBLOCK), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Waits up to {@code timeoutMillis} for {@code fd} to be readable: 1 if it is (or has hung up), 0, or -errno. */
    static int pollIn(int fd, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(8, 4);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, POLLIN);
            MemorySegment state = STATE.get();
            return (int) result((int) POLL.invokeExact(state, pollfd, 1L, timeoutMillis), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCreate() {
        try {
            MemorySegment state = STATE.get();
            return (int) result((int) EPOLL_CREATE1.invokeExact(state, O_CLOEXEC), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCtl(int epfd, int op, int fd, int events, long data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(16, 8);
            event.set(JAVA_INT, 0, events);
            event.set(JAVA_LONG.withByteAlignment(4), EPOLL_DATA_OFFSET, data);
            MemorySegment state = STATE.get();
            return (int) result((int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocks; {@code events} holds {@code max} epoll_event slots. Returns how many are ready, or -errno. */
    static int epollWait(int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            MemorySegment state = STATE.get();
            return (int) result((int) EPOLL_WAIT.invokeExact(state, epfd, events, max, timeoutMillis), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long epollData(MemorySegment events, int index) {
        return events.get(JAVA_LONG.withByteAlignment(4), index * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET);
    }

    static int eventfd() {
        try {
            MemorySegment state = STATE.get();
            return (int) result((int) EVENTFD.invokeExact(state, 0, O_CLOEXEC | O_NONBLOCK), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int pidfdOpen(long pid) {
        try {
            MemorySegment state = STATE.get();
            return (int) result((long) SYSCALL3.invokeExact(state, SYS_PIDFD_OPEN, pid, 0L), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int pidfdSendSignal(int pidfd, int signal) {
        try {
            MemorySegment state = STATE.get();
            return (int) result((long) SYSCALL5.invokeExact(state, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) signal,
                    0L, 0L), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code waitid(P_PIDFD, pidfd, info, options)}: 0 or -errno; {@code info} is {@link #SIGINFO_SIZE} bytes. */
    static int waitPidfd(int pidfd, MemorySegment info, int options) {
        try {
            MemorySegment state = STATE.get();
            return (int) result((int) WAITID.invokeExact(state, P_PIDFD, pidfd, info, options), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
