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
     * Whether forked children can be given host ids of their own: only when the node runs as root on the
     * host (it writes each child's uid and gid map).
     */
    static boolean childrenCanHaveOwnIds() {
        return UnixForkServer.NODE_IS_ROOT;
    }

    /**
     * What one child gets.
     *
     * @param id          the child sandbox's id (names its cgroup); [a-zA-Z0-9-] only
     * @param environment the child's complete environment, replacing the server's
     * @param memoryMb    the child's memory size: its memory limit (less the server's memory after
     *                    {@link #countServerMemoryInChildren}); CPU follows it as for any sandbox
     * @param pidLimit    most tasks the child's cgroup may hold
     * @param tmpSizeMb   size of the child's private {@code /tmp}
     * @param codeSlot    for a runtime's fork server (one that starts environments of many functions): the
     *                    directory under the server's {@code /var/task} that the child shows read-only as its
     *                    {@code /var/task} (and {@code layersSlot}, if given, as its {@code /opt}; without it
     *                    {@code /opt} stays the server's, the launcher's empty one); such a child
     *                    also runs as host ids of its own, so that neither its siblings nor it can signal
     *                    another (their {@code /proc} entries are refused across user namespaces anyway). {@link #fork} returns once the child has mounted them: the slot may
     *                    then leave the server's view (a rename keeps the child's binds)
     * @param endpoint    the {@code host:port} of the child's Runtime API when a spare was connected to it
     *                    ahead ({@link #prepareConnected}): that spare is the child, if it is still there
     * @param layersSlot  with {@code codeSlot}: the directory beside it shown as the child's {@code /opt}
     */
    record Request(String id, Map<String, String> environment, int memoryMb, int pidLimit, int tmpSizeMb,
                   java.util.Optional<String> codeSlot, java.util.Optional<String> endpoint,
                   java.util.Optional<String> layersSlot) {
        public Request {
            environment = Map.copyOf(environment);
            // Checked without a regex: a pattern compiled per fork showed in the burst's profile.
            if (!SandboxSpec.isName(id)) {
                throw new IllegalArgumentException("sandbox id must be [a-zA-Z0-9-]+: " + id);
            }
            for (java.util.Optional<String> slot : java.util.List.of(codeSlot, layersSlot)) {
                if (slot.isPresent() && !SandboxSpec.isName(slot.get())) {
                    throw new IllegalArgumentException("code slot must be [a-zA-Z0-9-]+: " + slot.get());
                }
            }
            if (layersSlot.isPresent() && codeSlot.isEmpty()) {
                throw new IllegalArgumentException("a layers slot needs a code slot");
            }
        }

        public Request(String id, Map<String, String> environment, int memoryMb, int pidLimit, int tmpSizeMb,
                       java.util.Optional<String> codeSlot, java.util.Optional<String> endpoint) {
            this(id, environment, memoryMb, pidLimit, tmpSizeMb, codeSlot, endpoint, java.util.Optional.empty());
        }

        public Request(String id, Map<String, String> environment, int memoryMb, int pidLimit, int tmpSizeMb,
                       java.util.Optional<String> codeSlot) {
            this(id, environment, memoryMb, pidLimit, tmpSizeMb, codeSlot, java.util.Optional.empty());
        }

        /** A child that keeps the server's {@code /var/task} and {@code /opt} (SnapStart). */
        public Request(String id, Map<String, String> environment, int memoryMb, int pidLimit, int tmpSizeMb) {
            this(id, environment, memoryMb, pidLimit, tmpSizeMb, java.util.Optional.empty());
        }
    }

    /**
     * Starts a child with {@code request}'s environment; it runs once this returns. A child with the same
     * limits is kept forked ahead (in its cgroup, its namespaces made, waiting for an environment), so
     * this usually costs one write; the next is forked in the background. Fails if the server has ended.
     */
    Sandbox fork(Request request) throws IOException;

    /** Forks a child with these limits ahead of the first {@link #fork}, in the background. */
    void prepare(int memoryMb, int pidLimit, int tmpSizeMb);

    /**
     * SnapStart: forks a spare with these limits that, while it waits, connects to {@code endpoint} (a
     * Runtime API bound ahead for the environment that will take it) and sends its first request there, in
     * the background. A {@link #fork} whose {@link Request#endpoint} names it gets it: one write, the
     * connection already open and its client port known. One such spare is kept per endpoint.
     */
    default void prepareConnected(int memoryMb, int pidLimit, int tmpSizeMb, String endpoint) {
        prepare(memoryMb, pidLimit, tmpSizeMb);
    }

    /** As {@link #prepare}, for children that will be given a {@link Request#codeSlot}. */
    default void prepareWithCode(int memoryMb, int pidLimit, int tmpSizeMb) {
    }

    /**
     * SnapStart: makes every child without a code slot forked from now on one environment together with
     * what the server holds now (the snapshot: what init left, which each child starts with and whose pages
     * stay charged to the server's cgroup). Such a child's memory limit is its {@link Request#memoryMb} less
     * the server's resident memory measured here (no lower than {@link #MIN_CHILD_MEMORY_MB}; CPU still
     * follows the full figure), and its {@link Sandbox#maxMemoryUsedBytes} adds that memory to its own peak,
     * at most {@link Request#memoryMb}. Called once, when the server is ready and before the first fork.
     * Blocking (reads {@code /proc}).
     *
     * @return the bytes measured; 0 where this server does not measure (its children keep their full limit)
     */
    default long countServerMemoryInChildren() {
        return 0;
    }

    /** The least memory limit a SnapStart child is given, however much the snapshot holds: room to run a handler. */
    int MIN_CHILD_MEMORY_MB = 16;

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
