package dev.hearth.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helpers: specs around a shell script in a fresh task dir, and a finished run's output. */
final class Runs {

    private static final AtomicInteger IDS = new AtomicInteger();

    private Runs() {
    }

    /** What a finished sandbox printed and how it ended. */
    record Result(String stdout, String stderr, ExitStatus status, Sandbox sandbox) {
        @Override
        public String toString() {
            return "status=" + status.describe() + " oom=" + status.oomKilled() + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** A task dir (world-readable, like the code store's) holding {@code run.sh}. */
    static Path taskDir(Path parent, String name, String script) {
        try {
            Path dir = Files.createDirectories(parent.resolve(name));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path run = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\n" + script + "\n");
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path emptyDir(Path parent, String name) {
        try {
            Path dir = Files.createDirectories(parent.resolve(name));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SandboxSpec spec(Path taskDir, Path runtimeDir, List<String> command, Map<String, String> env) {
        return new SandboxSpec("t" + IDS.incrementAndGet(), command, env, taskDir, runtimeDir, Optional.empty(),
                List.of(), 16, 128, 64);
    }

    static SandboxSpec script(Path taskDir, Path runtimeDir) {
        return spec(taskDir, runtimeDir, List.of("/var/task/run.sh"), Map.of("PATH", "/usr/bin:/bin"));
    }

    static SandboxSpec with(SandboxSpec s, int tmpSizeMb, int memoryMb, int pidLimit) {
        return new SandboxSpec(s.id(), s.command(), s.environment(), s.taskDir(), s.runtimeDir(), s.optDir(),
                s.extraReadOnly(), tmpSizeMb, memoryMb, pidLimit);
    }

    static Result run(SandboxLauncher launcher, SandboxSpec spec) throws Exception {
        Sandbox sandbox = launcher.launch(spec);
        try (sandbox) {
            CompletableFuture<String> out = drain(sandbox.stdout());
            CompletableFuture<String> err = drain(sandbox.stderr());
            ExitStatus status = sandbox.exit().get(8, TimeUnit.SECONDS);
            return new Result(out.get(2, TimeUnit.SECONDS), err.get(2, TimeUnit.SECONDS), status, sandbox);
        }
    }

    static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.startVirtualThread(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        });
        return text;
    }

    /** Asserts that each run appears in {@code argv} contiguously, the runs in the given order. */
    @SafeVarargs
    static void assertRunsInOrder(List<String> argv, List<String>... runs) {
        int from = 0;
        for (List<String> run : runs) {
            int at = Collections.indexOfSubList(argv.subList(from, argv.size()), run);
            assertThat(at).as("%s after index %d in %s", run, from, argv).isNotNegative();
            from += at + run.size();
        }
    }

    /** The v1 cgroup directories /proc/<pid>/cgroup names under Hearth's subtree. */
    static List<Path> cgroupDirsOf(long pid) throws IOException {
        CgroupMounts mounts = CgroupMounts.read();
        return Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).stream()
                .map(l -> l.split(":", 3))
                .filter(f -> f[2].contains("/hearth/"))
                .flatMap(f -> Arrays.stream(f[1].split(","))
                        .filter(mounts.v1()::containsKey)
                        .map(c -> mounts.v1().get(c).resolve(f[2].substring(1))))
                .toList();
    }

    /**
     * Whether a process has died. A killed orphan stays a zombie until the machine's init reaps it,
     * which is init's business and may take a while, so a zombie counts as dead.
     */
    static boolean dead(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }
}
