package dev.hearth.boot;

import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.sandbox.Isolation;
import dev.hearth.sandbox.Sandboxes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code hearth doctor}: reports what this machine gives Hearth — isolation features (bubblewrap,
 * cgroups, an unprivileged user) and which runtimes can run — and what to install for what is
 * missing. Exit code 0 when functions get full isolation, 1 otherwise (they still run, as plain
 * processes).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Report which isolation features and runtimes this machine gives Hearth.")
final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "${env:HEARTH_DATA_DIR:-${env:HOME:-${sys:user.home}}/.hearth}",
            description = "The data dir to check (env HEARTH_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() {
        System.out.println("Hearth " + Main.version() + " on " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", JDK " + Runtime.version() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        Isolation isolation = Sandboxes.probe();
        System.out.println();
        System.out.println("Isolation");
        System.out.println("  bubblewrap namespaces: " + (isolation.bubblewrap() ? "yes" : "no"));
        System.out.println("  cgroups (memory/CPU/pid limits, Max Memory Used): " + isolation.cgroups());
        System.out.println("  functions run as: " + (isolation.unprivilegedUid() >= 0
                ? "uid " + isolation.unprivilegedUid() : "the node's own user"));
        isolation.advice().forEach(line -> System.out.println("  ! " + line));

        System.out.println();
        System.out.println("Runtimes");
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("hearth-doctor");
            ManagedRuntimes.create(scratch).describe().forEach(line -> System.out.println("  " + line));
        } catch (IOException | UncheckedIOException e) {
            System.out.println("  ! cannot inspect runtimes: " + e.getMessage());
        } finally {
            deleteQuietly(scratch);
        }

        System.out.println();
        System.out.println("Data dir " + dataDir.toAbsolutePath() + ": " + dataDirState(dataDir));
        return isolation.complete() ? 0 : 1;
    }

    private static String dataDirState(Path dir) {
        if (!Files.exists(dir)) {
            return "does not exist yet (created on first start)";
        }
        return Files.isWritable(dir) ? "writable" : "NOT writable: choose another with --data-dir";
    }

    private static void deleteQuietly(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            var all = paths.sorted(Comparator.reverseOrder()).toList();
            all.forEach(p -> p.toFile().setWritable(true, true)); // unpacked bootstraps are read-only
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover temp dir is harmless
        }
    }
}
