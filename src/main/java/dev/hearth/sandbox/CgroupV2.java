package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * cgroup v2: one unified hierarchy. Controllers reach a cgroup only when every ancestor lists them in
 * {@code cgroup.subtree_control}, and a cgroup that holds processes may not enable any for its children
 * (the "no internal processes" rule), so where the node's subtree can live is tried in this order:
 * <ol>
 *   <li>{@code <root>/hearth/<node>}: the root cgroup is exempt from that rule, so this works whenever
 *       the node may write to the root (as root), wherever the node itself sits.</li>
 *   <li>The node's own, delegated cgroup (systemd {@code Delegate=yes}, rootless): the node first moves
 *       itself into a leaf {@code hearth-node} so its own cgroup holds no processes, then enables the
 *       controllers there and puts the subtree beside that leaf. This fails, with advice, if anything
 *       else shares the node's cgroup.</li>
 * </ol>
 * {@code memory} is required; {@code cpu} and {@code pids} are each used when they can be enabled.
 *
 * <p>Threading: thread-safe (no mutable state; the kernel serialises cgroupfs).
 */
final class CgroupV2 implements Cgroups {

    static final String NODE_LEAF = "hearth-node";
    private static final List<String> WANTED = List.of("memory", "cpu", "pids");

    /**
     * Creates one cgroup directory (the kernel fills it with its control files). A seam so that tests can
     * play the kernel's part on an ordinary directory: this machine's tests may have no v2 controllers.
     */
    @FunctionalInterface
    interface Mkdir {
        void mkdir(Path dir) throws IOException;
    }

    private final Mkdir mkdir;
    private final Path nodeDir;
    private final Set<String> controllers;
    private final List<String> advice;
    private final long onlineCpus;

    private CgroupV2(Mkdir mkdir, Path nodeDir, Set<String> controllers, List<String> advice, long onlineCpus) {
        this.mkdir = mkdir;
        this.onlineCpus = onlineCpus;
        this.nodeDir = nodeDir;
        this.controllers = Set.copyOf(controllers);
        this.advice = List.copyOf(advice);
    }

    static boolean offersMemory(Path cgroupDir) {
        return controllersOf(cgroupDir).contains("memory");
    }

    static CgroupV2 open(Path root, String ownPath, String nodeTag) throws IOException {
        return open(root, ownPath, nodeTag, Files::createDirectory, CgroupFiles.ONLINE_CPUS);
    }

    /** @param onlineCpus the machine's online CPUs: a start-up allowance of all of them is not written */
    static CgroupV2 open(Path root, String ownPath, String nodeTag, Mkdir mkdir, long onlineCpus) throws IOException {
        try {
            return openUnder(mkdir, root, root.resolve("hearth"), nodeTag, onlineCpus);
        } catch (IOException atRoot) {
            String own = ownPath.replaceFirst("^/+", "");
            if (own.endsWith(NODE_LEAF)) {
                // An earlier launcher in this process already moved it into the leaf.
                own = own.substring(0, own.length() - NODE_LEAF.length()).replaceFirst("/+$", "");
            }
            if (own.isEmpty()) {
                throw atRoot;
            }
            Path ownDir = root.resolve(own);
            try {
                Path leaf = ownDir.resolve(NODE_LEAF);
                ensureDir(mkdir, leaf);
                CgroupFiles.write(leaf.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
                return openUnder(mkdir, ownDir, ownDir.resolve("hearth"), nodeTag, onlineCpus);
            } catch (IOException delegated) {
                IOException e = new IOException("cgroup v2: neither " + root + " nor this process's cgroup " + ownDir
                        + " can be used (" + delegated.getMessage() + "); run the node as root or under systemd with"
                        + " Delegate=yes", delegated);
                e.addSuppressed(atRoot);
                throw e;
            }
        }
    }

    /** Enables the controllers down {@code top → parent → parent/node} and creates the latter two. */
    private static CgroupV2 openUnder(Mkdir mkdir, Path top, Path parent, String nodeTag, long onlineCpus)
            throws IOException {
        List<String> advice = new ArrayList<>();
        Set<String> enabled = enable(top, new LinkedHashSet<>(WANTED), advice);
        ensureDir(mkdir, parent);
        enabled = enable(parent, enabled, advice);
        CgroupFiles.sweepStaleNodes(parent);
        Path node = parent.resolve(nodeTag);
        mkdir.mkdir(node);
        enabled = enable(node, enabled, advice);
        return new CgroupV2(mkdir, node, enabled, advice, onlineCpus);
    }

    private static void ensureDir(Mkdir mkdir, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                mkdir.mkdir(dir);
            } catch (FileAlreadyExistsException e) {
                // Another node created it in the meantime: just as good.
            }
        }
    }

    /** Enables each wanted controller the cgroup offers for its children; memory or nothing. */
    private static Set<String> enable(Path dir, Set<String> wanted, List<String> advice) throws IOException {
        Set<String> offered = controllersOf(dir);
        Set<String> enabled = new LinkedHashSet<>();
        for (String controller : wanted) {
            try {
                if (!offered.contains(controller)) {
                    throw new IOException(controller + " not in " + dir.resolve("cgroup.controllers"));
                }
                CgroupFiles.write(dir.resolve("cgroup.subtree_control"), "+" + controller);
                enabled.add(controller);
            } catch (IOException e) {
                if (controller.equals("memory")) {
                    throw new IOException("cannot enable memory in " + dir.resolve("cgroup.subtree_control") + ": " + e, e);
                }
                advice.add("cgroup v2 " + controller + " controller not usable (" + e.getMessage()
                        + "): functions run without " + (controller.equals("cpu") ? "a CPU limit" : "a pid limit"));
            }
        }
        return enabled;
    }

    private static Set<String> controllersOf(Path dir) {
        try {
            String text = Files.readString(dir.resolve("cgroup.controllers"), StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(text.split("\\s+")));
        } catch (IOException e) {
            return Set.of();
        }
    }

    @Override
    public String version() {
        return "v2";
    }

    @Override
    public List<String> advice() {
        return advice;
    }

    @Override
    public Optional<Cgroup> create(String id, ResourceLimits limits) throws IOException {
        Path dir = nodeDir.resolve(id);
        mkdir.mkdir(dir);
        try {
            CgroupFiles.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
            CgroupFiles.writeIfPresent(dir.resolve("memory.swap.max"), "0");
            // Lambda replaces the whole environment on OOM; killing the whole group makes that observable
            // here too, instead of a runtime limping on after losing one child.
            CgroupFiles.writeIfPresent(dir.resolve("memory.oom.group"), "1");
            if (controllers.contains("cpu") && CgroupFiles.throttlesInit(limits, onlineCpus)) {
                CgroupFiles.write(dir.resolve("cpu.max"), limits.initCpuQuotaMicros() + " " + limits.cpuPeriodMicros());
            }
            if (controllers.contains("pids")) {
                CgroupFiles.write(dir.resolve("pids.max"), Integer.toString(limits.pids()));
            }
            return Optional.of(new Group(dir, controllers.contains("cpu"), new CgroupCounter(dir.resolve("memory.peak"))));
        } catch (IOException e) {
            CgroupFiles.removeDir(dir);
            throw new IOException("cannot set limits on cgroup " + dir + ": " + e, e);
        }
    }

    @Override
    public void close() {
        CgroupFiles.removeDir(nodeDir);
    }

    /** One sandbox's cgroup, and its peak memory counter, kept open for the REPORT line of every invocation. */
    private record Group(Path dir, boolean cpu, CgroupCounter peak) implements Cgroup {

        @Override
        public List<Path> procsFiles() {
            return List.of(dir.resolve("cgroup.procs"));
        }

        @Override
        public OptionalLong peakMemoryBytes() {
            // memory.peak arrived in Linux 5.19; older kernels have no peak for a v2 cgroup.
            return peak.read();
        }

        @Override
        public boolean oomKilled() {
            return CgroupFiles.readKey(dir.resolve("memory.events"), "oom_kill").orElse(0) > 0;
        }

        @Override
        public void settleCpu(ResourceLimits limits) {
            if (cpu) {
                try {
                    CgroupFiles.write(dir.resolve("cpu.max"), limits.cpuQuotaMicros() + " " + limits.cpuPeriodMicros());
                } catch (IOException e) {
                    // Removed meanwhile: nothing left to throttle.
                }
            }
        }

        @Override
        public void resize(ResourceLimits limits) throws IOException {
            CgroupFiles.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
            if (cpu) {
                CgroupFiles.write(dir.resolve("cpu.max"), limits.initCpuQuotaMicros() + " " + limits.cpuPeriodMicros());
            }
            CgroupFiles.writeIfPresent(dir.resolve("pids.max"), Integer.toString(limits.pids()));
        }

        @Override
        public void killAll() {
            // cgroup.kill (5.14+) kills the whole tree atomically, forks included.
            Path kill = dir.resolve("cgroup.kill");
            try {
                if (Files.exists(kill)) {
                    CgroupFiles.write(kill, "1");
                    return;
                }
            } catch (IOException e) {
                // Fall back to killing pid by pid.
            }
            CgroupFiles.killAll(dir.resolve("cgroup.procs"));
        }

        @Override
        public void remove() {
            killAll();
            peak.close();
            CgroupFiles.removeDir(dir);
        }
    }
}
