package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Small blocking helpers over cgroupfs files, shared by the v1 and v2 layouts.
 *
 * <p>Threading: stateless; called from virtual threads and the process reaper.
 */
final class CgroupFiles {

    /** A node's subtree: {@code node-<pid>-<random hex>}. */
    static final Pattern NODE_DIR = Pattern.compile("node-(\\d+)-[0-9a-f]+");

    private CgroupFiles() {
    }

    /** The machine's online CPUs (a large figure when unknown, so that every quota is written). */
    static final long ONLINE_CPUS = onlineCpus(Path.of("/sys/devices/system/cpu/online"));

    /** How many CPUs a list such as {@code 0-3,6,8-9} names; {@code Integer.MAX_VALUE} if it cannot be read. */
    static long onlineCpus(Path list) {
        try {
            long count = 0;
            for (String range : Files.readString(list, StandardCharsets.US_ASCII).trim().split(",")) {
                int dash = range.indexOf('-');
                count += dash < 0 ? 1 : Long.parseLong(range.substring(dash + 1)) - Long.parseLong(range.substring(0, dash)) + 1;
            }
            return count > 0 ? count : Integer.MAX_VALUE;
        } catch (IOException | RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    /**
     * Whether a sandbox's start-up CPU allowance throttles anything on a machine with this many CPUs. A new
     * cgroup has no quota (v1 {@code -1}, v2 {@code max}), and an allowance of every online CPU throttles no
     * more than that, so it need not be written: one cgroupfs open/write/close fewer per sandbox and fork.
     * The settled share is written after the allowance as always.
     */
    static boolean throttlesInit(ResourceLimits limits, long onlineCpus) {
        return limits.initCpuQuotaMicros() < onlineCpus * limits.cpuPeriodMicros();
    }

    /**
     * Writes one value as a single {@code write(2)}: cgroupfs acts on each write call, and a value split
     * over two calls would be two (invalid) values.
     */
    static void write(Path file, String value) throws IOException {
        Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Writes the value if the kernel offers the file (optional knobs such as {@code memory.swap.max}). */
    static void writeIfPresent(Path file, String value) throws IOException {
        if (Files.exists(file)) {
            write(file, value);
        }
    }

    static OptionalLong readLong(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() || text.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Reads {@code key value} lines ({@code memory.events}, {@code memory.oom_control}) for one key. */
    static OptionalLong readKey(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals(key)) {
                    return OptionalLong.of(Long.parseLong(parts[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Absent on this kernel, or the cgroup is already gone: nothing to report.
        }
        return OptionalLong.empty();
    }

    /** The pids in a {@code cgroup.procs} file (one per line), read in one go. */
    static List<Long> pids(Path procsFile) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(procsFile);
        } catch (IOException e) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        long pid = -1;
        for (byte b : bytes) {
            if (b >= '0' && b <= '9') {
                pid = (pid < 0 ? 0 : pid * 10) + (b - '0');
            } else if (pid >= 0) {
                pids.add(pid);
                pid = -1;
            }
        }
        if (pid >= 0) {
            pids.add(pid);
        }
        return pids;
    }

    /**
     * SIGKILLs everything listed in {@code procsFile} until it is empty. Reading and killing race with
     * forks, so it goes round again; a fork bomb is bounded by the pid limit, so a few rounds suffice.
     */
    static void killAll(Path procsFile) {
        for (int round = 0; round < 20; round++) {
            List<Long> pids = pids(procsFile);
            if (pids.isEmpty()) {
                return;
            }
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            // A killed task stays listed until it has run its exit, which on busy cores takes a moment:
            // re-reading at once only spins (each round a file read and a kill of the same pids).
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
        }
    }

    /**
     * Removes a cgroup directory. A killed task leaves its cgroup only once the kernel has torn it down,
     * a moment after SIGKILL, and {@code rmdir} fails with EBUSY until then; so this retries for a
     * bounded time instead of leaking the cgroup. Returns whether the directory is gone.
     */
    static boolean removeDir(Path dir) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return true;
            } catch (NoSuchFileException e) {
                return true;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    /**
     * Removes what a node that died without closing left under {@code parent}: subtrees named
     * {@code node-<pid>-…} whose pid is no longer running. Sandboxes of a dead node may still run in plain
     * mode (nothing ties them to the node), so they are killed first. A live pid (even a reused one) is
     * left alone: killing another node's sandboxes is worse than leaking an empty directory.
     */
    static void sweepStaleNodes(Path parent) {
        try (Stream<Path> nodes = Files.list(parent)) {
            for (Path node : nodes.toList()) {
                Matcher m = NODE_DIR.matcher(node.getFileName().toString());
                if (!m.matches() || ProcessHandle.of(Long.parseLong(m.group(1))).isPresent()) {
                    continue;
                }
                try (Stream<Path> children = Files.list(node)) {
                    for (Path child : children.filter(Files::isDirectory).toList()) {
                        killAll(child.resolve("cgroup.procs"));
                        removeDir(child);
                    }
                }
                removeDir(node);
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a leftover directory costs nothing but its name.
        }
    }
}
