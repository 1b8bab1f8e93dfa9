package dev.hearth.os;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link ChildProcess#spawn} starts: {@code argv} (the first searched on the node's {@code PATH}, as
 * {@link ProcessBuilder} does), exactly {@code environment}, in {@code directory} when given. Standard
 * output and error are always pipes of their own; standard input is a pipe the caller writes
 * ({@code stdinPipe}), else {@code stdinFile} opened read-only, else the node's own.
 */
public record SpawnRequest(List<String> argv, Map<String, String> environment, Optional<Path> directory,
                           boolean stdinPipe, Optional<Path> stdinFile) {
    public SpawnRequest {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no program to start");
        }
    }
}
