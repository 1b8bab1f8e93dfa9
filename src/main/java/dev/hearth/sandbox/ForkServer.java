package dev.hearth.sandbox;

import java.io.IOException;
import java.util.Map;

/**
 * A fork server running inside a sandbox: an interpreter that has loaded what every environment it serves
 * shares (a SnapStart version's initialised function, or a runtime's bootstrap) and forks a new execution
 * environment per {@link #fork}. Each child is a {@link Sandbox} of its own: its own cgroup with its own
 * limits, a private {@code /tmp} (its own user and mount namespaces, no capabilities left), its own output
 * and its own environment variables. The Python side is {@code hearth_fork.py} (protocol in its header).
 *
 * <p>Obtained from {@link SandboxLauncher#attachForkServer} once the sandbox's process listens.
 *
 * <p>Threading: thread-safe; {@link #fork} blocks for the round trips with the server (about a
 * millisecond) and is called from virtual threads.
 */
public interface ForkServer extends AutoCloseable {

    /**
     * What one child gets.
     *
     * @param id          the child sandbox's id (names its cgroup); [a-zA-Z0-9-] only
     * @param environment the child's complete environment, replacing the server's
     * @param memoryMb    the child's memory limit; CPU follows it as for any sandbox
     * @param pidLimit    most tasks the child's cgroup may hold
     * @param tmpSizeMb   size of the child's private {@code /tmp}
     */
    record Request(String id, Map<String, String> environment, int memoryMb, int pidLimit, int tmpSizeMb) {
        public Request {
            environment = Map.copyOf(environment);
            if (!id.matches("[a-zA-Z0-9-]+")) {
                throw new IllegalArgumentException("sandbox id must be [a-zA-Z0-9-]+: " + id);
            }
        }
    }

    /** Forks a child; it runs once this returns. Fails if the server has ended. */
    Sandbox fork(Request request) throws IOException;

    /**
     * Whether children get a private {@code /tmp}: false where the machine refuses user namespaces to the
     * sandbox, in which case {@link #fork} must not be used (children would share the server's).
     */
    boolean privateTmp();

    /** False once the server's process has ended or its control connection broke. */
    boolean alive();

    /** Ends the server (its process exits when its control connection closes); children are not touched. */
    @Override
    void close();
}
