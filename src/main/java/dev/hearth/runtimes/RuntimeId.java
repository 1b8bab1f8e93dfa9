package dev.hearth.runtimes;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lambda runtime identifier that Hearth knows how to run, e.g. {@code python3.12} →
 * (PYTHON, 12), {@code nodejs20.x} → (NODE, 20), {@code java21} → (JAVA, 21), {@code provided.al2023}
 * → (PROVIDED, 0). Pure.
 *
 * @param name    the identifier as AWS spells it
 * @param family  which bootstrap runs it
 * @param version python's minor version, node's and java's major version; 0 for {@code provided*}
 */
record RuntimeId(String name, Family family, int version) {

    enum Family { PYTHON, NODE, JAVA, PROVIDED }

    static final int PYTHON_MIN = 9;
    static final int PYTHON_MAX = 14;
    static final Set<Integer> NODE_VERSIONS = Set.of(18, 20, 22, 24);
    static final Set<Integer> JAVA_VERSIONS = Set.of(11, 17, 21, 25);
    static final Set<String> PROVIDED = Set.of("provided", "provided.al2", "provided.al2023");

    private static final Pattern PYTHON = Pattern.compile("python3\\.(\\d+)");
    private static final Pattern NODE = Pattern.compile("nodejs(\\d+)\\.x");
    private static final Pattern JAVA = Pattern.compile("java(\\d+)");
    private static final Pattern FAMILY_WORD = Pattern.compile("^([a-z]+)");

    static Optional<RuntimeId> parse(String runtime) {
        Matcher python = PYTHON.matcher(runtime);
        if (python.matches()) {
            int minor = Integer.parseInt(python.group(1));
            return minor >= PYTHON_MIN && minor <= PYTHON_MAX
                    ? Optional.of(new RuntimeId(runtime, Family.PYTHON, minor)) : Optional.empty();
        }
        Matcher node = NODE.matcher(runtime);
        if (node.matches()) {
            int major = Integer.parseInt(node.group(1));
            return NODE_VERSIONS.contains(major) ? Optional.of(new RuntimeId(runtime, Family.NODE, major)) : Optional.empty();
        }
        Matcher java = JAVA.matcher(runtime);
        if (java.matches()) {
            int feature = Integer.parseInt(java.group(1));
            return JAVA_VERSIONS.contains(feature) ? Optional.of(new RuntimeId(runtime, Family.JAVA, feature)) : Optional.empty();
        }
        return PROVIDED.contains(runtime) ? Optional.of(new RuntimeId(runtime, Family.PROVIDED, 0)) : Optional.empty();
    }

    /** Why {@code runtime} is not one Hearth runs at all (whatever the machine has). */
    static String unsupportedReason(String runtime) {
        String prefix = "Hearth cannot run " + runtime + " functions: ";
        if (runtime.startsWith("python")) {
            return prefix + "only python3." + PYTHON_MIN + " to python3." + PYTHON_MAX + " are supported";
        }
        if (runtime.startsWith("nodejs")) {
            return prefix + "only nodejs18.x, nodejs20.x, nodejs22.x and nodejs24.x are supported";
        }
        if (runtime.startsWith("java8")) {
            return prefix + "no Java 8 runtime support yet (java11, java17, java21 and java25 are supported)";
        }
        if (runtime.startsWith("provided") || runtime.startsWith("java")) {
            return prefix + "unknown runtime";
        }
        Matcher family = FAMILY_WORD.matcher(runtime);
        return family.find() && Set.of("ruby", "dotnet", "dotnetcore", "go").contains(family.group(1))
                ? prefix + "no " + family.group(1) + " runtime support yet"
                : prefix + "unknown runtime";
    }
}
