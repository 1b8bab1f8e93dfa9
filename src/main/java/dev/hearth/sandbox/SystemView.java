package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The part of the host a sandbox may see, as bubblewrap arguments: the system directories read-only,
 * a chosen few files of {@code /etc}, a fresh {@code /proc} and a minimal {@code /dev}. Computed once per
 * launcher (it inspects the host), then shared by every sandbox.
 *
 * <p>Why only some of {@code /etc}: the host's {@code /etc} holds its own secrets in world-readable files
 * often enough ({@code /etc/pip.conf} and {@code /etc/npmrc} with registry tokens, database client
 * configs, {@code /etc/machine-id}), and Lambda functions see Amazon Linux's {@code /etc}, not their
 * host's. What runtimes do need is listed in {@link #ETC}: TLS roots, name resolution, the dynamic
 * linker's cache, time zones, the alternatives links, and the JDK's and Python's own configuration.
 * {@code /etc/passwd} and {@code /etc/group} are Hearth's own ({@link SandboxUser}).
 *
 * <p>Threading: immutable once built.
 */
final class SystemView {

    /** Paths below {@code /etc} made visible when the host has them. */
    static final List<String> ETC = List.of(
            "ssl/certs", "ssl/openssl.cnf", "ca-certificates", "ca-certificates.conf",
            "pki/tls/certs", "pki/tls/cert.pem", "pki/tls/openssl.cnf", "pki/ca-trust", "pki/java", "crypto-policies",
            "resolv.conf", "hosts", "host.conf", "nsswitch.conf", "gai.conf", "services", "protocols",
            "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "locale.alias", "locale.conf",
            "alternatives", "mime.types", "os-release", "fonts");

    /** Prefixes of {@code /etc} entries that belong to an installed runtime ({@code java-17-openjdk}, {@code python3.11}). */
    private static final List<String> ETC_RUNTIME_PREFIXES = List.of("java", "python3");

    /** Top-level system directories shown read-only (or as the symlinks they are on merged-/usr hosts). */
    static final List<String> SYSTEM_DIRS = List.of("usr", "bin", "sbin", "lib", "lib64", "lib32", "libx32");

    private SystemView() {
    }

    /**
     * @param root   the host's root, {@code /} except in tests
     * @param passwd the sandbox's {@code /etc/passwd}, outside the sandbox
     * @param group  the sandbox's {@code /etc/group}
     */
    static List<String> args(Path root, Path passwd, Path group) {
        List<String> args = new ArrayList<>(systemDirs(root));
        args.addAll(locales(root));
        args.addAll(List.of("--perms", "0755", "--dir", "/etc"));
        Set<String> made = new LinkedHashSet<>(List.of("/etc"));
        for (String entry : etcEntries(root)) {
            Path host = root.resolve("etc").resolve(entry);
            String inside = "/etc/" + entry;
            if (!Files.exists(host)) {
                continue;
            }
            parents(inside, made, args);
            if (Files.isSymbolicLink(host) && pointsIntoSystemDirs(root, host)) {
                // Keep the link (e.g. /etc/localtime → zoneinfo): tools read the zone's name off it.
                args.addAll(List.of("--symlink", readLink(host), inside));
            } else {
                args.addAll(List.of("--ro-bind-try", host.toString(), inside));
            }
        }
        args.addAll(List.of("--ro-bind", passwd.toString(), "/etc/passwd"));
        args.addAll(List.of("--ro-bind", group.toString(), "/etc/group"));
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        return List.copyOf(args);
    }

    /** {@code /usr} and friends: read-only, or the symlinks they are on merged-/usr hosts. */
    static List<String> systemDirs(Path root) {
        List<String> args = new ArrayList<>();
        for (String dir : SYSTEM_DIRS) {
            Path host = root.resolve(dir);
            if (Files.isSymbolicLink(host)) {
                args.addAll(List.of("--symlink", readLink(host), "/" + dir));
            } else if (Files.isDirectory(host)) {
                args.addAll(List.of("--ro-bind", host.toString(), "/" + dir));
            }
        }
        return args;
    }

    /**
     * Lambda sets {@code LANG=en_US.UTF-8}, and its runtimes run in that locale. A host without that locale
     * (Debian's base images ship only {@code C.utf8}) would leave every function in the C locale: the JVM's
     * file-name encoding ASCII, Python coercing itself to {@code C.UTF-8} and adding {@code LC_CTYPE} to the
     * function's environment. So when the host has {@code C.utf8} but neither a locale archive nor an
     * {@code en_US} UTF-8 locale of its own, the sandbox's {@code /usr/lib/locale} is a small tmpfs that
     * shows the host's locales plus {@code C.utf8} under the name {@code en_US.utf8} (glibc looks for
     * {@code en_US.UTF-8} under its normalised codeset). A host with an archive is left as it is: its
     * {@code en_US.UTF-8}, if any, is the real one.
     */
    static List<String> locales(Path root) {
        Path usr = root.resolve("usr");
        Path locales = root.resolve("usr/lib/locale");
        if (Files.isSymbolicLink(usr) || !Files.isDirectory(locales.resolve("C.utf8"))
                || Files.exists(locales.resolve("locale-archive")) || Files.exists(locales.resolve("en_US.utf8"))
                || Files.exists(locales.resolve("en_US.UTF-8"))) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("--perms", "0755", "--tmpfs", "/usr/lib/locale"));
        try (Stream<Path> entries = Files.list(locales)) {
            entries.map(p -> p.getFileName().toString()).sorted().forEach(name -> args.addAll(
                    List.of("--ro-bind", locales.resolve(name).toString(), "/usr/lib/locale/" + name)));
        } catch (IOException e) {
            return List.of();
        }
        args.addAll(List.of("--ro-bind", locales.resolve("C.utf8").toString(), "/usr/lib/locale/en_US.utf8"));
        return args;
    }

    /** Whether {@code inside} is already visible through a system directory (no need to bind it again). */
    static boolean underSystemDirs(Path inside) {
        return SYSTEM_DIRS.stream().anyMatch(d -> inside.startsWith("/" + d));
    }

    /**
     * Adds {@code --perms 0755 --dir} for each missing ancestor of {@code inside}: bubblewrap would create
     * them itself, but owner-only, and the unprivileged user could not walk through.
     */
    static void parents(String inside, Set<String> made, List<String> args) {
        Path parent = Path.of(inside).getParent();
        List<String> missing = new ArrayList<>();
        for (Path p = parent; p != null && p.getNameCount() > 0; p = p.getParent()) {
            if (made.contains(p.toString())) {
                break;
            }
            missing.addFirst(p.toString());
        }
        for (String dir : missing) {
            args.addAll(List.of("--perms", "0755", "--dir", dir));
            made.add(dir);
        }
    }

    private static List<String> etcEntries(Path root) {
        List<String> entries = new ArrayList<>(ETC);
        try (Stream<Path> etc = Files.list(root.resolve("etc"))) {
            etc.map(p -> p.getFileName().toString())
                    .filter(name -> ETC_RUNTIME_PREFIXES.stream().anyMatch(name::startsWith))
                    .sorted()
                    .forEach(entries::add);
        } catch (IOException e) {
            // No readable /etc: nothing more to show.
        }
        return entries;
    }

    private static boolean pointsIntoSystemDirs(Path root, Path link) {
        try {
            Path real = link.toRealPath();
            return SYSTEM_DIRS.stream().anyMatch(d -> real.startsWith(root.resolve(d)));
        } catch (IOException e) {
            return false;
        }
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return link.toString();
        }
    }
}
