package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The node's own cgroup subtree, in which each sandbox gets a cgroup with its limits
 * ({@link ResourceLimits}). Implementations: {@link CgroupV2}, {@link CgroupV1}, {@link NoCgroups}.
 *
 * <p>Each node owns a subtree named {@code node-<pid>-<random>}, so two nodes (or two test launchers in
 * one JVM) never collide on a sandbox id, and a later node can tell a dead node's leftovers from a live
 * node's cgroups and sweep them.
 *
 * <p>Threading: thread-safe; {@link #create} and {@link #close} block briefly on cgroupfs.
 */
interface Cgroups extends AutoCloseable {

    /** "v2", "v1" or "none", as {@link Isolation#cgroups} reports it. */
    String version();

    /** What this machine's cgroups cannot do for us, one line each. */
    List<String> advice();

    /** Creates the sandbox's cgroup with its limits; empty when there are no cgroups to use. */
    Optional<Cgroup> create(String id, ResourceLimits limits) throws IOException;

    /** Removes the node's subtree; sandboxes must have been closed first. Best effort. */
    @Override
    void close();

    /** Sets the node's subtree up. Never throws: a failure yields {@link NoCgroups} with the reason. */
    static Cgroups open(CgroupMounts mounts, String nodeTag) {
        try {
            if (mounts.unified().filter(CgroupV2::offersMemory).isPresent()) {
                return CgroupV2.open(mounts.unified().orElseThrow(), mounts.ownUnified(), nodeTag);
            }
            if (mounts.v1().containsKey("memory")) {
                return CgroupV1.open(mounts.v1(), nodeTag);
            }
            return new NoCgroups(List.of(unavailable("no cgroup memory controller is mounted")));
        } catch (IOException | RuntimeException e) {
            return new NoCgroups(List.of(unavailable(String.valueOf(e.getMessage()))));
        }
    }

    /**
     * What {@link #open} would most likely find, without creating anything: for {@code hearth doctor},
     * which must not leave traces behind.
     */
    static Support probe(CgroupMounts mounts) {
        if (mounts.unified().filter(CgroupV2::offersMemory).isPresent()) {
            var unified = mounts.unified().orElseThrow();
            var own = unified.resolve(mounts.ownUnified().replaceFirst("^/+", ""));
            if (Files.isWritable(unified.resolve("cgroup.subtree_control")) || Files.isWritable(own)) {
                return new Support("v2", List.of());
            }
            return new Support("none", List.of(unavailable("cgroup v2 is not writable by this user; run the"
                    + " node as root or under systemd with Delegate=yes")));
        }
        var memory = mounts.v1().get("memory");
        if (memory != null) {
            if (!Files.isWritable(memory)) {
                return new Support("none", List.of(unavailable("cgroup v1 " + memory
                        + " is not writable by this user; run the node as root")));
            }
            List<String> advice = new ArrayList<>();
            for (String c : List.of("cpu", "pids")) {
                var dir = mounts.v1().get(c);
                if (dir == null || !Files.isWritable(dir)) {
                    advice.add(CgroupV1.missing(c));
                }
            }
            return new Support("v1", advice);
        }
        return new Support("none", List.of(unavailable("no cgroup memory controller is mounted")));
    }

    /** The outcome of {@link #probe}. */
    record Support(String version, List<String> advice) {
        public Support {
            advice = List.copyOf(advice);
        }
    }

    static String unavailable(String reason) {
        return "cgroups unavailable (" + reason + "): functions run without memory, CPU or pid limits and"
                + " REPORT lines show no real Max Memory Used; run the node as root on a machine with the cgroup"
                + " memory controller (v1 or v2)";
    }
}
