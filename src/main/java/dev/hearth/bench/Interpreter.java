package dev.hearth.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An interpreter or JVM the node runs functions with, for the cold-start baselines.
 *
 * @param label         e.g. "python3"
 * @param executable    absolute host path of the binary (resolved past launcher shims such as pyenv's)
 * @param baselineArgs  the arguments of the do-nothing baseline: {@code -c pass}, {@code -e 0}, {@code -version}
 * @param version       what the binary reports, e.g. "Python 3.11.2"
 * @param extraReadOnly host paths outside the system directories the binary needs inside a sandbox
 */
record Interpreter(String label, Path executable, List<String> baselineArgs, String version, List<Path> extraReadOnly) {

    /**
     * The whole environment of a baseline process, direct or sandboxed alike (a function's runtime does not
     * inherit the node's environment either: e.g. NODE_EXTRA_CA_CERTS alone doubles node's start-up).
     */
    static final Map<String, String> BASELINE_ENV =
            Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8", "HOME", "/tmp");

    Interpreter {
        baselineArgs = List.copyOf(baselineArgs);
        extraReadOnly = List.copyOf(extraReadOnly);
    }

    List<String> baselineCommand() {
        List<String> argv = new ArrayList<>();
        argv.add(executable.toString());
        argv.addAll(baselineArgs);
        return argv;
    }

    /** How the table names the baseline, e.g. "python3 -c pass". */
    String baselineName() {
        return label + " " + String.join(" ", baselineArgs);
    }
}
