package dev.hearth.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A sandbox's process started ahead, inside its spare cgroup, waiting to be told what to run: a tiny
 * shell that joins the cgroup ({@link Cgroup#joinThenExec}'s loop) and then reads the launch from its
 * standard input and {@code exec}s bubblewrap with it.
 *
 * <p>Why: on cgroup v1 the first write to a {@code cgroup.procs} file waits for an RCU grace period (the
 * kernel's {@code cgroup_threadgroup_rwsem} is a per-CPU semaphore whose writers wait for one): 10 ms
 * median on this machine, where the two writes after it take 0.1 ms. Every plain launch paid it between the
 * Invoke and the exec of bubblewrap, a fifth of a Python cold start. A process that joins ahead pays it off
 * the launch's path; the launch only writes its arguments down a pipe.
 *
 * <p>The feed, on the shell's standard input: the number of command words, the command words one per line,
 * each behind a mark: {@code -} and the word as it is, or, for a word with newlines (a runtime's
 * {@code sh -c} script), {@code %} and the word with its backslashes doubled and its newlines written
 * {@code \0012}, which the shell's {@code printf %b} turns back (in a subshell, so only for such words); then
 * bubblewrap's options, NUL-separated, which bubblewrap reads itself ({@code --args}, from descriptor 3, which it closes once read).
 * The shell's standard input is moved to descriptor 3 and {@code /dev/null} put in its place before any of
 * this, so the sandbox's standard input is {@code /dev/null}, as a plain launch's. The command stays on
 * bubblewrap's own command line, where it must be. A shell whose feed ends early (the node closed the pipe,
 * or died) exits 125, as a failed join does.
 *
 * <p>Threading: stateless.
 */
final class WaitingLaunch {

    /** Joins, moves the feed to descriptor 3, reads the command, then becomes bubblewrap. */
    private static final String SCRIPT = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift;"
            + " b=$1; exec 3<&0 </dev/null; IFS= read -r n <&3 || exit 125; set --;"
            + " while [ \"$n\" -gt 0 ]; do IFS= read -r a <&3 || exit 125;"
            + " case $a in %*) a=$(printf '%bx' \"${a#%}\"); a=${a%x};; *) a=${a#-};; esac;"
            + " set -- \"$@\" \"$a\"; n=$((n - 1)); done;"
            + " exec \"$b\" --args 3 -- \"$@\"";

    private WaitingLaunch() {
    }

    /** The waiting shell's argv: it joins {@code procsFiles}, then waits to become {@code bwrap}. */
    static List<String> argv(List<Path> procsFiles, Path bwrap) {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "hearth-wait"));
        procsFiles.forEach(p -> argv.add(p.toString()));
        argv.add("--");
        argv.add(bwrap.toString());
        return argv;
    }

    /**
     * What to write to the waiting shell for bubblewrap's {@code options} and the sandbox's {@code command};
     * empty when the feed cannot carry them (anything with a NUL, which no argument can hold anyway).
     */
    static Optional<byte[]> feed(List<String> options, List<String> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        out.writeBytes((command.size() + "\n").getBytes(StandardCharsets.US_ASCII));
        for (String word : command) {
            if (word.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            String line = word.indexOf('\n') < 0 ? "-" + word
                    : "%" + word.replace("\\", "\\\\").replace("\n", "\\0012");
            out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        for (String option : options) {
            if (option.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            out.writeBytes(option.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return Optional.of(out.toByteArray());
    }
}
