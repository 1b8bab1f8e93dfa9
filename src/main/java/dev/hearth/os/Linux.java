package dev.hearth.os;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether this machine gives what the rest of the package needs: Linux on x86-64 or AArch64, a glibc
 * with every wrapper {@link Syscalls} binds (2.34+ for {@code posix_spawn_file_actions_addclosefrom_np}),
 * native access granted to this code, and a kernel with pidfds that {@code waitid} accepts (5.4+) and
 * that a seccomp policy does not refuse. Probed once per JVM, the verdict logged once (INFO for the
 * fallback, DEBUG otherwise, so that a healthy start-up stays quiet).
 *
 * <p>{@code HEARTH_NATIVE_PROCESSES=off} (or the system property {@code hearth.nativeProcesses=false})
 * forces the answer to "no", so that the JDK's process API and blocking output readers can be chosen
 * on purpose (to compare, or to work around a kernel problem).
 *
 * <p>Threading: thread-safe; the probe runs on the first caller's thread.
 */
public final class Linux {
    private static final Logger LOG = LoggerFactory.getLogger(Linux.class);

    private Linux() {
    }

    /** Why native processes are not used here; empty when they are. */
    public static Optional<String> unavailable() {
        return Verdict.REASON;
    }

    /** True when {@link ChildProcess} and {@link Poller} work here and have not been switched off. */
    public static boolean nativeProcesses() {
        return Verdict.REASON.isEmpty();
    }

    /** Holder: computed on first use, then constant. */
    private static final class Verdict {
        static final Optional<String> REASON = decide();

        private static Optional<String> decide() {
            Optional<String> reason = switchedOff().or(Verdict::probe);
            reason.ifPresentOrElse(
                    r -> LOG.info("Processes through the JDK (a reader thread per output stream): {}", r),
                    () -> LOG.debug("Processes through posix_spawn, pidfds and one epoll thread (no thread per sandbox)"));
            return reason;
        }

        private static Optional<String> switchedOff() {
            String env = System.getenv("HEARTH_NATIVE_PROCESSES");
            String property = System.getProperty("hearth.nativeProcesses");
            if (isOff(env) || isOff(property)) {
                return Optional.of("switched off (HEARTH_NATIVE_PROCESSES / hearth.nativeProcesses)");
            }
            return Optional.empty();
        }

        private static boolean isOff(String value) {
            return value != null && switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "off", "false", "0", "no" -> true;
                default -> false;
            };
        }

        private static Optional<String> probe() {
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "");
            if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
                return Optional.of("not Linux on x86-64 or AArch64 (" + os + "/" + arch + ")");
            }
            try {
                return kernel();
            } catch (Throwable t) {
                // A missing symbol, native access refused, an unexpected linker: all mean "not here".
                return Optional.of("the foreign function interface cannot bind the C library: " + t);
            }
        }

        private static Optional<String> kernel() {
            int[] fds = new int[2];
            int r = Syscalls.pipe2(Syscalls.O_CLOEXEC, fds);
            if (r < 0) {
                return Optional.of("pipe2 failed: errno " + -r);
            }
            // Also links the calls an event loop makes on every drain, so that the first drain does not pay it.
            Syscalls.setNonBlocking(fds[0]);
            Syscalls.readNow(fds[0], new byte[1], 0, 1);
            Syscalls.close(fds[0]);
            Syscalls.close(fds[1]);
            int epfd = Syscalls.epollCreate();
            if (epfd < 0) {
                return Optional.of("epoll_create1 failed: errno " + -epfd);
            }
            Syscalls.close(epfd);
            int pidfd = Syscalls.pidfdOpen(Syscalls.getpid());
            if (pidfd < 0) {
                return Optional.of("pidfd_open failed: errno " + -pidfd);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment info = arena.allocate(Syscalls.SIGINFO_SIZE, 8);
                // Our own process is no child of ours: a kernel that knows P_PIDFD says ECHILD.
                int w = Syscalls.waitPidfd(pidfd, info, Syscalls.WEXITED | Syscalls.WNOHANG);
                if (w != -Syscalls.ECHILD) {
                    return Optional.of("waitid(P_PIDFD) unsupported: " + (w < 0 ? "errno " + -w : "returned " + w));
                }
            } finally {
                Syscalls.close(pidfd);
            }
            return Optional.empty();
        }
    }
}
