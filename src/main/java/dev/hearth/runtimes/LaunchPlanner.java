package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Interpreter;
import dev.hearth.runtimes.HostRuntimes.Jdk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides how a runtime is launched on this machine: which interpreter or JDK, the command line inside
 * the sandbox, the runtime's own variables, and the version reported in {@code INIT_START}. Pure: the
 * machine ({@link HostRuntimes}), the unpacked bootstraps and the Java AOT caches ({@link JavaArchives})
 * are inputs, so every rule is unit-tested without processes.
 *
 * <p>A managed runtime asking for a version the machine lacks (python3.14 on a 3.11 host) runs on what
 * the machine has, and says so through {@link RuntimeLaunch#runtimeVersion()}. Java is the exception: a
 * class compiled for Java 21 does not load on 17, so {@code javaNN} needs a JDK of feature NN or newer.
 *
 * <p>Immutable and thread-safe.
 */
final class LaunchPlanner {

    /** The outcome for one runtime: a launch, or the reason there is none. */
    sealed interface Plan {
        record Ready(RuntimeLaunch launch) implements Plan {
        }

        record Unavailable(String reason) implements Plan {
        }
    }

    static final String RUNTIME_DIR = "/var/runtime";
    static final String TASK_BOOTSTRAP = "/var/task/bootstrap";
    static final String OPT_BOOTSTRAP = "/opt/bootstrap";
    /** AWS's Runtime.InvalidEntrypoint text for a custom runtime without a bootstrap. */
    static final String NO_BOOTSTRAP = "Couldn't find valid bootstrap(s): [" + TASK_BOOTSTRAP + " " + OPT_BOOTSTRAP + "]";
    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /**
     * {@code sh -c} script run as {@code $0 = hearth-java}, {@code $1} = the AOT cache, then the JVM's argv.
     * Class-data sharing options of the function's own ({@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS})
     * win: the cache is left out (some cannot be combined with it, and ours would override theirs).
     * Otherwise the cache is used, and should it be unusable after all (a JDK changed under the node) the
     * JVM runs without it, its complaints kept out of the function's log. {@code exec} keeps the JVM the
     * sandbox's one process. The cache path is an argument of its own so that plain process mode rewrites
     * {@code /var/runtime} in it like in every other argument.
     *
     * <p>The cache is named with {@code -XX:SharedArchiveFile}, the option AWS names its own archive with,
     * not {@code -XX:AOTCache}: JDK 25 maps the same cache either way, but {@code -XX:AOTCache} also turns on
     * the replay of training data, which this cache does not have ({@link JavaTraining}), and whose thread is
     * still woken for every class the RIC initialises (some 300 futex round trips with the main thread;
     * measured, about 3 % of a cold start's main-thread and JVM CPU, BENCHMARKS.md).
     */
    static final String AOT_WRAPPER = """
            a=$1; shift
            case "$JAVA_TOOL_OPTIONS $JDK_JAVA_OPTIONS" in
              *Xshare*|*SharedArchiveFile*|*ArchiveClassesAtExit*|*AOT*|*aot*|*cds*) exec "$@" ;;
            esac
            j=$1; shift
            exec "$j" "-XX:SharedArchiveFile=$a" -Xlog:aot=off -Xlog:cds=off "$@"
            """;

    /** Where the Java runtime's AOT caches are, when one is ready for a JDK. */
    interface JavaArchives {
        JavaArchives NONE = jdk -> Optional.empty();

        /**
         * The directory to mount as {@code /var/runtime}: the Java runtime files plus
         * {@link JavaClassDataCache#ARCHIVE}, trained on {@code jdk}; empty while there is none (yet).
         */
        Optional<Path> runtimeDirFor(Jdk jdk);
    }

    private final HostRuntimes host;
    private final BootstrapFiles files;
    private final JavaArchives archives;

    LaunchPlanner(HostRuntimes host, BootstrapFiles files) {
        this(host, files, JavaArchives.NONE);
    }

    LaunchPlanner(HostRuntimes host, BootstrapFiles files, JavaArchives archives) {
        this.host = host;
        this.files = files;
        this.archives = archives;
    }

    /**
     * @param providedEntrypoint for {@code provided*}: the bootstrap found in the code or layers
     *                           ({@code /var/task/bootstrap} or {@code /opt/bootstrap}), if any
     */
    Plan plan(String runtime, String handler, int memoryMb, Optional<String> providedEntrypoint) {
        Optional<RuntimeId> id = RuntimeId.parse(runtime);
        if (id.isEmpty()) {
            return new Plan.Unavailable(RuntimeId.unsupportedReason(runtime));
        }
        return switch (id.get().family()) {
            case PYTHON -> host.python()
                    .<Plan>map(python -> new Plan.Ready(python(python)))
                    .orElseGet(() -> new Plan.Unavailable(missingPython(runtime)));
            case NODE -> host.node()
                    .<Plan>map(node -> new Plan.Ready(node(node, id.get(), memoryMb)))
                    .orElseGet(() -> new Plan.Unavailable(missingNode(runtime)));
            case JAVA -> host.jdkFor(id.get().version())
                    .<Plan>map(jdk -> new Plan.Ready(java(jdk, handler, memoryMb)))
                    .orElseGet(() -> new Plan.Unavailable(missingJdk(runtime, id.get().version())));
            case PROVIDED -> providedEntrypoint
                    .<Plan>map(entrypoint -> new Plan.Ready(provided(id.get(), entrypoint)))
                    .orElseGet(() -> new Plan.Unavailable(NO_BOOTSTRAP));
        };
    }

    private RuntimeLaunch python(Interpreter python) {
        return new RuntimeLaunch(List.of(python.executable().toString(), RUNTIME_DIR + "/bootstrap.py"),
                files.python(), Map.of("PYTHONPATH", RUNTIME_DIR), python.extraReadOnly(),
                "python:" + python.version());
    }

    private RuntimeLaunch node(Interpreter node, RuntimeId id, int memoryMb) {
        // As AWS's node bootstrap: the heap is capped below the function's memory so that V8 collects
        // (and fails with a JavaScript heap error) before the sandbox's memory limit kills the process.
        List<String> command = List.of(node.executable().toString(), "--expose-gc", "--max-http-header-size=81920",
                "--max-old-space-size=" + nodeHeapMb(memoryMb), RUNTIME_DIR + "/index.cjs");
        String nodePath = String.join(":", "/opt/nodejs/node" + id.version() + "/node_modules",
                "/opt/nodejs/node_modules", RUNTIME_DIR + "/node_modules", RUNTIME_DIR, "/var/task");
        return new RuntimeLaunch(command, files.node(), Map.of("NODE_PATH", nodePath), node.extraReadOnly(),
                "nodejs:" + node.version());
    }

    /** The V8 heap limit ({@code --max-old-space-size}) of a Node.js function with {@code memoryMb}. */
    static int nodeHeapMb(int memoryMb) {
        return Math.max(16, memoryMb * 9 / 10);
    }

    private RuntimeLaunch java(Jdk jdk, String handler, int memoryMb) {
        String jni = RUNTIME_DIR + "/" + BootstrapFiles.JNI_DIR + "/";
        List<String> options = javaOptions(jdk, memoryMb, files.jniLibrary().map(jni::concat));
        List<String> classpath = List.of("-cp", RUNTIME_DIR + "/lib/*", RIC_MAIN, handler);
        Optional<Path> archived = jdk.feature() >= JavaClassDataCache.MIN_FEATURE
                ? archives.runtimeDirFor(jdk) : Optional.empty();
        if (archived.isPresent()) {
            // The same runtime files plus the RIC's AOT cache (JavaClassDataCache), passed through a wrapper
            // that leaves it out when the function's own JAVA_TOOL_OPTIONS choose class-data sharing.
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", AOT_WRAPPER, "hearth-java",
                    RUNTIME_DIR + "/" + JavaClassDataCache.ARCHIVE, jdk.java().toString()));
            command.addAll(options);
            command.addAll(classpath);
            return new RuntimeLaunch(command, archived.get(), Map.of(), jdk.extraReadOnly(), "java:" + jdk.version());
        }
        List<String> command = new ArrayList<>();
        command.add(jdk.java().toString());
        command.addAll(options);
        // The JDK's default CDS archive (AWS maps its own runtime.jsa); with the AOT cache the wrapper names
        // that one instead.
        command.add(command.indexOf("-XX:TieredStopAtLevel=1") + 1, "-Xshare:auto");
        command.addAll(classpath);
        return new RuntimeLaunch(command, files.java(), Map.of(), jdk.extraReadOnly(), "java:" + jdk.version());
    }

    /**
     * The JVM options of AWS's managed java runtimes (reference §5.1), for functions and for training runs
     * alike: an AOT cache is only used by a JVM started the way it was trained. Heap at about 85 % of the
     * function's memory, SerialGC and C1 only for start-up speed, and org.crac hooks routed to the RIC's own
     * registry.
     *
     * @param jniLibrary where the RIC's native library is, as the JVM sees it
     */
    static List<String> javaOptions(Jdk jdk, int memoryMb, Optional<String> jniLibrary) {
        List<String> options = new ArrayList<>(List.of(
                "-XX:MaxHeapSize=" + Math.max(16, memoryMb * 85 / 100) + "m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:+ErrorFileToStderr",
                "-Djava.net.preferIPv4Stack=true",
                "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
                "--add-opens=java.base/java.io=ALL-UNNAMED"));
        if (jdk.feature() >= 22) {
            // The RIC loads its JNI library with System.load; JDK 24+ warns on stderr (the function's log)
            // unless native access is granted.
            options.add("--enable-native-access=ALL-UNNAMED");
        }
        jniLibrary.ifPresent(library -> options.add("-D" + JNI_PROPERTY + "=" + library));
        return options;
    }

    private RuntimeLaunch provided(RuntimeId id, String entrypoint) {
        String version = id.name().equals("provided") ? "provided" : "provided:" + id.name().substring("provided.".length());
        return new RuntimeLaunch(List.of(entrypoint), files.provided(), Map.of(), List.of(), version);
    }

    private String missingPython(String runtime) {
        return "Hearth cannot run " + runtime + " functions here: no python3 (3.9 or newer) at "
                + joinPaths(HostProbe.PYTHON_CANDIDATES) + "; install one (e.g. apt-get install python3)";
    }

    private String missingNode(String runtime) {
        return "Hearth cannot run " + runtime + " functions here: no node (18 or newer) at "
                + joinPaths(HostProbe.NODE_CANDIDATES) + "; install one (e.g. apt-get install nodejs)";
    }

    private String missingJdk(String runtime, int feature) {
        String found = host.jdks().isEmpty() ? "none found"
                : "found " + host.jdks().stream().map(jdk -> jdk.version() + " at " + jdk.home())
                        .collect(Collectors.joining(", "));
        return "Hearth cannot run " + runtime + " functions here: it needs a JDK " + feature + " or newer under "
                + HostProbe.JVM_DIR + " (" + found + ")";
    }

    private static String joinPaths(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(" or "));
    }

    /** One line per runtime family, for {@code hearth doctor}. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        String pythonRange = "python3." + RuntimeId.PYTHON_MIN + " … python3." + RuntimeId.PYTHON_MAX;
        lines.add(host.python()
                .map(p -> pythonRange + ": " + p.executable() + " (Python " + p.version()
                        + "; every python3.x function runs on it)")
                .orElseGet(() -> pythonRange + ": unavailable — " + missingPython("python3.x")));
        lines.add(host.node()
                .map(n -> "nodejs18.x … nodejs24.x: " + n.executable() + " (Node.js " + n.version()
                        + "; every nodejsNN.x function runs on it)")
                .orElseGet(() -> "nodejs18.x … nodejs24.x: unavailable — " + missingNode("nodejsNN.x")));
        for (int feature : RuntimeId.JAVA_VERSIONS.stream().sorted().toList()) {
            lines.add(host.jdkFor(feature)
                    .map(jdk -> "java" + feature + ": " + jdk.home() + " (Java " + jdk.version()
                            + ") with the AWS runtime interface client 2.9.0")
                    .orElseGet(() -> "java" + feature + ": unavailable — " + missingJdk("java" + feature, feature)));
        }
        lines.add("provided, provided.al2, provided.al2023: the function's own " + TASK_BOOTSTRAP + " (or "
                + OPT_BOOTSTRAP + " from a layer)");
        lines.add("not supported: ruby, dotnet, go1.x, java8.al2 and deprecated python/nodejs versions");
        host.notes().forEach(note -> lines.add("note: " + note));
        return List.copyOf(lines);
    }
}
