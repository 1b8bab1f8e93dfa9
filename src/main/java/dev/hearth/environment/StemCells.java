package dev.hearth.environment;

import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.SandboxSpec;
import dev.hearth.sandbox.StemSandbox;
import dev.hearth.sandbox.TreeLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stem cells: for each runtime set-up that cold starts used recently, a few sandboxes started ahead of
 * demand whose interpreter has loaded Hearth's bootstrap and waits on its standard input. A cold start
 * that finds one ({@link #take}) does not launch anything: it shows the function's code in the cell's
 * {@code /var/task} (and layers in {@code /opt}) through hard links ({@link TreeLinks}), gives the cell's
 * cgroup the function's limits, and sends the process the function's complete environment; the bootstrap
 * then sets that environment, imports the handler — the function's init code runs there, in every new
 * environment, as on AWS — and asks for its first event. The set-up ({@link Template}) holds everything
 * that counts before the first line of the bootstrap runs (interpreter, argv, {@code /var/runtime}, the
 * size of {@code /tmp}, the pid limit, and the variables an interpreter reads at its start such as
 * {@code PYTHON*}, {@code LD_*}, {@code LC_*}); a function whose set-up differs from every cell's starts
 * as before, and its set-up gets cells of its own.
 *
 * <p>Python's cells are fork servers where the node allows it ({@link ForkCells}): a cold start forks a
 * child from one instead of consuming it, so a burst of cold starts is not limited by interpreter starts.
 * Where forked children could not have their own {@code /tmp} and ids (no user namespaces in the sandbox,
 * a node that is not root), and for Node.js (whose libuv threads do not survive a fork), cells are
 * single-use as described above.
 *
 * <p>Bounded: {@link StemCellSettings#perRuntime} ready cells per set-up, {@link StemCellSettings#maxCells}
 * in all, each capped at {@link StemCellSettings#CELL_MEMORY_MB} while it waits; a set-up unused for
 * {@link StemCellSettings#retireAfter} loses its cells. Refills start a moment after a take, so that the
 * cold start that took the cell gets the CPU first.
 *
 * <p>Longer than most classes: the two kinds of cell share one bookkeeping (shelves per set-up, the
 * node-wide cap, refills, retirement), which splitting would duplicate.
 *
 * <p>Threading: thread-safe. {@link #take} blocks (links, cgroupfs, a pipe write): call it from virtual
 * threads. Cells start on the blocking executor; one daemon thread times refills and retirement.
 */
final class StemCells implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StemCells.class);
    /** Set in a cell's start-up environment only: the bootstrap then waits for its instructions. */
    static final String CELL_VARIABLE = "HEARTH_STEM_CELL";
    private static final long REFILL_DELAY_MILLIS = 150;
    private static final int TOO_LARGE_REMEMBERED = 1000;

    private final SandboxLauncher launcher;
    private final StemCellSettings settings;
    private final Executor blocking;
    private final Path cellsDir;
    private final Map<Template, Shelf> shelves = new ConcurrentHashMap<>();
    private final AtomicInteger alive = new AtomicInteger();
    private final ScheduledExecutorService timer;
    /** Code or layer directories with more entries than {@link StemCellSettings#maxEntries}: never linked. */
    private final Set<Path> tooLarge = ConcurrentHashMap.newKeySet();
    private volatile boolean linksImpossible;
    /** Set once fork servers turned out impossible here: Python then gets single-use cells too. */
    private volatile boolean forksUnavailable;
    /** Forks refused by live servers in a row: a node that cannot isolate children gives up on forks. */
    private final AtomicInteger forkFailures = new AtomicInteger();
    private static final int FORK_FAILURES_LIMIT = 3;
    private volatile boolean closed;

    /**
     * What a cell must share with a function to become it: everything fixed when its process starts.
     *
     * @param startEnvironment the variables the interpreter reads at its start ({@link #readAtStart})
     */
    record Template(List<String> command, Path runtimeDir, List<Path> extraReadOnly, int tmpSizeMb, int pidLimit,
                    Map<String, String> startEnvironment) {

        static Template of(SandboxSpec spec) {
            Map<String, String> atStart = new TreeMap<>();
            spec.environment().forEach((k, v) -> {
                if (readAtStart(k)) {
                    atStart.put(k, v);
                }
            });
            return new Template(spec.command(), spec.runtimeDir(), spec.extraReadOnly(), spec.tmpSizeMb(),
                    spec.pidLimit(), Map.copyOf(atStart));
        }
    }

    /** One set-up's cells: ready ones, how many are starting, when a cold start last asked. */
    private static final class Shelf {
        final ConcurrentLinkedDeque<Cell> ready = new ConcurrentLinkedDeque<>();
        /** Fork servers of this set-up ({@link ForkCells}); used by every cold start, never consumed. */
        final java.util.concurrent.CopyOnWriteArrayList<ForkCells.Server> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger nextServer = new AtomicInteger();
        volatile boolean forks;
        final AtomicInteger starting = new AtomicInteger();
        volatile long lastWantedNanos = System.nanoTime();
        /** The memory size this set-up was last wanted with (0: not yet): a new server's first spare has it. */
        volatile int lastMemoryMb;
    }

    /** A waiting cell: its sandbox and the host directories shown as its /var/task and /opt. */
    private record Cell(StemSandbox sandbox, Path root, Path task, Path opt, AtomicBoolean claimed) {
    }

    StemCells(SandboxLauncher launcher, StemCellSettings settings, Path scratchDir, Executor blocking) {
        this.launcher = launcher;
        this.settings = settings;
        this.blocking = blocking;
        this.cellsDir = scratchDir.resolve("cells").resolve(ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hearth-stem-cells");
            t.setDaemon(true);
            return t;
        });
        long sweepMillis = Math.max(100, settings.retireAfter().toMillis() / 4);
        timer.scheduleWithFixedDelay(this::retireIdle, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        sweepStale(scratchDir.resolve("cells"));
    }

    /**
     * Whether a variable changes what an interpreter does before its first line of code runs (so a cell
     * started without it would differ): Python's, Node's, libuv's, OpenSSL's and the C library's start-up
     * variables, the locale, and {@code HOME} (Python's user site directory). {@code TZ} is not among them:
     * the bootstraps apply it when they set the function's environment ({@code time.tzset()}; Node resets
     * its zone when {@code process.env.TZ} is set).
     */
    static boolean readAtStart(String name) {
        return name.startsWith("PYTHON") || name.startsWith("_PYTHON") || name.startsWith("NODE_")
                || name.startsWith("UV_") || name.startsWith("OPENSSL_") || name.startsWith("SSL_CERT_")
                || name.startsWith("LD_") || name.startsWith("LC_") || name.startsWith("GLIBC_")
                || name.startsWith("MALLOC_") || name.equals("LANG") || name.equals("LANGUAGE") || name.equals("HOME");
    }

    /** The runtimes whose bootstrap can wait as a cell. */
    static boolean supports(String runtime) {
        return runtime.startsWith("python3.") || runtime.startsWith("nodejs");
    }

    /**
     * A specialised cell for {@code wanted} (the sandbox a plain launch would start for {@code runtime}),
     * when a ready one matches; empty otherwise, and then the caller launches as usual. Either way the
     * set-up counts as wanted, so it gets (or keeps) its cells.
     */
    Optional<Sandbox> take(SandboxSpec wanted, String runtime) {
        if (closed || linksImpossible || !settings.enabled() || !supports(runtime)
                || wanted.extraReadOnly().stream().anyMatch(p -> p.startsWith("/opt"))
                || tooLarge.contains(wanted.taskDir()) || wanted.optDir().filter(tooLarge::contains).isPresent()) {
            return Optional.empty();
        }
        Template template = Template.of(wanted);
        Shelf shelf = shelves.computeIfAbsent(template, t -> {
            Shelf made = new Shelf();
            made.forks = ForkCells.supports(runtime) && !forksUnavailable;
            return made;
        });
        shelf.lastWantedNanos = System.nanoTime();
        shelf.lastMemoryMb = wanted.memoryMb();
        if (shelf.forks) {
            return forkFrom(template, shelf, wanted);
        }
        Cell cell = null;
        for (Cell c; (c = shelf.ready.pollFirst()) != null; ) {
            if (claim(c)) {
                if (!c.sandbox.exit().isDone()) {
                    cell = c;
                    break;
                }
                discard(c);
            }
        }
        scheduleRefill(template, shelf);
        if (cell == null) {
            return Optional.empty();
        }
        return specialise(cell, wanted);
    }

    private Optional<Sandbox> specialise(Cell cell, SandboxSpec wanted) {
        try {
            TreeLinks.mirror(wanted.taskDir(), cell.task, settings.maxEntries());
            if (wanted.optDir().isPresent()) {
                TreeLinks.mirror(wanted.optDir().get(), cell.opt, settings.maxEntries());
            } else {
                // A function without layers sees the launcher's empty /opt, which is read-only for all.
                Files.setPosixFilePermissions(cell.opt, PosixFilePermissions.fromString("r-xr-xr-x"));
            }
            cell.sandbox.specialise(wanted.memoryMb(), instructions(wanted.environment()));
            return Optional.of(new SpecialisedCell(cell.sandbox, () -> release(cell)));
        } catch (TreeLinks.NotMirrored e) {
            // Links impossible here (another file system), or code that will never fit (immutable per path).
            notMirrored(e, wanted);
            discard(cell);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.debug("stem cell {} not used for {}: {}", cell.sandbox.id(), wanted.id(), e.toString());
            discard(cell);
            return Optional.empty();
        }
    }

    /** A child of one of the shelf's fork servers (round robin), or empty when none can serve now. */
    private Optional<Sandbox> forkFrom(Template template, Shelf shelf, SandboxSpec wanted) {
        List<ForkCells.Server> servers = List.copyOf(shelf.servers);
        if (servers.size() + shelf.starting.get() < settings.perRuntime()) {
            scheduleRefill(template, shelf);
        }
        int start = shelf.nextServer.getAndIncrement();
        for (int i = 0; i < servers.size(); i++) {
            ForkCells.Server server = servers.get(Math.floorMod(start + i, servers.size()));
            if (!server.alive()) {
                continue;
            }
            try {
                Optional<Sandbox> child = Optional.of(ForkCells.fork(server, wanted, settings.maxEntries()));
                forkFailures.set(0);
                return child;
            } catch (TreeLinks.NotMirrored e) {
                notMirrored(e, wanted);
                return Optional.empty();
            } catch (IOException | RuntimeException e) {
                LOG.debug("fork server {} did not start {}: {}", server.sandbox().id(), wanted.id(), e.toString());
                if (!server.alive()) {
                    ended(template, shelf, server);
                } else if (forkFailures.incrementAndGet() >= FORK_FAILURES_LIMIT) {
                    LOG.info("Python stem cells are single-use on this node: forks keep failing ({})", e.toString());
                    forksUnavailable = true;
                    shelf.forks = false;
                    shelf.servers.stream().filter(s -> s.children().get() == 0).forEach(s -> ended(template, shelf, s));
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Links are impossible on this node, or this code is too large to be worth linking: remembered. */
    private void notMirrored(TreeLinks.NotMirrored e, SandboxSpec wanted) {
        if (e.getCause() != null) {
            LOG.warn("stem cells turned off: cannot link function code into a cell ({})", e.getMessage());
            linksImpossible = true;
        } else {
            if (tooLarge.size() >= TOO_LARGE_REMEMBERED) {
                tooLarge.clear();
            }
            tooLarge.add(wanted.taskDir());
            wanted.optDir().ifPresent(tooLarge::add);
        }
    }

    /** A fork server that ended (its children with it) or broke: dropped, and replaced if still wanted. */
    private void ended(Template template, Shelf shelf, ForkCells.Server server) {
        if (shelf.servers.remove(server)) {
            alive.decrementAndGet();
            LOG.debug("fork server {} ended; replacing it", server.sandbox().id());
            try {
                blocking.execute(() -> ForkCells.close(server));
            } catch (RejectedExecutionException e) {
                ForkCells.close(server);
            }
            if (!closed && System.nanoTime() - shelf.lastWantedNanos < settings.retireAfter().toNanos()) {
                scheduleRefill(template, shelf);
            }
        }
    }

    /** Starts one fork server of {@code template}. Blocking; on the blocking executor. */
    private void growServer(Template template, Shelf shelf) {
        String id = "cell-" + UUID.randomUUID().toString().replace("-", "");
        Path root = cellsDir.resolve(id);
        try {
            Map<String, String> environment = new HashMap<>(template.startEnvironment());
            environment.put(CELL_VARIABLE, "1");
            Optional<ForkCells.Server> started = closed ? Optional.empty()
                    : ForkCells.start(launcher, template, id, root, environment);
            if (started.isEmpty()) {
                TreeLinks.delete(root);
                alive.decrementAndGet();
                return;
            }
            ForkCells.Server server = started.get();
            shelf.servers.add(server);
            // Its first fork should find a spare child too (one write instead of a fork, about 20 ms here):
            // made now with the last size wanted; a spare of another size is discarded and forked anew.
            int memoryMb = shelf.lastMemoryMb;
            if (memoryMb > 0) {
                server.fork().prepareWithCode(memoryMb, template.pidLimit(), template.tmpSizeMb());
            }
            server.sandbox().exit().whenComplete((status, error) -> ended(template, shelf, server));
            if (closed) {
                ended(template, shelf, server);
            }
        } catch (ForkCells.Unavailable e) {
            LOG.info("Python stem cells are single-use on this node: {}", e.getMessage());
            forksUnavailable = true;
            shelf.forks = false;
            TreeLinks.delete(root);
            alive.decrementAndGet();
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot start a fork server: {}", e.toString());
            TreeLinks.delete(root);
            alive.decrementAndGet();
        } finally {
            shelf.starting.decrementAndGet();
        }
    }

    /** The function's environment as the bootstrap reads it: {@code NAME=value} entries, each ended by NUL. */
    static byte[] instructions(Map<String, String> environment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        new TreeMap<>(environment).forEach((k, v) -> {
            out.writeBytes((k + "=" + v).getBytes(StandardCharsets.UTF_8));
            out.write(0);
        });
        return out.toByteArray();
    }

    private void scheduleRefill(Template template, Shelf shelf) {
        try {
            timer.schedule(() -> refill(template, shelf), REFILL_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile: no more cells.
        }
    }

    /** Starts cells until the shelf has its share, within the node-wide cap. Runs on the timer thread. */
    private void refill(Template template, Shelf shelf) {
        while (!closed && shelf.ready.size() + shelf.servers.size() + shelf.starting.get() < settings.perRuntime()) {
            int now = alive.get();
            if (now >= settings.maxCells() || !alive.compareAndSet(now, now + 1)) {
                if (now >= settings.maxCells()) {
                    return;
                }
                continue;
            }
            shelf.starting.incrementAndGet();
            try {
                if (shelf.forks) {
                    blocking.execute(() -> growServer(template, shelf));
                } else {
                    blocking.execute(() -> grow(template, shelf));
                }
            } catch (RejectedExecutionException e) {
                shelf.starting.decrementAndGet();
                alive.decrementAndGet();
                return;
            }
        }
    }

    /** Starts one cell of {@code template}. Blocking; on the blocking executor. */
    private void grow(Template template, Shelf shelf) {
        String id = "cell-" + UUID.randomUUID().toString().replace("-", "");
        Path root = cellsDir.resolve(id);
        try {
            Path task = Files.createDirectories(root.resolve("task"));
            Path opt = Files.createDirectories(root.resolve("opt"));
            Map<String, String> environment = new HashMap<>(template.startEnvironment());
            environment.put(CELL_VARIABLE, "1");
            SandboxSpec spec = new SandboxSpec(id, template.command(), environment, task, template.runtimeDir(),
                    Optional.of(opt), template.extraReadOnly(), template.tmpSizeMb(), StemCellSettings.CELL_MEMORY_MB,
                    template.pidLimit());
            Optional<StemSandbox> sandbox = closed ? Optional.empty() : launcher.launchStem(spec);
            if (sandbox.isEmpty()) {
                TreeLinks.delete(root);
                alive.decrementAndGet();
                return;
            }
            Cell started = new Cell(sandbox.get(), root, task, opt, new AtomicBoolean());
            // A cell that dies while it waits is dropped (and its place refilled by the next take).
            started.sandbox.exit().whenComplete((status, error) -> {
                if (claim(started)) {
                    shelf.ready.remove(started);
                    discard(started);
                }
            });
            shelf.ready.addLast(started);
            if (closed && claim(started)) {
                shelf.ready.remove(started);
                discard(started);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot start a stem cell: {}", e.toString());
            TreeLinks.delete(root);
            alive.decrementAndGet();
        } finally {
            shelf.starting.decrementAndGet();
        }
    }

    /**
     * Takes a cell out of the waiting ones, once: whoever claims it owns it (a cold start, its death, its
     * retirement). It then no longer counts against {@link StemCellSettings#maxCells}.
     */
    private boolean claim(Cell cell) {
        if (cell.claimed.compareAndSet(false, true)) {
            alive.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Kills a cell nobody will use and removes its directories. Blocking. */
    private void discard(Cell cell) {
        try {
            blocking.execute(() -> release(cell));
        } catch (RejectedExecutionException e) {
            release(cell);
        }
    }

    private static void release(Cell cell) {
        try {
            cell.sandbox.close();
        } finally {
            TreeLinks.delete(cell.root);
        }
    }

    /** Drops the cells of set-ups no cold start has wanted for {@link StemCellSettings#retireAfter}. */
    private void retireIdle() {
        long now = System.nanoTime();
        long limit = settings.retireAfter().toNanos();
        shelves.forEach((template, shelf) -> {
            if (now - shelf.lastWantedNanos < limit) {
                return;
            }
            for (Cell c; (c = shelf.ready.pollFirst()) != null; ) {
                if (claim(c)) {
                    discard(c);
                }
            }
            // A fork server goes once its last child has: closing it would kill them.
            shelf.servers.stream().filter(s -> s.children().get() == 0).forEach(s -> ended(template, shelf, s));
            // The shelf itself stays (a few fields per set-up ever seen): removing it could race a take that
            // just found it, whose refill would then fill a shelf nobody looks at.
        });
    }

    /** Cell directories of earlier nodes that are gone (the name starts with the node's pid). */
    private static void sweepStale(Path dir) {
        try (var entries = Files.list(dir)) {
            entries.filter(p -> {
                String name = p.getFileName().toString();
                int dash = name.indexOf('-');
                if (dash <= 0) {
                    return false;
                }
                try {
                    return ProcessHandle.of(Long.parseLong(name.substring(0, dash))).isEmpty();
                } catch (NumberFormatException e) {
                    return false;
                }
            }).forEach(TreeLinks::delete);
        } catch (IOException e) {
            // Nothing there yet.
        }
    }

    /** Waiting cells of every set-up; for tests and the start-up notice. */
    int waiting() {
        return shelves.values().stream().mapToInt(shelf -> shelf.ready.size() + shelf.servers.size()).sum();
    }

    /** Kills every waiting cell; cells already specialised belong to their environments. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        shelves.values().forEach(shelf -> {
            for (Cell c; (c = shelf.ready.pollFirst()) != null; ) {
                if (claim(c)) {
                    release(c);
                }
            }
            for (ForkCells.Server server : shelf.servers) {
                if (shelf.servers.remove(server)) {
                    alive.decrementAndGet();
                    ForkCells.close(server);
                }
            }
        });
        try {
            Files.deleteIfExists(cellsDir);
        } catch (IOException e) {
            // Specialised cells still hold their directories there; the next start sweeps what remains.
        }
    }
}
