package dev.hearth.sandbox;

import dev.hearth.os.Linux;
import dev.hearth.os.Poller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one {@link SandboxLauncher}: creates the sandbox's cgroup, starts the {@link CommandPlan}'s process
 * inside it (joined before exec, see {@link Cgroup#joinThenExec}), and keeps the live sandboxes so that
 * {@link #close} can kill them. Whether that is bubblewrap or a plain process is the plan's business.
 *
 * <p>Where {@link Linux#nativeProcesses} allows it, the launcher owns one {@link Poller} (one thread for
 * the whole node) that watches every sandbox's output pipes and exit; otherwise sandboxes are the JDK's
 * processes. Chosen once, when the launcher is built.
 *
 * <p>Threading: thread-safe; {@link #launch} blocks for cgroup setup and fork/exec (a few ms) and is
 * called from virtual threads.
 */
final class ProcessLauncher implements SandboxLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);

    private final CommandPlan plan;
    private final Cgroups cgroups;
    private final Isolation isolation;
    private final int cores;
    private final Duration initBoost;
    /** Decided in the background: binding the C library costs a few hundred ms that node start-up need not wait for. */
    private final CompletableFuture<Optional<Poller>> poller;
    private final Spawner spawner;
    /** Settles start-up CPU allowances and makes the spare cgroups: short tasks, off every launch's path. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hearth-cgroups");
        t.setDaemon(true);
        return t;
    });
    /** Cgroups made ahead for plain launches ({@link #launch}); stem cells and fork children make their own. */
    private final CgroupSpares spares;
    private final Set<ProcessSandbox> live = ConcurrentHashMap.newKeySet();
    private final Optional<Thread> shutdownHook;
    private volatile boolean closed;

    ProcessLauncher(CommandPlan plan, Cgroups cgroups, Isolation isolation, int cores) {
        this(plan, cgroups, isolation, cores, ResourceLimits.INIT_BOOST);
    }

    /** @param initBoost how long a new sandbox may use the whole machine's CPU ({@link ResourceLimits}) */
    ProcessLauncher(CommandPlan plan, Cgroups cgroups, Isolation isolation, int cores, Duration initBoost) {
        this(plan, cgroups, isolation, cores, initBoost, Linux::nativeProcesses);
    }

    /**
     * @param nativeProcesses whether to spawn natively (only where {@link Linux#nativeProcesses} says yes);
     *                        asked once, on a virtual thread, before the first launch
     */
    ProcessLauncher(CommandPlan plan, Cgroups cgroups, Isolation isolation, int cores, Duration initBoost,
                    BooleanSupplier nativeProcesses) {
        this.poller = CompletableFuture.supplyAsync(
                () -> nativeProcesses.getAsBoolean() ? startPoller() : Optional.<Poller>empty(),
                Thread::startVirtualThread);
        this.spawner = new Spawner(poller::join);
        this.initBoost = initBoost;
        this.plan = plan;
        this.cgroups = cgroups;
        this.spares = new CgroupSpares(cgroups, timer, this::startWaiting);
        this.isolation = isolation;
        this.cores = cores;
        // Nothing in the kernel ties a plain process tree to the node: kill it on the way out, at least on
        // an orderly JVM exit.
        this.shutdownHook = plan.diesWithNode() ? Optional.empty()
                : Optional.of(new Thread(() -> live.forEach(ProcessSandbox::kill), "hearth-sandbox-reaper"));
        shutdownHook.ifPresent(Runtime.getRuntime()::addShutdownHook);
    }

    private static Optional<Poller> startPoller() {
        try {
            return Optional.of(Poller.start("hearth-sandbox-poller"));
        } catch (IOException e) {
            LOG.warn("Cannot start the sandbox poller, using the JDK's processes instead: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether sandboxes are spawned natively and watched by the poller (not the JDK's processes). */
    boolean nativeProcesses() {
        return poller.join().isPresent();
    }

    @Override
    public Sandbox launch(SandboxSpec spec) throws IOException {
        return start(spec, () -> plan.processFor(spec), () -> true, true);
    }

    /**
     * A {@link WaitingLaunch} in a new spare cgroup, where the plan is bubblewrap's (which reads its options
     * from a descriptor); started by the spawner's threads, as every sandbox, so that bubblewrap's
     * parent-death signal is tied to a thread that lives as long as the launcher.
     */
    private Optional<TopProcess> startWaiting(Cgroup cgroup) {
        if (closed || !(plan instanceof BwrapCommand bwrap)) {
            return Optional.empty();
        }
        try {
            return Optional.of(spawner.start(bwrap.waitingProcess(cgroup.procsFiles())));
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot start a waiting launch; launches start their own: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A stem cell: the same process, cgroup and limits as {@link #launch}, with a pipe for standard input.
     * Its start-up allowance is settled only while the cell still has the limits it was launched with; once
     * specialised, its own allowance and settling take over ({@link ProcessStemSandbox}). Only inside
     * bubblewrap: a plain process sees host paths, which a cell could not swap under a running process.
     */
    @Override
    public Optional<StemSandbox> launchStem(SandboxSpec spec) throws IOException {
        if (!isolation.bubblewrap()) {
            return Optional.empty();
        }
        ProcessBuilder builder = plan.processFor(spec).redirectInput(ProcessBuilder.Redirect.PIPE);
        AtomicReference<ProcessStemSandbox> stem = new AtomicReference<>();
        ProcessSandbox sandbox = start(spec, () -> builder, () -> stem.get() == null || !stem.get().specialised(), false);
        stem.set(new ProcessStemSandbox(sandbox, spec.pidLimit(), cores, plan.ownedTasks(), this::settleLater));
        return Optional.of(stem.get());
    }

    /**
     * Only inside bubblewrap, where the server and its children have a pid namespace and a {@code /tmp} of
     * their own. Each child gets a cgroup with the limits a launched sandbox of its size would have
     * (no tasks of the launcher's own in it), settled after the same start-up allowance.
     */
    @Override
    public Optional<ForkServer> attachForkServer(Sandbox sandbox) throws IOException {
        if (!isolation.bubblewrap()) {
            return Optional.empty();
        }
        return Optional.of(UnixForkServer.attach(sandbox, new UnixForkServer.ChildCgroups() {
            @Override
            public Optional<Cgroup> create(String id, int memoryMb, int memoryLimitMb, int pidLimit) throws IOException {
                if (closed) {
                    throw new IOException("sandbox launcher is closed");
                }
                // CPU follows the memory size; the limit may be lower (a SnapStart child's snapshot is the rest).
                ResourceLimits sized = ResourceLimits.of(memoryMb, pidLimit, cores, 0);
                return cgroups.create(id, new ResourceLimits(memoryLimitMb * 1024L * 1024L, sized.cpuQuotaMicros(),
                        sized.initCpuQuotaMicros(), sized.cpuPeriodMicros(), sized.pids()));
            }

            @Override
            public void started(Cgroup cgroup, int memoryMb, int pidLimit) {
                ResourceLimits limits = ResourceLimits.of(memoryMb, pidLimit, cores, 0);
                try {
                    timer.schedule(() -> cgroup.settleCpu(limits), initBoost.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // The launcher is closing: the child is about to be killed anyway.
                }
            }
        }, poller.join()));
    }

    /**
     * @param spare whether the cgroup may be a spare made ahead ({@link CgroupSpares}), with the next one made
     *              after the spawn: for plain launches, which a cold start waits for; a stem cell is launched
     *              ahead of any invoke and would only take the spare a cold start needs
     */
    private ProcessSandbox start(SandboxSpec spec, Supplier<ProcessBuilder> command, BooleanSupplier settleLaunchLimits,
                                 boolean spare) throws IOException {
        if (closed) {
            throw new IllegalStateException("sandbox launcher is closed");
        }
        ResourceLimits limits = ResourceLimits.of(spec, cores, plan.ownedTasks());
        Optional<byte[]> feed = spare && plan instanceof BwrapCommand bwrap ? bwrap.feed(spec) : Optional.empty();
        CgroupSpares.Taken taken = spare ? spares.take(spec.id(), limits, feed.isPresent())
                : new CgroupSpares.Taken(cgroups.create(spec.id(), limits), Optional.empty());
        Optional<Cgroup> cgroup = taken.cgroup();
        Optional<TopProcess> waiting = taken.waiting();
        if (waiting.isPresent() && !fed(waiting.get(), feed.orElseThrow())) {
            // It died meanwhile: start this launch the ordinary way, in a cgroup of its own.
            cgroup.ifPresent(Cgroup::remove);
            cgroup = cgroups.create(spec.id(), limits);
            waiting = Optional.empty();
        }
        TopProcess process;
        try {
            if (waiting.isPresent()) {
                process = waiting.get();
            } else {
                ProcessBuilder builder = command.get();
                cgroup.ifPresent(c -> builder.command(Cgroup.joinThenExec(c.procsFiles(), List.copyOf(builder.command()))));
                process = spawner.start(builder);
            }
        } catch (IOException | RuntimeException e) {
            cgroup.ifPresent(Cgroup::remove);
            throw e;
        }
        if (spare && cgroup.isPresent()) {
            spares.replenish(limits);
        }
        ProcessSandbox sandbox = new ProcessSandbox(spec.id(), process, cgroup, live::remove);
        live.add(sandbox);
        try {
            if (closed) {
                throw new RejectedExecutionException();
            }
            settleLater(sandbox, limits, settleLaunchLimits);
        } catch (RejectedExecutionException e) {
            // close() ran while this one was starting and could not see it.
            sandbox.close();
            throw new IllegalStateException("sandbox launcher is closed");
        }
        return sandbox;
    }

    /**
     * Writes the launch down the waiting process's standard input and closes it: the process becomes the
     * sandbox. False if it cannot be fed (it died meanwhile); it is then killed and released.
     */
    private static boolean fed(TopProcess waiting, byte[] feed) {
        try (var in = waiting.stdin()) {
            in.write(feed);
            return true;
        } catch (IOException e) {
            LOG.debug("A waiting launch could not be fed; starting the sandbox anew: {}", e.getMessage());
            waiting.kill();
            waiting.exitValue().whenComplete((value, failure) -> waiting.release());
            return false;
        }
    }

    /**
     * Lowers the sandbox's CPU from the start-up allowance to its share after {@link #initBoost}, if it is
     * still live (by identity, so a later sandbox reusing the id is not throttled early) and
     * {@code stillWanted} says these limits are still the sandbox's.
     */
    private void settleLater(ProcessSandbox sandbox, ResourceLimits limits, BooleanSupplier stillWanted) {
        sandbox.cgroup().ifPresent(c -> timer.schedule(() -> {
            if (live.contains(sandbox) && stillWanted.getAsBoolean()) {
                c.settleCpu(limits);
            }
        }, initBoost.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public Isolation isolation() {
        return isolation;
    }

    @Override
    public void close() {
        closed = true;
        // Kill all first, so that closing them one by one waits for nothing but the kernel.
        live.forEach(ProcessSandbox::kill);
        live.forEach(ProcessSandbox::close);
        // A spare being made must be done (and then removed) before the node's subtree can be.
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spares.close();
        cgroups.close();
        spawner.close();
        poller.join().ifPresent(Poller::close);
        shutdownHook.ifPresent(hook -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook is running or has run.
            }
        });
    }
}
