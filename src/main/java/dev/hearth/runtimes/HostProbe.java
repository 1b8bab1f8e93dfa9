package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Interpreter;
import dev.hearth.runtimes.HostRuntimes.Jdk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the interpreters and JDKs functions can run on, and asks each for its version once.
 *
 * <p>Only fixed system paths are probed, never {@code PATH}: a pyenv or nvm shim under {@code /root} or
 * {@code /home} works in the operator's shell but is invisible inside the sandbox. JDK versions come from
 * the {@code release} file, which costs nothing; python and node are asked (about 20 ms each).
 *
 * <p>Blocking (starts processes); called once at start-up.
 */
final class HostProbe {

    static final List<Path> PYTHON_CANDIDATES = List.of(Path.of("/usr/local/bin/python3"), Path.of("/usr/bin/python3"));
    static final List<Path> NODE_CANDIDATES = List.of(Path.of("/usr/local/bin/node"), Path.of("/usr/bin/node"));
    static final Path JVM_DIR = Path.of("/usr/lib/jvm");

    /** Directories the sandbox shows at their host paths. */
    private static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr"), Path.of("/bin"), Path.of("/lib"),
            Path.of("/lib64"), Path.of("/sbin"));
    /** Never shown inside a sandbox: an interpreter installed there cannot run functions. */
    static final List<Path> HIDDEN_DIRS = List.of(Path.of("/root"), Path.of("/home"), Path.of("/tmp"),
            Path.of("/run"), Path.of("/var/tmp"));

    private static final Pattern VERSION = Pattern.compile("^v?(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern FEATURE = Pattern.compile("^(?:1\\.)?(\\d+)");
    private static final long QUERY_TIMEOUT_SECONDS = 10;

    private HostProbe() {
    }

    static HostRuntimes probe() {
        return probe(PYTHON_CANDIDATES, NODE_CANDIDATES, JVM_DIR, HIDDEN_DIRS);
    }

    /** @param hiddenDirs where sandboxes see nothing, so an interpreter there is passed over */
    static HostRuntimes probe(List<Path> pythonCandidates, List<Path> nodeCandidates, Path jvmDir, List<Path> hiddenDirs) {
        List<String> notes = new ArrayList<>();
        Optional<Interpreter> python = firstUsable(pythonCandidates, "Python", 3, 9, hiddenDirs, notes,
                exe -> query(exe, "-S", "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"));
        Optional<Interpreter> node = firstUsable(nodeCandidates, "Node.js", 18, 0, hiddenDirs, notes,
                exe -> query(exe, "--version"));
        List<Jdk> jdks = findJdks(jvmDir, hiddenDirs, notes);
        return new HostRuntimes(python, node, jdks, notes);
    }

    private interface VersionQuery {
        Optional<String> version(Path executable);
    }

    private static Optional<Interpreter> firstUsable(List<Path> candidates, String what, int minMajor, int minMinor,
                                                     List<Path> hiddenDirs, List<String> notes, VersionQuery query) {
        for (Path candidate : candidates) {
            if (!Files.isExecutable(candidate)) {
                continue;
            }
            Optional<List<Path>> extra = visibility(candidate, hiddenDirs, notes);
            if (extra.isEmpty()) {
                continue;
            }
            Optional<String> version = query.version(candidate);
            Matcher matcher = VERSION.matcher(version.orElse(""));
            if (!matcher.find()) {
                notes.add(candidate + " did not report a " + what + " version; passed over");
                continue;
            }
            int major = Integer.parseInt(matcher.group(1));
            int minor = Integer.parseInt(matcher.group(2));
            String numeric = matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3);
            if (major < minMajor || (major == minMajor && minor < minMinor)) {
                notes.add(candidate + " is " + what + " " + numeric + "; Hearth needs " + minMajor + "." + minMinor
                        + " or newer");
                continue;
            }
            return Optional.of(new Interpreter(candidate, numeric, extra.get()));
        }
        return Optional.empty();
    }

    /**
     * What must be made visible for {@code executable} to run in a sandbox: nothing for system
     * directories, its installation elsewhere; empty when it lives where sandboxes never see.
     */
    private static Optional<List<Path>> visibility(Path executable, List<Path> hiddenDirs, List<String> notes) {
        Path real;
        try {
            real = executable.toRealPath();
        } catch (IOException e) {
            notes.add(executable + " cannot be resolved (" + e.getMessage() + "); passed over");
            return Optional.empty();
        }
        if (hiddenDirs.stream().anyMatch(real::startsWith)) {
            notes.add(executable + " resolves to " + real + ", which sandboxes never see; passed over");
            return Optional.empty();
        }
        if (SYSTEM_DIRS.stream().anyMatch(real::startsWith)) {
            return Optional.of(List.of());
        }
        // e.g. /opt/python3.12/bin/python3.12: show the whole installation, not just the binary.
        Path installation = real.getParent() != null && real.getParent().getParent() != null
                ? real.getParent().getParent() : real;
        return Optional.of(List.of(installation));
    }

    private static List<Jdk> findJdks(Path jvmDir, List<Path> hiddenDirs, List<String> notes) {
        List<Path> entries = new ArrayList<>();
        if (Files.isDirectory(jvmDir)) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(jvmDir)) {
                dir.forEach(entries::add);
            } catch (IOException e) {
                notes.add("cannot list " + jvmDir + ": " + e.getMessage());
            }
        }
        // Real directories before the symlinks that alias them (java-1.17.0-openjdk-amd64 → java-17-…).
        entries.sort(Comparator.comparing(Files::isSymbolicLink).thenComparing(Comparator.naturalOrder()));
        List<Jdk> jdks = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path entry : entries) {
            Path real;
            try {
                real = entry.toRealPath();
            } catch (IOException e) {
                continue;
            }
            if (!seen.add(real) || !Files.isExecutable(real.resolve("bin/java"))) {
                continue;
            }
            Optional<String> version = releaseVersion(real.resolve("release"));
            Matcher feature = FEATURE.matcher(version.orElse(""));
            if (!feature.find()) {
                notes.add(entry + " has no JAVA_VERSION in its release file; passed over");
                continue;
            }
            Optional<List<Path>> extra = visibility(real.resolve("bin/java"), hiddenDirs, notes);
            if (extra.isPresent()) {
                jdks.add(new Jdk(real, version.get(), Integer.parseInt(feature.group(1)),
                        extra.get().isEmpty() ? List.of() : List.of(real)));
            }
        }
        return jdks;
    }

    private static Optional<String> releaseVersion(Path releaseFile) {
        if (!Files.isRegularFile(releaseFile)) {
            return Optional.empty();
        }
        Properties release = new Properties();
        try (InputStream in = Files.newInputStream(releaseFile)) {
            release.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(release.getProperty("JAVA_VERSION")).map(v -> v.replace("\"", "").strip())
                .filter(v -> !v.isEmpty());
    }

    /** First line of a version query's output, or empty if it fails or hangs. */
    static Optional<String> query(Path executable, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The node's own environment (PYTHONHOME, NODE_OPTIONS …) must not skew the answer.
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        Process process = null;
        try {
            process = builder.start();
            process.getOutputStream().close();
            // A version line fits the pipe's buffer, so waiting before reading cannot block the child.
            if (!process.waitFor(QUERY_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return Optional.empty();
            }
            byte[] output = process.getInputStream().readNBytes(4096);
            return new String(output, StandardCharsets.UTF_8).lines().findFirst().map(String::strip);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }
}
