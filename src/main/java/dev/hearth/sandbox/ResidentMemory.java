package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The resident memory of a process tree, as a SnapStart template's share of each restored environment
 * ({@link ForkServer#countServerMemoryInChildren}).
 *
 * <p>Why resident memory (Rss), and not the cgroup's usage or Pss: a child starts with every page the
 * template has mapped and touched, and on AWS those pages are part of the restored environment's memory
 * (the snapshot is restored into it). Rss counts exactly those pages, anonymous and file-backed alike.
 * The template's cgroup usage would also count page cache the template read once (the function's zip,
 * modules it parsed) and the sandbox's own helper processes; Pss divides shared pages among every process
 * that maps them, so it would shrink as children are forked and vary with what else runs on the host
 * (other Python environments share the interpreter's pages). {@code smaps_rollup} is read rather than
 * {@code status}'s {@code VmRSS} because the latter lags by the per-thread counters the kernel batches;
 * {@code status} is the fallback where {@code smaps_rollup} is refused.
 *
 * <p>Threading: stateless; blocking ({@code /proc} reads), called once per template.
 */
final class ResidentMemory {
    private ResidentMemory() {
    }

    /** Rss of {@code hostPid} and every descendant it has now, in bytes; empty if the process is gone. */
    static OptionalLong ofTree(long hostPid) {
        OptionalLong top = of(hostPid);
        if (top.isEmpty()) {
            return top;
        }
        long total = top.getAsLong();
        total += ProcessHandle.of(hostPid).stream().flatMap(ProcessHandle::descendants)
                .mapToLong(p -> of(p.pid()).orElse(0)).sum();
        return OptionalLong.of(total);
    }

    /** Rss of one process, in bytes. */
    static OptionalLong of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        OptionalLong rollup = kilobytes(proc.resolve("smaps_rollup"), "Rss:");
        return rollup.isPresent() ? rollup : kilobytes(proc.resolve("status"), "VmRSS:");
    }

    /** The figure in kB on the line starting with {@code key}, in bytes. */
    private static OptionalLong kilobytes(Path file, String key) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                String[] words = line.substring(key.length()).trim().split("\\s+");
                try {
                    return OptionalLong.of(Long.parseLong(words[0]) * 1024L);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
