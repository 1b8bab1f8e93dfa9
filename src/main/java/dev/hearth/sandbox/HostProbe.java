package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What this machine offers for sandboxing, found once at start: bubblewrap (by actually starting a
 * throw-away sandbox with the options Hearth uses, since a bwrap binary that cannot create namespaces
 * here, e.g. in an unprivileged container or under an AppArmor user-namespace restriction, is as good as
 * none), whether it can size a tmpfs, and whether the node can drop to an unprivileged user inside it.
 * Costs one bwrap start of about 10-20 ms where everything works (up to four where not); never throws.
 *
 * @param bwrap      the usable bubblewrap binary, if any
 * @param sizedTmp   whether {@code --size} works (bubblewrap 0.7+, not setuid)
 * @param userSwitch how to drop to the unprivileged user, when the node is root and setpriv works
 * @param user       the user functions run as in bubblewrap: {@link SandboxUser#choose} when switching,
 *                   the node's own ids otherwise
 * @param advice     one line per missing feature
 */
record HostProbe(Optional<Path> bwrap, boolean sizedTmp, Optional<BwrapCommand.UserSwitch> userSwitch,
                 SandboxUser user, Optional<Path> setpriv, List<String> advice) {

    private static final long TRIAL_TIMEOUT_SECONDS = 3;

    HostProbe {
        advice = List.copyOf(advice);
    }

    static HostProbe run() {
        List<String> advice = new ArrayList<>();
        // It runs inside the sandbox too, so it must live where the sandbox can see it.
        Optional<Path> setpriv = which("setpriv").filter(SystemView::underSystemDirs);
        int uid = processId("unix:uid");
        SandboxUser user = uid == 0 ? SandboxUser.choose(read("/etc/passwd"), read("/etc/group"))
                : new SandboxUser(uid, processId("unix:gid"));
        Optional<Path> bwrap = which("bwrap");
        if (bwrap.isEmpty()) {
            advice.add("bubblewrap not found: functions run as plain processes without namespaces (they can read"
                    + " whatever the node can and see its processes); install it with apt-get install bubblewrap");
            return new HostProbe(Optional.empty(), false, Optional.empty(), user, setpriv, advice);
        }
        Optional<BwrapCommand.UserSwitch> wanted = uid == 0 ? setpriv.map(s -> new BwrapCommand.UserSwitch(s, user))
                : Optional.empty();
        if (uid == 0 && setpriv.isEmpty()) {
            advice.add("setpriv (util-linux) not found: functions run as root inside the sandbox, without"
                    + " capabilities; install util-linux");
        }
        // Best first: a sized /tmp and the user switch; then without either, to say precisely what is missing.
        List<Attempt> attempts = new ArrayList<>();
        for (boolean sized : List.of(true, false)) {
            wanted.ifPresent(w -> attempts.add(new Attempt(sized, wanted)));
            attempts.add(new Attempt(sized, Optional.empty()));
        }
        Map<Attempt, String> failures = new LinkedHashMap<>();
        for (Attempt attempt : attempts) {
            String failure = trial(bwrap.get(), attempt);
            if (failure != null) {
                failures.put(attempt, failure);
                continue;
            }
            if (!attempt.sized()) {
                advice.add("bubblewrap cannot size a tmpfs (" + failures.get(new Attempt(true, attempt.userSwitch()))
                        + "; needs 0.7 or newer, not setuid): /tmp is bounded by the memory limit only, not by"
                        + " EphemeralStorage; upgrade bubblewrap");
            }
            if (wanted.isPresent() && attempt.userSwitch().isEmpty()) {
                advice.add("cannot switch to an unprivileged user inside the sandbox ("
                        + failures.get(new Attempt(attempt.sized(), wanted)) + "): functions run as root inside it,"
                        + " without capabilities");
            }
            return new HostProbe(bwrap, attempt.sized(), attempt.userSwitch(), user, setpriv, advice);
        }
        advice.add("bubblewrap cannot create a sandbox here (" + failures.values().iterator().next() + "): functions"
                + " run as plain processes without namespaces; allow unprivileged user namespaces"
                + " (kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu)"
                + " or run the node as root");
        return new HostProbe(Optional.empty(), false, Optional.empty(), user, setpriv, advice);
    }

    private record Attempt(boolean sized, Optional<BwrapCommand.UserSwitch> userSwitch) {
    }

    /** Starts a throw-away sandbox with Hearth's options; null when it worked, else why not. */
    private static String trial(Path bwrap, Attempt attempt) {
        List<String> argv = new ArrayList<>(List.of(bwrap.toString(), "--die-with-parent", "--new-session",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"));
        if (attempt.userSwitch().isEmpty()) {
            argv.addAll(List.of("--cap-drop", "ALL"));
        }
        argv.addAll(SystemView.systemDirs(Path.of("/")));
        argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--perms", "0755", "--dir", "/var", "--perms", "1777"));
        if (attempt.sized()) {
            argv.addAll(List.of("--size", "1048576"));
        }
        argv.addAll(List.of("--tmpfs", "/tmp", "--clearenv", "--"));
        attempt.userSwitch().ifPresent(u -> argv.addAll(u.args()));
        argv.add(Files.isExecutable(Path.of("/usr/bin/true")) ? "/usr/bin/true" : "/bin/true");
        try {
            ProcessBuilder builder = CommandPlan.withoutInput(new ProcessBuilder(argv)).redirectErrorStream(true);
            builder.environment().clear();
            Process process = builder.start();
            if (!process.waitFor(TRIAL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "bwrap did not finish within " + TRIAL_TIMEOUT_SECONDS + " s";
            }
            String output = new String(process.getInputStream().readAllBytes()).strip();
            if (process.exitValue() == 0) {
                return null;
            }
            return output.isEmpty() ? "exit status " + process.exitValue() : output.lines().findFirst().orElseThrow();
        } catch (IOException e) {
            return String.valueOf(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** An executable on the node's PATH or in the usual system directories. */
    static Optional<Path> which(String name) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"));
        for (String dir : dirs) {
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The node's uid or gid: {@code /proc/self} belongs to the process's effective ids. */
    private static int processId(String attribute) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), attribute);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }
}
