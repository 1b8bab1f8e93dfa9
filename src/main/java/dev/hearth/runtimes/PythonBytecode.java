package dev.hearth.runtimes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Writes the bytecode of the Python runtime module ({@code python/hearth_runtime.py}) next to it, with
 * the interpreter functions will run on, once per unpacked runtime directory. Inside the sandbox
 * {@code /var/runtime} is read-only, so Python could never cache it there itself and would compile the
 * module on every cold start (3–5 ms). The file is what {@code py_compile} writes for that interpreter
 * (checked against the source's size and time, as any cached module), named for the path the sandbox
 * sees, so tracebacks read {@code /var/runtime/hearth_runtime.py}.
 *
 * <p>Best effort: when it cannot be written, runtimes compile in memory as before. Blocking (runs the
 * interpreter once, about 50 ms); called at start-up.
 */
final class PythonBytecode {
    private static final Logger LOG = LoggerFactory.getLogger(PythonBytecode.class);
    static final String MODULE = "hearth_runtime.py";
    private static final long WAIT_SECONDS = 30;

    private PythonBytecode() {
    }

    /** Writes {@code <pythonDir>/__pycache__/hearth_runtime.*.pyc} unless one is there already. */
    static void write(Path pythonDir, Path interpreter) {
        Path source = pythonDir.resolve(MODULE);
        Path cache = pythonDir.resolve("__pycache__");
        if (!Files.isRegularFile(source) || hasBytecode(cache)) {
            return;
        }
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(pythonDir);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        try {
            // The unpacked directory is read-only (and shared by nodes with the same build); writable just
            // long enough for the interpreter to add its cache. py_compile replaces the file atomically.
            Set<PosixFilePermission> writable = EnumSet.copyOf(mode);
            writable.add(PosixFilePermission.OWNER_WRITE);
            Files.setPosixFilePermissions(pythonDir, writable);
            Process process = new ProcessBuilder(interpreter.toString(), "-c",
                    "import py_compile, sys; py_compile.compile(sys.argv[1], dfile=sys.argv[2], doraise=True)",
                    source.toString(), LaunchPlanner.RUNTIME_DIR + "/" + MODULE)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                LOG.debug("{} did not compile {} in time", interpreter, source);
            } else if (process.exitValue() != 0) {
                LOG.debug("{} could not compile {} (exit {})", interpreter, source, process.exitValue());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot write the bytecode of {}: {}", source, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            readOnly(cache);
            try {
                Files.setPosixFilePermissions(pythonDir, mode);
            } catch (IOException e) {
                LOG.debug("cannot make {} read-only again: {}", pythonDir, e.toString());
            }
        }
    }

    private static boolean hasBytecode(Path cache) {
        try (Stream<Path> files = Files.list(cache)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("hearth_runtime."));
        } catch (IOException e) {
            return false;
        }
    }

    private static void readOnly(Path cache) {
        if (!Files.isDirectory(cache)) {
            return;
        }
        try (Stream<Path> files = Files.list(cache)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, EnumSet.copyOf(List.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ)));
            }
            Files.setPosixFilePermissions(cache, EnumSet.copyOf(List.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE)));
        } catch (IOException e) {
            LOG.debug("cannot make {} read-only: {}", cache, e.toString());
        }
    }
}
