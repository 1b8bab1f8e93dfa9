package dev.hearth.sandbox;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;

/**
 * How a {@link ProcessLauncher} turns a spec into a process: inside bubblewrap ({@link BwrapCommand}) or
 * as a plain process ({@link PlainCommand}). Implementations are immutable and thread-safe.
 */
interface CommandPlan {

    /** The process to start (argv, environment, working directory); the launcher adds the cgroup join. */
    ProcessBuilder processFor(SandboxSpec spec);

    /** Tasks the plan itself puts in the sandbox's cgroup besides the function's own. */
    int ownedTasks();

    /** Whether the kernel takes the process tree down with the node; otherwise a shutdown hook tries to. */
    boolean diesWithNode();

    /** Standard input is never used: a runtime that reads it gets end-of-file instead of hanging. */
    static ProcessBuilder withoutInput(ProcessBuilder builder) {
        return builder.redirectInput(Redirect.from(Path.of("/dev/null").toFile()));
    }
}
