package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Jdk;

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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One training run of the Java RIC's AOT cache ({@link JavaClassDataCache}): the RIC started with the
 * managed runtime's JVM options plus {@code -XX:AOTCacheOutput}, against a {@link TrainingRuntimeApi} that
 * gives it one event for {@link JavaTrainingHandler}; once it has answered, it is stopped (SIGTERM), and
 * the JVM writes the cache as it exits.
 *
 * <p>The run works on a copy of the runtime files (hard links, so sizes and modification times, which the
 * JVM checks, are those of the files functions see) and is a plain process of the node's, niced: it runs
 * only Hearth's own code, no function's. Its class path is a host path while functions see
 * {@code /var/runtime/lib}; JDK 25 accepts a cache whose class path moved as a whole (it matches the
 * jars below the longest common prefix), which is what lets the cache be trained outside a sandbox.
 *
 * <p>Blocking; called from {@link JavaClassDataCache}'s background thread.
 */
final class JavaTraining implements JavaClassDataCache.Trainer {

    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(120);
    private static final int TRAINING_MEMORY_MB = 512;
    private static final Path NICE = Path.of("/usr/bin/nice");
    private static final String HANDLER_CLASS = JavaTrainingHandler.class.getName().replace('.', '/') + ".class";

    private final BootstrapFiles files;

    JavaTraining(BootstrapFiles files) {
        this.files = files;
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
            run(jdk, runtime, task, log);
            if (!Files.isRegularFile(runtime.resolve(JavaClassDataCache.ARCHIVE))
                    || Files.size(runtime.resolve(JavaClassDataCache.ARCHIVE)) == 0) {
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

    private void run(Jdk jdk, Path runtime, Path task, Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(NICE)) {
            command.addAll(List.of(NICE.toString(), "-n", "19"));
        }
        command.add(jdk.java().toString());
        Path jni = runtime.resolve(BootstrapFiles.JNI_DIR);
        command.addAll(LaunchPlanner.javaOptions(jdk, TRAINING_MEMORY_MB,
                files.jniLibrary().map(library -> jni.resolve(library).toString())));
        // Classes only, no method profiles (JEP 515 training data): with C1 alone (TieredStopAtLevel=1) the
        // profiles inform no compilation, and replaying them made every cold start compile again, on a core
        // of its own, what the training run happened to compile (about 8 % of a cold start's CPU; BENCHMARKS.md).
        // Diagnostic flags of the training run only: functions' JVMs are started without them.
        command.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining"));
        command.add("-XX:AOTCacheOutput=" + runtime.resolve(JavaClassDataCache.ARCHIVE));
        command.addAll(List.of("-cp", runtime.resolve("lib") + "/*", LaunchPlanner.RIC_MAIN,
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
            builder.environment().put("LAMBDA_TASK_ROOT", task.toString());
            builder.environment().put("_HANDLER", JavaTrainingHandler.class.getName() + "::handleRequest");
            Process process = builder.start();
            try {
                process.getOutputStream().close();
                if (!api.awaitResponse(RESPONSE_TIMEOUT)) {
                    throw new IOException("the Java runtime did not answer its training event within "
                            + RESPONSE_TIMEOUT.toSeconds() + " s; its output: " + tail(log));
                }
                // SIGTERM: the JVM's orderly exit, at which it writes the cache (a child JVM assembles it).
                process.destroy();
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
