package dev.hearth.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to start in a sandbox and with which limits. Immutable.
 *
 * @param id          unique per sandbox (names its cgroup); [a-zA-Z0-9-] only
 * @param command     argv as seen inside the sandbox, e.g. {@code ["/var/runtime/bootstrap"]}
 * @param environment the complete environment of the process (nothing is inherited from the node)
 * @param taskDir     host directory mounted read-only at {@code /var/task}, the working directory
 * @param runtimeDir  host directory mounted read-only at {@code /var/runtime}
 * @param optDir      host directory mounted read-only at {@code /opt}; empty means an empty {@code /opt}
 * @param extraReadOnly further host paths made visible read-only at the same path inside (e.g. a JDK
 *                    under {@code /usr/lib/jvm} is already visible; this is for paths outside the
 *                    system directories)
 * @param tmpSizeMb   size of the private writable {@code /tmp} (the function's EphemeralStorage)
 * @param memoryMb    memory limit (the function's MemorySize); CPU share follows it (1,769 MB ≈ 1 vCPU)
 * @param pidLimit    most processes/threads the sandbox may hold
 */
public record SandboxSpec(String id, List<String> command, Map<String, String> environment, Path taskDir,
                          Path runtimeDir, Optional<Path> optDir, List<Path> extraReadOnly, int tmpSizeMb,
                          int memoryMb, int pidLimit) {
    public SandboxSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        extraReadOnly = List.copyOf(extraReadOnly);
        if (!isName(id)) {
            throw new IllegalArgumentException("sandbox id must be [a-zA-Z0-9-]+: " + id);
        }
    }

    /** Whether {@code id} is a non-empty {@code [a-zA-Z0-9-]+} (ASCII only), without compiling a pattern per start. */
    static boolean isName(String id) {
        if (id.isEmpty()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
