package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds the bubblewrap command line of one sandbox: Lambda's filesystem layout (reference §4.5) on top
 * of {@link SystemView}, new pid/ipc/uts namespaces but the host's network (the runtime must reach its
 * Runtime API on the host's 127.0.0.1), an empty environment plus exactly the spec's variables, and the
 * switch to the unprivileged user as the last step before the function's command.
 *
 * <p>Order matters to bubblewrap (each option acts on the tree built so far): system view, then
 * {@code /tmp}, {@code /var/task}, {@code /var/runtime}, {@code /opt}, then the extra paths.
 *
 * <p>Threading: immutable; {@link #argv} may be called concurrently.
 *
 * @param bwrap      the bubblewrap binary
 * @param systemArgs {@link SystemView#args}, computed once per launcher
 * @param sizedTmp   whether this bubblewrap can size a tmpfs ({@code --size}, 0.7+)
 * @param user       how to drop to the unprivileged user, when the node is root
 * @param emptyDir   an empty directory of the node's, shown as {@code /opt} when there are no layers
 * @param privateDir the node's private directory: never shown to a sandbox, not even as an extra path
 */
record BwrapCommand(Path bwrap, List<String> systemArgs, boolean sizedTmp, Optional<UserSwitch> user, Path emptyDir,
                    Path privateDir) implements CommandPlan {

    /** Paths whose content the sandbox defines itself, so no host path may be shown inside them. */
    private static final List<Path> RESERVED = Stream.of("/tmp", "/proc", "/dev", "/var/task", "/var/runtime")
            .map(Path::of).toList();

    BwrapCommand {
        systemArgs = List.copyOf(systemArgs);
    }

    /**
     * Drops root inside the sandbox with util-linux's {@code setpriv}: real and effective ids, no
     * supplementary groups, no capabilities (inheritable, and a cleared bounding set so nothing can
     * regain them), and no-new-privileges so a setuid binary under {@code /usr} cannot raise them back.
     * It runs inside the sandbox, after bubblewrap (which needs root to mount) has finished.
     */
    record UserSwitch(Path setpriv, SandboxUser user) {
        List<String> args() {
            return List.of(setpriv.toString(), "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--nnp", "--");
        }
    }

    /**
     * The outer process has an environment of its own ({@code PATH} only: bubblewrap is started by absolute
     * path and clears it for the sandbox anyway) and runs in {@code /}, holding no node directory open.
     */
    @Override
    public ProcessBuilder processFor(SandboxSpec spec) {
        return CommandPlan.withoutInput(outerProcess(argv(spec)));
    }

    /**
     * A shell that joins a spare cgroup ahead of any launch and then waits, on its standard input, for
     * {@link #feed} to become this plan's bubblewrap ({@link WaitingLaunch}); same environment and directory.
     */
    ProcessBuilder waitingProcess(List<Path> procsFiles) {
        return outerProcess(WaitingLaunch.argv(procsFiles, bwrap)).redirectInput(ProcessBuilder.Redirect.PIPE);
    }

    /** What a {@link #waitingProcess} needs to become {@code spec}'s sandbox; empty when it cannot carry it. */
    Optional<byte[]> feed(SandboxSpec spec) {
        return WaitingLaunch.feed(options(spec), command(spec));
    }

    private static ProcessBuilder outerProcess(List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(Path.of("/").toFile());
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        return builder;
    }

    /** bubblewrap's monitor outside the namespaces and its pid 1 inside. */
    @Override
    public int ownedTasks() {
        return 2;
    }

    /**
     * {@code --die-with-parent}: the monitor gets SIGKILL when the node dies, its pid 1 when the monitor
     * dies, and the kernel kills a pid namespace whole when its pid 1 dies.
     */
    @Override
    public boolean diesWithNode() {
        return true;
    }

    /** @throws IllegalArgumentException if an extra read-only path would expose what must stay hidden */
    List<String> argv(SandboxSpec spec) {
        List<String> args = new ArrayList<>();
        args.add(bwrap.toString());
        args.addAll(options(spec));
        args.add("--");
        args.addAll(command(spec));
        return args;
    }

    /** bubblewrap's options, up to the {@code --} before the command. */
    private List<String> options(SandboxSpec spec) {
        List<String> args = new ArrayList<>();
        args.addAll(List.of("--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try"));
        if (user.isEmpty()) {
            // Nobody to switch to: at least keep root's capabilities (mount, devices…) out of the sandbox.
            args.addAll(List.of("--cap-drop", "ALL"));
        }
        args.addAll(systemArgs);
        args.addAll(List.of("--perms", "1777"));
        if (sizedTmp) {
            args.addAll(List.of("--size", Long.toString(spec.tmpSizeMb() * 1024L * 1024L)));
        }
        args.addAll(List.of("--tmpfs", "/tmp"));
        args.addAll(List.of("--perms", "0755", "--dir", "/var"));
        args.addAll(List.of("--ro-bind", spec.taskDir().toString(), "/var/task"));
        args.addAll(List.of("--ro-bind", spec.runtimeDir().toString(), "/var/runtime"));
        optAndExtras(spec, args);
        args.addAll(List.of("--chdir", "/var/task", "--clearenv"));
        new TreeMap<>(spec.environment()).forEach((k, v) -> args.addAll(List.of("--setenv", k, v)));
        return args;
    }

    /** The command bubblewrap runs: the switch to the unprivileged user, then the spec's. */
    private List<String> command(SandboxSpec spec) {
        List<String> args = new ArrayList<>();
        user.ifPresent(u -> args.addAll(u.args()));
        args.addAll(spec.command());
        return args;
    }

    /**
     * {@code /opt} is the layers directory, read-only. A runtime may need a host path under {@code /opt}
     * as well (JDKs often live in {@code /opt/java}); then {@code /opt} becomes a tmpfs holding the layers'
     * entries and those paths, made read-only once filled.
     */
    private void optAndExtras(SandboxSpec spec, List<String> args) {
        List<Path> extras = new ArrayList<>();
        for (Path extra : spec.extraReadOnly()) {
            Path p = checked(extra);
            if (!SystemView.underSystemDirs(p)) {
                extras.add(p);
            }
        }
        Path opt = spec.optDir().orElse(emptyDir);
        boolean mixedOpt = extras.stream().anyMatch(p -> p.startsWith("/opt"));
        Set<String> made = new LinkedHashSet<>(List.of("/etc", "/var", "/tmp"));
        if (mixedOpt) {
            args.addAll(List.of("--perms", "0755", "--tmpfs", "/opt"));
            made.add("/opt");
            for (Path entry : list(opt)) {
                args.addAll(List.of("--ro-bind", entry.toString(), "/opt/" + entry.getFileName()));
                made.add("/opt/" + entry.getFileName());
            }
        } else {
            args.addAll(List.of("--ro-bind", opt.toString(), "/opt"));
        }
        for (Path extra : extras) {
            SystemView.parents(extra.toString(), made, args);
            args.addAll(List.of("--ro-bind", extra.toString(), extra.toString()));
            made.add(extra.toString());
        }
        if (mixedOpt) {
            args.addAll(List.of("--remount-ro", "/opt"));
        }
    }

    private Path checked(Path extra) {
        Path p = extra.normalize();
        if (!p.isAbsolute() || p.getNameCount() == 0) {
            throw new IllegalArgumentException("extra read-only path must be absolute and not /: " + extra);
        }
        if (privateDir.startsWith(p) || p.startsWith(privateDir)) {
            throw new IllegalArgumentException("extra read-only path " + extra + " would expose the node's own files ("
                    + privateDir + ")");
        }
        for (Path reserved : RESERVED) {
            if (p.startsWith(reserved)) {
                throw new IllegalArgumentException("extra read-only path " + extra + " is inside " + reserved
                        + ", which the sandbox defines itself");
            }
        }
        return p;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
