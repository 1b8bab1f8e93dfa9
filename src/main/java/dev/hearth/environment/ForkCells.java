package dev.hearth.environment;

import dev.hearth.sandbox.ForkServer;
import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.SandboxSpec;
import dev.hearth.sandbox.StemSandbox;
import dev.hearth.environment.CodeSlots.Slot;
import dev.hearth.sandbox.TreeLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Python stem cells that are fork servers: a cell's sandbox loads the bootstrap (no user code) and serves
 * forks ({@code hearth_fork.py}); a cold start whose set-up matches forks a child from it instead of
 * consuming it, so any number of environments start at fork speed. The child gets the function's own
 * code through a slot: a directory of the node's under the server's {@code /var/task} (hard links, as a
 * single-use cell's code), which the child binds read-only onto {@code /var/task} (and a second one with
 * the layers onto {@code /opt}, for a function that has layers) in its own mount namespace before it drops
 * its capabilities. Children of the same code share one slot ({@link CodeSlots}): once bound, a child sees
 * only its own slot (the bind covers the server's {@code /var/task}, and it cannot unmount it), so a slot need
 * not leave the server's view while it serves; it goes with its last child. Each child has its own
 * cgroup and limits, a private {@code /tmp}, host ids of its own (so no child can signal a sibling or
 * its server; {@code /proc} entries are refused across user namespaces anyway) and the function's complete environment; it imports the user's code
 * after the fork, so init runs in every environment as on AWS.
 *
 * <p>A server's death kills its children (its pid namespace goes with it); {@link StemCells} notices the
 * exit and starts another server. A server is closed only when it has no children left.
 *
 * <p>Threading: stateless apart from the servers' own counters; everything here blocks (links, the fork
 * round trips), call from virtual threads or the blocking executor.
 */
final class ForkCells {
    private static final Logger LOG = LoggerFactory.getLogger(ForkCells.class);
    /** Set in a fork server's start-up environment, next to {@link StemCells#CELL_VARIABLE}. */
    static final String FORK_VARIABLE = "HEARTH_FORK_CELL";
    /**
     * The server's limit once it serves: forking happens in its cgroup, and a cell's nominal 128 MB would
     * leave it 7 % of a core (CPU follows memory). Its own footprint stays that of an idle interpreter.
     */
    static final int SERVER_MEMORY_MB = 1769;
    private static final long ATTACH_TIMEOUT_NANOS = 10_000_000_000L;

    /** A running fork server: its sandbox, the code slots shown to it, and its live children. */
    record Server(StemSandbox sandbox, ForkServer fork, Path root, CodeSlots slots, AtomicInteger children) {
        boolean alive() {
            return fork.alive() && !sandbox.exit().isDone();
        }
    }

    /** Why fork servers cannot serve on this node (then single-use cells do). */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private ForkCells() {
    }

    /** Whether the runtime's bootstrap can serve forks: Python only (Node's libuv threads do not survive a fork). */
    static boolean supports(String runtime) {
        return runtime.startsWith("python3.");
    }

    /**
     * Launches a fork server for {@code template} under {@code root} and attaches to it. Blocking.
     *
     * @return empty if the launcher could not start it this time
     * @throws Unavailable if this node cannot give forked children their own limits, /tmp and ids
     */
    static Optional<Server> start(SandboxLauncher launcher, StemCells.Template template, String id, Path root,
                                  java.util.Map<String, String> environment) throws IOException, Unavailable {
        if (!ForkServer.childrenCanHaveOwnIds()) {
            throw new Unavailable("only a node running as root can give forked children host ids of their own");
        }
        Path slots = Files.createDirectories(root.resolve("slots"));
        environment.put(FORK_VARIABLE, "1");
        SandboxSpec spec = new SandboxSpec(id, template.command(), environment, slots, template.runtimeDir(),
                Optional.empty(), template.extraReadOnly(), template.tmpSizeMb(), StemCellSettings.CELL_MEMORY_MB,
                template.pidLimit());
        Optional<StemSandbox> launched = launcher.launchStem(spec);
        if (launched.isEmpty()) {
            return Optional.empty();
        }
        StemSandbox sandbox = launched.get();
        try {
            ForkServer fork = attach(launcher, sandbox);
            if (!fork.privateTmp()) {
                fork.close();
                throw new Unavailable("the sandbox refuses user namespaces, so forked children could not have a "
                        + "private /tmp");
            }
            sandbox.specialise(SERVER_MEMORY_MB, new byte[0]);
            return Optional.of(new Server(sandbox, fork, root, new CodeSlots(slots), new AtomicInteger()));
        } catch (IOException | Unavailable | RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    /** Attaches once the server listens (its socket appears a few milliseconds after the interpreter starts). */
    private static ForkServer attach(SandboxLauncher launcher, Sandbox sandbox) throws IOException, Unavailable {
        long deadline = System.nanoTime() + ATTACH_TIMEOUT_NANOS;
        long pauseMillis = 2;
        while (true) {
            try {
                return launcher.attachForkServer(sandbox).orElseThrow(
                        () -> new Unavailable("the sandbox launcher cannot attach to fork servers"));
            } catch (IOException e) {
                if (sandbox.exit().isDone() || System.nanoTime() > deadline) {
                    throw new IOException("the fork server did not start: " + e.getMessage(), e);
                }
            }
            // Starting, in the background: the server's socket is not there yet.
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the fork server started", e);
            }
            pauseMillis = Math.min(20, pauseMillis * 2);
        }
    }

    /**
     * Forks an environment for {@code wanted} from {@code server}: shows the child its code through the server's
     * slot for that code (made on first use: links into a fresh slot), and forks. The returned sandbox,
     * closed, kills the child and lets go of the slot (removed with its last child).
     *
     * @throws TreeLinks.NotMirrored when the code cannot be linked (then the caller launches instead)
     */
    static Sandbox fork(Server server, SandboxSpec wanted, int maxEntries) throws IOException {
        Slot slot = server.slots().take(wanted, maxEntries);
        Sandbox child;
        try {
            child = server.fork().fork(new ForkServer.Request(wanted.id(), wanted.environment(), wanted.memoryMb(),
                    wanted.pidLimit(), wanted.tmpSizeMb(), Optional.of(slot.name()), Optional.empty(),
                    slot.layersName()));
        } catch (IOException | RuntimeException e) {
            server.slots().release(slot);
            throw e;
        }
        server.children().incrementAndGet();
        return new SpecialisedCell(child, () -> {
            try {
                child.close();
            } finally {
                server.slots().release(slot);
                server.children().decrementAndGet();
            }
        });
    }

    /** Ends a server that has no children left (or the node is stopping), and removes its directories. */
    static void close(Server server) {
        try {
            server.fork().close();
            server.sandbox().close();
        } finally {
            TreeLinks.delete(server.root());
        }
    }
}
