package dev.hearth.bench;

import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.Sandboxes;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The parts of the platform the baselines use directly, built the way the node builds its own: the
 * sandbox launcher (so the in-sandbox baselines run in the same kind of sandbox as functions) and the
 * managed runtimes (so the baselines start the interpreters the node would launch). Each is optional:
 * where one cannot be built the harness still runs, with the rows that need it marked.
 */
final class PlatformParts {

    private PlatformParts() {
    }

    /** A launcher of its own (private scratch under {@code workDir}); the caller closes it. */
    static Optional<SandboxLauncher> sandboxLauncher(Path workDir) {
        return Optional.of(Sandboxes.detect(workDir));
    }

    static Optional<ManagedRuntimes> runtimes(Path workDir) {
        try {
            return Optional.of(ManagedRuntimes.create(workDir));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
