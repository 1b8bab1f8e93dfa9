package dev.hearth.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One sandbox's cgroup (one directory per v1 controller, or one v2 directory) holding its limits.
 *
 * <p>Threading: every method may be called from any thread; the files it reads are the kernel's.
 */
interface Cgroup {

    /** The {@code cgroup.procs} files a process writes its pid to in order to join. */
    List<Path> procsFiles();

    /** The processes in the cgroup now: the sandbox's whole tree, and nothing else. */
    default List<Long> pids() {
        return CgroupFiles.pids(procsFiles().getFirst());
    }

    /** Peak memory of the whole tree since creation, when the kernel reports it. */
    OptionalLong peakMemoryBytes();

    /** Whether the kernel's OOM killer has killed anything in this cgroup. */
    boolean oomKilled();

    /**
     * Lowers the CPU quota from the start-up allowance to the sandbox's share
     * ({@link ResourceLimits#cpuQuotaMicros}). A no-op without a CPU controller or once removed.
     */
    void settleCpu(ResourceLimits limits);

    /**
     * Moves the cgroup to new limits while its processes run: the memory limit (a stem cell taking on a
     * function's MemorySize) and the CPU start-up allowance again, which {@link #settleCpu} later lowers.
     * Fails if the new memory limit is below what the processes already use.
     */
    void resize(ResourceLimits limits) throws java.io.IOException;

    /** SIGKILLs every process in the cgroup. */
    void killAll();

    /** Kills what is left and removes the cgroup's directories. Best effort; idempotent. */
    void remove();

    /**
     * Prefixes {@code argv} with a tiny shell that joins the cgroup and then {@code exec}s it. The process
     * is inside before it runs a single instruction of the sandbox, so no child can be forked outside
     * the limits (writing the pid from Java after start would race with the first fork), and {@code exec}
     * keeps the pid, so the wrapper costs one shell start and no extra process. The paths go in as
     * arguments, never spliced into the script, so no quoting is involved. A failed join exits 125
     * before the sandbox starts: an unlimited sandbox must not run by accident.
     */
    static List<String> joinThenExec(List<Path> procsFiles, List<String> argv) {
        List<String> wrapped = new ArrayList<>();
        wrapped.add("/bin/sh");
        wrapped.add("-c");
        wrapped.add("while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"");
        wrapped.add("hearth-join");
        procsFiles.forEach(p -> wrapped.add(p.toString()));
        wrapped.add("--");
        wrapped.addAll(argv);
        return wrapped;
    }
}
