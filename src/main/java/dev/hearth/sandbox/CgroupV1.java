package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * cgroup v1: one hierarchy per controller. The node's subtree is {@code <controller mount>/hearth/<node>}
 * in each of {@code memory} (required), {@code cpu} and {@code pids} (each optional, with advice when
 * missing), and a sandbox gets {@code …/<node>/<sandbox id>} in each.
 *
 * <p>Why at the hierarchy root and not under the node's own cgroup: v1 has no delegation model (systemd
 * only manages its named hierarchy there), and this is where other cgroupfs users such as Docker's
 * cgroupfs driver put theirs, so operators know to look for it.
 *
 * <p>Threading: thread-safe (no mutable state; the kernel serialises cgroupfs).
 */
final class CgroupV1 implements Cgroups {

    /** The kernel's CFS period for a new v1 cgroup (not inherited from its parent): no need to write it. */
    private static final long KERNEL_DEFAULT_PERIOD_MICROS = 100_000;


    private final Map<String, Path> nodeDirs;
    private final List<String> advice;
    /**
     * Whether this kernel offers {@code memory.memsw.*} (swap accounting) and {@code memory.swappiness}: a
     * property of the kernel and its boot flags, the same in every memory cgroup, so it is looked up once in
     * the node's own cgroup rather than with a {@code stat} per sandbox.
     */
    private final boolean memsw;
    private final boolean swappiness;

    private CgroupV1(Map<String, Path> nodeDirs, List<String> advice) {
        this.nodeDirs = Map.copyOf(nodeDirs);
        this.advice = List.copyOf(advice);
        Path memory = nodeDirs.get("memory");
        this.memsw = memory != null && Files.exists(memory.resolve("memory.memsw.limit_in_bytes"));
        this.swappiness = memory != null && Files.exists(memory.resolve("memory.swappiness"));
    }

    static CgroupV1 open(Map<String, Path> mounts, String nodeTag) throws IOException {
        Map<String, Path> dirs = new LinkedHashMap<>();
        List<String> advice = new ArrayList<>();
        for (String controller : List.of("memory", "cpu", "pids")) {
            Path mount = mounts.get(controller);
            if (mount == null) {
                advice.add(missing(controller));
                continue;
            }
            try {
                Path parent = Files.createDirectories(mount.resolve("hearth"));
                CgroupFiles.sweepStaleNodes(parent);
                dirs.put(controller, Files.createDirectory(parent.resolve(nodeTag)));
            } catch (IOException e) {
                if (controller.equals("memory")) {
                    throw new IOException("cannot create a cgroup under " + mount + ": " + e, e);
                }
                advice.add(missing(controller) + " (" + e + ")");
            }
        }
        return new CgroupV1(dirs, advice);
    }

    static String missing(String controller) {
        return "cgroup v1 " + controller + " controller not usable: functions run without "
                + (controller.equals("cpu") ? "a CPU limit" : "a pid limit");
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    public List<String> advice() {
        return advice;
    }

    @Override
    public Optional<Cgroup> create(String id, ResourceLimits limits) throws IOException {
        Map<String, Path> dirs = new LinkedHashMap<>();
        try {
            for (var node : nodeDirs.entrySet()) {
                dirs.put(node.getKey(), Files.createDirectory(node.getValue().resolve(id)));
            }
            Path memory = dirs.get("memory");
            CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
            if (memsw) {
                // memory+swap capped at the same figure: swap cannot stretch the limit or hide an OOM.
                CgroupFiles.write(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(limits.memoryBytes()));
            } else if (swappiness) {
                // Without swap accounting the next best thing is not to swap this cgroup's pages at all.
                CgroupFiles.write(memory.resolve("memory.swappiness"), "0");
            }
            if (dirs.containsKey("cpu")) {
                if (limits.cpuPeriodMicros() != KERNEL_DEFAULT_PERIOD_MICROS) {
                    CgroupFiles.write(dirs.get("cpu").resolve("cpu.cfs_period_us"), Long.toString(limits.cpuPeriodMicros()));
                }
                if (CgroupFiles.throttlesInit(limits, CgroupFiles.ONLINE_CPUS)) {
                    CgroupFiles.write(dirs.get("cpu").resolve("cpu.cfs_quota_us"), Long.toString(limits.initCpuQuotaMicros()));
                }
            }
            if (dirs.containsKey("pids")) {
                CgroupFiles.write(dirs.get("pids").resolve("pids.max"), Integer.toString(limits.pids()));
            }
            return Optional.of(new Group(dirs, dirs.values().stream().map(d -> d.resolve("cgroup.procs")).toList(),
                    new CgroupCounter(memory.resolve("memory.max_usage_in_bytes"))));
        } catch (IOException e) {
            dirs.values().forEach(CgroupFiles::removeDir);
            throw new IOException("cannot create cgroup " + id + ": " + e, e);
        }
    }

    @Override
    public void close() {
        nodeDirs.values().forEach(CgroupFiles::removeDir);
    }

    /**
     * One sandbox's directories, by controller (memory is always there), their {@code cgroup.procs}, and its
     * peak memory counter, kept open for the REPORT line of every invocation.
     */
    private record Group(Map<String, Path> dirs, List<Path> procsFiles, CgroupCounter peak) implements Cgroup {

        @Override
        public OptionalLong peakMemoryBytes() {
            return peak.read();
        }

        @Override
        public boolean oomKilled() {
            Path memory = dirs.get("memory");
            OptionalLong kills = CgroupFiles.readKey(memory.resolve("memory.oom_control"), "oom_kill");
            if (kills.isPresent()) {
                return kills.getAsLong() > 0;
            }
            // Kernels before 4.13 do not count OOM kills; hitting the limit is the closest evidence.
            return CgroupFiles.readLong(memory.resolve("memory.failcnt")).orElse(0) > 0;
        }

        @Override
        public void settleCpu(ResourceLimits limits) {
            Path cpu = dirs.get("cpu");
            if (cpu != null) {
                try {
                    CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaMicros()));
                } catch (IOException e) {
                    // Removed meanwhile: nothing left to throttle.
                }
            }
        }

        /**
         * v1 keeps {@code memory.limit_in_bytes <= memory.memsw.limit_in_bytes} at every write, so the pair is
         * written in the order that holds it: the combined limit first when growing, last when shrinking.
         */
        @Override
        public void resize(ResourceLimits limits) throws IOException {
            Path memory = dirs.get("memory");
            Path limit = memory.resolve("memory.limit_in_bytes");
            Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
            String bytes = Long.toString(limits.memoryBytes());
            if (Files.exists(memsw)) {
                boolean growing = limits.memoryBytes() >= CgroupFiles.readLong(limit).orElse(Long.MAX_VALUE);
                CgroupFiles.write(growing ? memsw : limit, bytes);
                CgroupFiles.write(growing ? limit : memsw, bytes);
            } else {
                CgroupFiles.write(limit, bytes);
            }
            Path cpu = dirs.get("cpu");
            if (cpu != null) {
                CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.initCpuQuotaMicros()));
            }
            Path pids = dirs.get("pids");
            if (pids != null) {
                CgroupFiles.write(pids.resolve("pids.max"), Integer.toString(limits.pids()));
            }
        }

        @Override
        public void killAll() {
            procsFiles().forEach(CgroupFiles::killAll);
        }

        @Override
        public void remove() {
            killAll();
            peak.close();
            dirs.values().forEach(CgroupFiles::removeDir);
        }
    }
}
