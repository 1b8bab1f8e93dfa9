package dev.hearth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Memory and thread figures of processes, from {@code /proc}. PSS (proportional set size) divides each
 * shared page among the processes sharing it, so a sum of PSS over many processes is what they cost the
 * machine together, which RSS overstates. Blocking reads of small files; harness thread only.
 */
final class ProcessMemory {

    private ProcessMemory() {
    }

    /** PSS of {@code pid} and all its descendants, in bytes; a process that vanished counts 0. */
    static long pssOfTree(long pid) {
        return Stream.concat(Stream.of(pid), ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                        .map(ProcessHandle::pid))
                .mapToLong(ProcessMemory::pss).sum();
    }

    /** PSS of every descendant of this JVM (the node's sandboxes and runtimes), in bytes. */
    static long pssOfDescendants() {
        return ProcessHandle.current().descendants().mapToLong(p -> pss(p.pid())).sum();
    }

    /** Descendant processes of this JVM. */
    static long descendantCount() {
        return ProcessHandle.current().descendants().count();
    }

    /** This JVM's resident set, in bytes. */
    static long ownRssBytes() {
        return statusField("VmRSS") * 1024;
    }

    /** This JVM's thread count. */
    static long ownThreads() {
        return statusField("Threads");
    }

    private static long pss(long pid) {
        return kbField(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:") * 1024;
    }

    private static long statusField(String name) {
        return kbField(Path.of("/proc/self/status"), name + ":");
    }

    /** The first number on the line starting with {@code prefix}, or 0 when the file or line is missing. */
    private static long kbField(Path file, String prefix) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    return Long.parseLong(line.substring(prefix.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0; // the process exited meanwhile, or /proc is not readable for it
        }
        return 0;
    }
}
