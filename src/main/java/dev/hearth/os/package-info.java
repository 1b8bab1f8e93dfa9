/**
 * Linux system calls through the JDK's Foreign Function &amp; Memory API: pipes, epoll, posix_spawn and
 * pidfds, so that the node watches every sandbox's output and exit from one thread
 * ({@link dev.hearth.os.Poller}) instead of three threads per sandbox (two blocking pipe readers and the
 * JDK's process reaper).
 *
 * <p>Entry points: {@link dev.hearth.os.Linux#nativeProcesses} says once whether this machine allows it;
 * {@link dev.hearth.os.ChildProcess#spawn} starts a process with non-blocking output pipes
 * ({@link dev.hearth.os.OutputPipe}) and an exit future; {@link dev.hearth.os.UnixSocket} is a unix
 * connection (a fork server's child's output) that becomes such a pipe after a short handshake. Where the answer is no (another OS or C library,
 * an old kernel, a seccomp policy, or switched off), callers keep the JDK's {@link java.lang.Process}.
 *
 * <p>The package knows nothing of sandboxes or environments; {@code sandbox} and {@code environment} use it.
 */
package dev.hearth.os;
