package dev.hearth.runtimes;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one managed runtime inside a sandbox.
 *
 * @param command        argv inside the sandbox, e.g. {@code ["/usr/bin/python3", "/var/runtime/bootstrap.py"]}
 * @param runtimeDir     host directory to mount read-only at {@code /var/runtime} (the bootstrap files)
 * @param environment    runtime-specific variables to add (PYTHONPATH, NODE_PATH, …), user-overridable
 * @param extraReadOnly  host paths outside the system directories the runtime needs visible read-only
 * @param runtimeVersion what {@code INIT_START Runtime Version:} reports, e.g. {@code python:3.11.2} — the
 *                       interpreter actually used, which may differ from the requested runtime's version
 */
public record RuntimeLaunch(List<String> command, Path runtimeDir, Map<String, String> environment,
                            List<Path> extraReadOnly, String runtimeVersion) {
    public RuntimeLaunch {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        extraReadOnly = List.copyOf(extraReadOnly);
    }
}
