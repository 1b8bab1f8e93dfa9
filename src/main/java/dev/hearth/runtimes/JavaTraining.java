package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Jdk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One training run of the Java RIC's AOT cache ({@link JavaClassDataCache}): the RIC started with the
 * managed runtime's JVM options plus {@code -XX:AOTCacheOutput}, against a {@link TrainingRuntimeApi} that
 * gives it one event for {@link JavaTrainingHandler}; once it has answered, it is stopped (SIGTERM), and
 * the JVM writes the cache as it exits.
 *
 * <p>The run works on a copy of the runtime files (hard links, so sizes and modification times, which the
 * JVM checks, are those of the files functions see), niced: it runs only Hearth's own code, no function's.
 * Where bubblewrap is installed it sees that copy at {@code /var/runtime} and its task at {@code /var/task}
 * (a mount namespace over the host's own tree, nothing else changed), so the cache records the class path
 * functions have. JDK 25 also accepts a cache whose class path moved as a whole, but then it builds each
 * cached class's code source from the training run's path, which a sandbox does not have: every class
 * loaded from the cache retried {@code Path.toRealPath} on it and threw (some 2,000
 * {@code NoSuchFileException}s per cold start, about 13 % of its main thread), and the RIC's classes ended
 * with no code source location ({@code file:/var/runtime/lib/…jar} when loaded from the jar). Without
 * bubblewrap (or when it cannot run) the run is a plain process with host paths, as functions then are.
 *
 * <p>Blocking; called from {@link JavaClassDataCache}'s background thread.
 */
final class JavaTraining implements JavaClassDataCache.Trainer {

    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int TRAINING_MEMORY_MB = 512;
    private static final Path NICE = Path.of("/usr/bin/nice");
    private static final List<Path> BWRAP = List.of(Path.of("/usr/bin/bwrap"), Path.of("/usr/local/bin/bwrap"));
    private static final Logger LOG = LoggerFactory.getLogger(JavaTraining.class);
    private static final String HANDLER_CLASS = JavaTrainingHandler.class.getName().replace('.', '/') + ".class";

    private final BootstrapFiles files;
    private final List<Path> bwrapCandidates;

    JavaTraining(BootstrapFiles files) {
        this(files, BWRAP);
    }

    /** @param bwrapCandidates where to look for bubblewrap, first executable wins */
    JavaTraining(BootstrapFiles files, List<Path> bwrapCandidates) {
        this.files = files;
        this.bwrapCandidates = List.copyOf(bwrapCandidates);
    }

    @Override
    public void train(Jdk jdk, Path target) throws IOException, InterruptedException {
        Path staging = Files.createTempDirectory(target.getParent(), ".training-");
        try {
            Path runtime = staging.resolve("runtime");
            linkTree(files.java(), runtime);
            Path task = Files.createDirectories(staging.resolve("task"));
            copyHandler(task);
            Path log = staging.resolve("training.log");
            Optional<Path> bwrap = bwrapCandidates.stream().filter(Files::isExecutable).findFirst();
            boolean trained = false;
            if (bwrap.isPresent()) {
                try {
                    run(jdk, runtime, task, log, bwrap);
                    trained = hasArchive(runtime);
                } catch (IOException cannotSandbox) {
                    // bubblewrap cannot make a namespace here: train as a plain process, with host paths.
                    LOG.info("Java AOT cache: training under bubblewrap failed, training as a plain process: {}",
                            cannotSandbox.getMessage());
                }
            }
            if (!trained) {
                Files.deleteIfExists(runtime.resolve(JavaClassDataCache.ARCHIVE));
                Files.deleteIfExists(runtime.resolve(JavaClassDataCache.ARCHIVE + ".config"));
                run(jdk, runtime, task, log, Optional.empty());
            }
            if (!hasArchive(runtime)) {
                throw new IOException("the training run wrote no AOT cache; its output: " + tail(log));
            }
            FileTrees.makeReadOnly(runtime);
            try {
                Files.move(runtime, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // Another node sharing the directory trained the same cache first; either copy is complete.
            }
        } finally {
            FileTrees.deleteTree(staging);
        }
    }

    /**
     * One training run; with {@code bwrap}, inside a mount namespace that shows {@code runtime} at
     * {@code /var/runtime} (writable: the cache is written there) and {@code task} at {@code /var/task}.
     */
    private void run(Jdk jdk, Path runtime, Path task, Path log, Optional<Path> bwrap)
            throws IOException, InterruptedException {
        String runtimeDir = bwrap.isPresent() ? LaunchPlanner.RUNTIME_DIR : runtime.toString();
        String taskDir = bwrap.isPresent() ? "/var/task" : task.toString();
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(NICE)) {
            command.addAll(List.of(NICE.toString(), "-n", "19"));
        }
        // No --die-with-parent: it fires when the forking thread ends, and this one is a virtual thread's
        // carrier, which the JDK may retire mid-run (the sandbox's Spawner explains); like the plain run, a
        // training run outliving a dead node ends by itself once its Runtime API is gone.
        bwrap.ifPresent(tool -> command.addAll(List.of(tool.toString(), "--dev-bind", "/", "/", "--tmpfs", "/var",
                "--bind", runtime.toString(), runtimeDir, "--ro-bind", task.toString(), taskDir, "--chdir", taskDir,
                "--")));
        command.add(jdk.java().toString());
        String jni = runtimeDir + "/" + BootstrapFiles.JNI_DIR + "/";
        command.addAll(LaunchPlanner.javaOptions(jdk, TRAINING_MEMORY_MB, files.jniLibrary().map(jni::concat)));
        // Classes only, no method profiles (JEP 515 training data): with C1 alone (TieredStopAtLevel=1) the
        // profiles inform no compilation, and replaying them made every cold start compile again, on a core
        // of its own, what the training run happened to compile (about 8 % of a cold start's CPU; BENCHMARKS.md).
        // Diagnostic flags of the training run only: functions' JVMs are started without them.
        command.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining"));
        command.add("-XX:AOTCacheOutput=" + runtimeDir + "/" + JavaClassDataCache.ARCHIVE);
        command.addAll(List.of("-cp", runtimeDir + "/lib/*", LaunchPlanner.RIC_MAIN,
                JavaTrainingHandler.class.getName() + "::handleRequest"));
        try (TrainingRuntimeApi api = TrainingRuntimeApi.start()) {
            ProcessBuilder builder = new ProcessBuilder(command).directory(task.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            builder.environment().put("LANG", "C.UTF-8");
            builder.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
            builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", JavaClassDataCache.TRAINING_FUNCTION);
            builder.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(TRAINING_MEMORY_MB));
            builder.environment().put("LAMBDA_TASK_ROOT", taskDir);
            builder.environment().put("_HANDLER", JavaTrainingHandler.class.getName() + "::handleRequest");
            Process process = builder.start();
            try {
                process.getOutputStream().close();
                awaitResponse(api, process, log);
                // SIGTERM to the JVM itself, not to bubblewrap (which does not pass signals on, and would leave
                // the JVM behind): the JVM's orderly exit, at which it writes the cache (a child JVM assembles
                // it); bubblewrap exits with it. In a plain run the process is the JVM (nice execs it).
                ProcessHandle jvm = process.descendants()
                        .filter(p -> p.info().command().filter(c -> c.equals(jdk.java().toString())
                                || c.endsWith("/bin/java")).isPresent())
                        .findFirst().orElse(process.toHandle());
                jvm.destroy();
                if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IOException("the Java training run did not finish writing its AOT cache within "
                            + EXIT_TIMEOUT.toSeconds() + " s");
                }
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** Until the RIC has answered its event; fails at once when the run ends first (bubblewrap refused). */
    private static void awaitResponse(TrainingRuntimeApi api, Process process, Path log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + RESPONSE_TIMEOUT.toNanos();
        while (!api.awaitResponse(POLL)) {
            if (!process.isAlive()) {
                throw new IOException("the Java training run ended (exit status " + process.exitValue()
                        + ") before answering its event; its output: " + tail(log));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the Java runtime did not answer its training event within "
                        + RESPONSE_TIMEOUT.toSeconds() + " s; its output: " + tail(log));
            }
        }
    }

    private static boolean hasArchive(Path runtime) throws IOException {
        Path archive = runtime.resolve(JavaClassDataCache.ARCHIVE);
        return Files.isRegularFile(archive) && Files.size(archive) > 0;
    }

    private static void copyHandler(Path task) throws IOException {
        try (InputStream in = JavaTraining.class.getClassLoader().getResourceAsStream(HANDLER_CLASS)) {
            if (in == null) {
                throw new IOException(HANDLER_CLASS + " is missing from Hearth's class path");
            }
            Path file = task.resolve(HANDLER_CLASS);
            Files.createDirectories(file.getParent());
            Files.copy(in, file);
        }
    }

    /** Mirrors {@code from} at {@code to} with hard links, or copies keeping modification times. */
    private static void linkTree(Path from, Path to) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(from)) {
            paths = walk.toList();
        }
        for (Path path : paths) {
            Path copy = to.resolve(from.relativize(path).toString());
            if (Files.isDirectory(path)) {
                Files.createDirectories(copy);
            } else {
                try {
                    Files.createLink(copy, path);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            String trimmed = text.length() > 2000 ? "…" + text.substring(text.length() - 2000) : text;
            return trimmed.isBlank() ? "(none)" : trimmed.strip();
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

}
