package dev.hearth.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The entry point of this package: finds out what isolation the machine offers and builds the best
 * {@link SandboxLauncher} for it — bubblewrap plus cgroups, or plain processes (plus cgroups when
 * usable) where bubblewrap is missing or cannot work. The composition root calls {@link #detect} once;
 * {@code hearth doctor} calls {@link #probe}.
 *
 * <p>Threading: both methods block briefly (they start a few throw-away bubblewrap sandboxes, ~10 ms
 * each) and may be called from any thread.
 */
public final class Sandboxes {

    private Sandboxes() {
    }

    /**
     * Probes the machine and returns its best launcher. Never fails for lack of an isolation feature
     * (see {@link SandboxLauncher#isolation()} for what is missing).
     *
     * @param workDir a node-private scratch directory under the data dir; holds the sandboxes' generated
     *                {@code /etc/passwd}, {@code /etc/group} and empty {@code /opt}, and is never shown to them
     * @throws UncheckedIOException if {@code workDir} cannot be prepared
     */
    public static SandboxLauncher detect(Path workDir) {
        HostProbe host = HostProbe.run();
        Path emptyDir;
        Path passwd;
        Path group;
        try {
            Path etc = Files.createDirectories(workDir.resolve("etc"));
            emptyDir = Files.createDirectories(workDir.resolve("empty"));
            passwd = Files.writeString(etc.resolve("passwd"), host.user().passwd());
            group = Files.writeString(etc.resolve("group"), host.user().group());
            // Bind mounts keep the source's modes, and the unprivileged user must read these.
            Files.setPosixFilePermissions(emptyDir, PosixFilePermissions.fromString("r-xr-xr-x"));
            Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(group, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the sandbox work dir " + workDir + ": " + e.getMessage(), e);
        }
        Cgroups cgroups = Cgroups.open(CgroupMounts.read(), nodeTag());
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> advice = new ArrayList<>(host.advice());
        advice.addAll(cgroups.advice());
        if (host.bwrap().isPresent()) {
            BwrapCommand command = new BwrapCommand(host.bwrap().get(), SystemView.args(Path.of("/"), passwd, group),
                    host.sizedTmp(), host.userSwitch(), emptyDir, workDir.toAbsolutePath().normalize());
            int uid = host.userSwitch().map(u -> u.user().uid()).orElse(-1);
            return new ProcessLauncher(command, cgroups, new Isolation(true, cgroups.version(), uid, advice), cores);
        }
        return new ProcessLauncher(new PlainCommand(host.setpriv(), emptyDir), cgroups,
                new Isolation(false, cgroups.version(), -1, advice), cores);
    }

    /** What {@link #detect} would find, for {@code hearth doctor}; creates nothing. Never throws. */
    public static Isolation probe() {
        HostProbe host = HostProbe.run();
        Cgroups.Support cgroups = Cgroups.probe(CgroupMounts.read());
        List<String> advice = new ArrayList<>(host.advice());
        advice.addAll(cgroups.advice());
        int uid = host.userSwitch().map(u -> u.user().uid()).orElse(-1);
        return new Isolation(host.bwrap().isPresent(), cgroups.version(), host.bwrap().isPresent() ? uid : -1, advice);
    }

    /** Names this launcher's cgroup subtree: the pid lets a later node recognise it as stale. */
    private static String nodeTag() {
        return "node-" + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }
}
