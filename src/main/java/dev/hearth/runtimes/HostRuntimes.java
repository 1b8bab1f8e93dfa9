package dev.hearth.runtimes;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What this machine has to run functions with, as probed once at start ({@link HostProbe}).
 *
 * @param python the python3 interpreter, when one of 3.9 or newer was found on a fixed path
 * @param node   the node binary, when one of 18 or newer was found on a fixed path
 * @param jdks   JDKs under {@code /usr/lib/jvm}, one per installation
 * @param notes  what was found and passed over, and why (for {@code hearth doctor})
 */
record HostRuntimes(Optional<Interpreter> python, Optional<Interpreter> node, List<Jdk> jdks, List<String> notes) {

    HostRuntimes {
        jdks = jdks.stream().sorted(Comparator.comparingInt(Jdk::feature)).toList();
        notes = List.copyOf(notes);
    }

    /**
     * An interpreter binary.
     *
     * @param executable    the path to run, as seen inside the sandbox (system directories appear at their
     *                      host paths)
     * @param version       the interpreter's own version, e.g. {@code 3.11.2} or {@code 20.20.2}
     * @param extraReadOnly its installation, when that lies outside the system directories
     */
    record Interpreter(Path executable, String version, List<Path> extraReadOnly) {
        Interpreter {
            extraReadOnly = List.copyOf(extraReadOnly);
        }
    }

    /**
     * A JDK.
     *
     * @param home          the JDK's directory; {@code bin/java} runs it
     * @param version       {@code JAVA_VERSION} of its {@code release} file, e.g. {@code 25.0.3}
     * @param feature       the feature release, e.g. 25
     * @param extraReadOnly the JDK itself, when it lies outside the system directories
     */
    record Jdk(Path home, String version, int feature, List<Path> extraReadOnly) {
        Jdk {
            extraReadOnly = List.copyOf(extraReadOnly);
        }

        Path java() {
            return home.resolve("bin/java");
        }
    }

    /** The JDK for a {@code javaNN} function: the same feature release if present, else the nearest newer. */
    Optional<Jdk> jdkFor(int feature) {
        return jdks.stream().filter(jdk -> jdk.feature() >= feature).findFirst();
    }
}
