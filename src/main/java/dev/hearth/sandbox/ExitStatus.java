package dev.hearth.sandbox;

import java.util.OptionalInt;

/**
 * How a sandboxed process ended: an exit code, or the signal that killed it.
 *
 * @param oomKilled whether the kernel killed it at the memory limit (from the cgroup's OOM events)
 */
public record ExitStatus(OptionalInt exitCode, OptionalInt signal, boolean oomKilled) {

    /** AWS's wording in {@code Runtime.ExitError} messages: "exit status 1", "signal: killed". */
    public String describe() {
        if (signal.isPresent()) {
            return "signal: " + signalName(signal.getAsInt());
        }
        return "exit status " + exitCode.orElse(-1);
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 9 -> "killed";
            case 15 -> "terminated";
            case 11 -> "segmentation fault";
            case 6 -> "aborted";
            case 2 -> "interrupt";
            case 1 -> "hangup";
            case 7 -> "bus error";
            case 8 -> "floating point exception";
            case 4 -> "illegal instruction";
            case 13 -> "broken pipe";
            default -> "signal " + signal;
        };
    }
}
