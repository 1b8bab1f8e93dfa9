package dev.hearth.bench;

import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.runtimes.RuntimeLaunch;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the binaries the node runs Python, Node.js and Java functions with, so that the cold-start
 * baselines start exactly those. Asks the node's {@link ManagedRuntimes} first (the command it would
 * launch); where that is not available, resolves {@code python3}/{@code node} on the PATH and the JDK
 * running the harness. Set-up only: nothing here is timed.
 */
final class Interpreters {

    private static final List<String> SYSTEM_DIRS = List.of("/usr/", "/bin/", "/lib/", "/lib64/", "/sbin/", "/etc/");

    private Interpreters() {
    }

    static Optional<Interpreter> python(Optional<ManagedRuntimes> runtimes, Path taskDir) {
        return resolve(runtimes, "python3.12", "app.handler", taskDir, "python3", List.of("-c", "pass"),
                () -> pathBinary("python3").flatMap(p -> ask(p, "-c", "import sys; print(sys.executable)")).map(Path::of),
                p -> ask(p, "-V").orElse("unknown"));
    }

    static Optional<Interpreter> node(Optional<ManagedRuntimes> runtimes, Path taskDir) {
        return resolve(runtimes, "nodejs20.x", "index.handler", taskDir, "node", List.of("-e", "0"),
                () -> pathBinary("node").flatMap(p -> ask(p, "-p", "process.execPath")).map(Path::of),
                p -> ask(p, "--version").map(v -> "Node.js " + v).orElse("unknown"));
    }

    static Optional<Interpreter> java(Optional<ManagedRuntimes> runtimes, Path taskDir) {
        return resolve(runtimes, "java21", "bench.Handler::handleRequest", taskDir, "java", List.of("-version"),
                () -> Optional.of(Path.of(System.getProperty("java.home"), "bin", "java")),
                p -> ask(p, "-version").flatMap(v -> v.lines().findFirst()).orElse("unknown"));
    }

    private interface Finder {
        Optional<Path> find();
    }

    private interface Versioner {
        String version(Path executable);
    }

    private static Optional<Interpreter> resolve(Optional<ManagedRuntimes> runtimes, String runtime, String handler,
                                                 Path taskDir, String label, List<String> args, Finder fallback,
                                                 Versioner versioner) {
        Optional<RuntimeLaunch> launch = runtimes.flatMap(r -> {
            try {
                return r.launch(runtime, handler, 128, taskDir, Optional.empty());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
        // The binary is the first word of the command, or a later one behind a wrapper (the Java runtime's
        // class-data cache launches through /bin/sh).
        Optional<Path> exe = launch.flatMap(l -> l.command().stream().filter(w -> w.startsWith("/")).map(Path::of)
                        .filter(p -> p.getFileName().toString().startsWith(label) && Files.isExecutable(p))
                        .findFirst())
                .or(fallback::find);
        if (exe.isEmpty()) {
            return Optional.empty();
        }
        Path binary = exe.get();
        List<Path> extra = new ArrayList<>(launch.map(RuntimeLaunch::extraReadOnly).orElse(List.of()));
        if (extra.isEmpty() && SYSTEM_DIRS.stream().noneMatch(binary.toString()::startsWith)) {
            // e.g. /root/.pyenv/versions/3.11.7/bin/python3: make its installation visible in the sandbox
            Path home = binary.getParent().getParent();
            extra.add(home);
        }
        return Optional.of(new Interpreter(label, binary, args, versioner.version(binary), extra));
    }

    private static Optional<Path> pathBinary(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** The binary's trimmed output, or empty when it cannot be run or fails. */
    private static Optional<String> ask(Path binary, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        argv.addAll(List.of(args));
        try {
            return Optional.of(Processes.output(argv)).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
