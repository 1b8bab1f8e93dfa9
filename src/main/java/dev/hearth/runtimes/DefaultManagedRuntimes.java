package dev.hearth.runtimes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@link ManagedRuntimes} over the bootstraps unpacked at start and the interpreters probed at start;
 * each {@link #launch} is then a pure decision ({@link LaunchPlanner}) plus, for {@code provided*}, a
 * look for the function's {@code bootstrap}.
 *
 * <p>Thread-safe; {@link #launch} touches the file system only for {@code provided*}, and once per JDK for
 * the Java AOT cache ({@link JavaClassDataCache}), whose training the first Java launch starts, as the first
 * Node.js launch of each memory size starts the Node.js runtime's code cache for it ({@link NodeCodeCache}).
 */
final class DefaultManagedRuntimes implements ManagedRuntimes {

    private final LaunchPlanner planner;
    private final AutoCloseable javaArchives;
    private final NodeCodeCache nodeCodeCache;

    DefaultManagedRuntimes(LaunchPlanner planner, AutoCloseable javaArchives, NodeCodeCache nodeCodeCache) {
        this.planner = planner;
        this.javaArchives = javaArchives;
        this.nodeCodeCache = nodeCodeCache;
    }

    static DefaultManagedRuntimes create(Path unpackDir) {
        BootstrapFiles files = BootstrapFiles.unpack(unpackDir, DefaultManagedRuntimes.class.getClassLoader());
        JavaClassDataCache archives = JavaClassDataCache.create(files);
        HostRuntimes host = HostProbe.probe();
        host.python().ifPresent(python -> PythonBytecode.write(files.python(), python.executable()));
        return new DefaultManagedRuntimes(new LaunchPlanner(host, files, archives), archives,
                new NodeCodeCache(files.node(), host.node()));
    }

    @Override
    public Optional<RuntimeLaunch> launch(String runtime, String handler, int memoryMb, Path taskDir,
                                          Optional<Path> optDir) {
        Optional<String> entrypoint = RuntimeId.PROVIDED.contains(runtime)
                ? providedEntrypoint(taskDir, optDir) : Optional.empty();
        if (runtime.startsWith("nodejs")) {
            // The first Node.js launch with this heap limit makes the runtime's code cache for it, in the background.
            nodeCodeCache.request(LaunchPlanner.nodeHeapMb(memoryMb));
        }
        return switch (planner.plan(runtime, handler, memoryMb, entrypoint)) {
            case LaunchPlanner.Plan.Ready ready -> Optional.of(ready.launch());
            case LaunchPlanner.Plan.Unavailable ignored -> Optional.empty();
        };
    }

    @Override
    public String unavailableReason(String runtime) {
        // For provided* the one way to be unavailable is a missing bootstrap, whatever the function.
        return switch (planner.plan(runtime, "", 128, Optional.empty())) {
            case LaunchPlanner.Plan.Unavailable unavailable -> unavailable.reason();
            case LaunchPlanner.Plan.Ready ignored -> "Hearth can run " + runtime + " functions here";
        };
    }

    @Override
    public List<String> describe() {
        return planner.describe();
    }

    @Override
    public void close() {
        try {
            nodeCodeCache.close();
            javaArchives.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the Java AOT cache training", e);
        }
    }

    /**
     * The custom runtime's entry point as AWS picks it: the code's executable {@code bootstrap}, else one
     * from the layers; a file without the execute bit does not count (AWS could not exec it either).
     */
    static Optional<String> providedEntrypoint(Path taskDir, Optional<Path> optDir) {
        if (isExecutableFile(taskDir.resolve("bootstrap"))) {
            return Optional.of(LaunchPlanner.TASK_BOOTSTRAP);
        }
        if (optDir.map(dir -> isExecutableFile(dir.resolve("bootstrap"))).orElse(false)) {
            return Optional.of(LaunchPlanner.OPT_BOOTSTRAP);
        }
        return Optional.empty();
    }

    private static boolean isExecutableFile(Path path) {
        // A symlink may point at an absolute /var/task or /opt path that only resolves inside the sandbox.
        return Files.isSymbolicLink(path) || (Files.isRegularFile(path) && Files.isExecutable(path));
    }
}
