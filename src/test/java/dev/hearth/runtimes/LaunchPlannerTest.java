package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Interpreter;
import dev.hearth.runtimes.HostRuntimes.Jdk;
import dev.hearth.runtimes.LaunchPlanner.Plan;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LaunchPlannerTest {

    private static final Path ROOT = Path.of("/data/runtimes/0123456789abcdef");
    private static final BootstrapFiles FILES = new BootstrapFiles(ROOT, Optional.of("libaws-lambda-jni.linux-x86_64.so"));
    private static final Interpreter PYTHON = new Interpreter(Path.of("/usr/bin/python3"), "3.11.2", List.of());
    private static final Interpreter NODE = new Interpreter(Path.of("/usr/bin/node"), "20.20.2", List.of());
    private static final Jdk JDK17 = new Jdk(Path.of("/usr/lib/jvm/java-17-openjdk-amd64"), "17.0.15", 17, List.of());
    private static final Jdk JDK25 = new Jdk(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"), "25.0.3", 25, List.of());

    private static final LaunchPlanner EVERYTHING = new LaunchPlanner(
            new HostRuntimes(Optional.of(PYTHON), Optional.of(NODE), List.of(JDK25, JDK17), List.of()), FILES);
    private static final LaunchPlanner NOTHING = new LaunchPlanner(
            new HostRuntimes(Optional.empty(), Optional.empty(), List.of(), List.of()), FILES);

    private static RuntimeLaunch ready(Plan plan) {
        assertThat(plan).isInstanceOf(Plan.Ready.class);
        return ((Plan.Ready) plan).launch();
    }

    private static String unavailable(Plan plan) {
        assertThat(plan).isInstanceOf(Plan.Unavailable.class);
        return ((Plan.Unavailable) plan).reason();
    }

    @Test
    void python_anyMinorVersion_runsOnTheMachinesPython_andReportsItsRealVersion() {
        for (String runtime : List.of("python3.9", "python3.12", "python3.14")) {
            RuntimeLaunch launch = ready(EVERYTHING.plan(runtime, "app.handler", 128, Optional.empty()));

            assertThat(launch.command()).containsExactly("/usr/bin/python3", "/var/runtime/bootstrap.py");
            assertThat(launch.runtimeDir()).isEqualTo(ROOT.resolve("python"));
            assertThat(launch.environment()).isEqualTo(Map.of("PYTHONPATH", "/var/runtime"));
            assertThat(launch.runtimeVersion()).isEqualTo("python:3.11.2");
        }
    }

    @Test
    void node_runsIndexMjs_withAHeapCapBelowTheMemory_andTheRuntimesNodePath() {
        RuntimeLaunch launch = ready(EVERYTHING.plan("nodejs22.x", "index.handler", 1000, Optional.empty()));

        assertThat(launch.command()).containsExactly("/usr/bin/node", "--expose-gc", "--max-http-header-size=81920",
                "--max-old-space-size=900", "/var/runtime/index.cjs");
        assertThat(launch.runtimeDir()).isEqualTo(ROOT.resolve("node"));
        assertThat(launch.environment()).containsEntry("NODE_PATH",
                "/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task");
        assertThat(launch.runtimeVersion()).isEqualTo("nodejs:20.20.2");
    }

    @Test
    void java_usesTheManagedRuntimeCommandLine_onTheNearestJdk() {
        RuntimeLaunch launch = ready(EVERYTHING.plan("java21", "com.example.App::handleRequest", 1024, Optional.empty()));

        assertThat(launch.command()).containsExactly(
                "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java",
                "-XX:MaxHeapSize=870m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-XX:+ErrorFileToStderr",
                "-Djava.net.preferIPv4Stack=true",
                "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI="
                        + "/var/runtime/lib/jni/libaws-lambda-jni.linux-x86_64.so",
                "-cp", "/var/runtime/lib/*",
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                "com.example.App::handleRequest");
        assertThat(launch.runtimeDir()).isEqualTo(ROOT.resolve("java"));
        assertThat(launch.environment()).isEmpty();
        assertThat(launch.runtimeVersion()).isEqualTo("java:25.0.3");
    }

    @Test
    void java_withAReadyAotCache_mountsItsRuntimeDir_andPassesTheCacheThroughTheWrapper() {
        Path cached = Path.of("/data/runtimes/java-aot/0123456789abcdef-jdk25.0.3-aa");
        LaunchPlanner planner = new LaunchPlanner(
                new HostRuntimes(Optional.empty(), Optional.empty(), List.of(JDK25, JDK17), List.of()), FILES,
                jdk -> Optional.of(cached));

        RuntimeLaunch launch = ready(planner.plan("java21", "com.example.App::handleRequest", 1024, Optional.empty()));

        assertThat(launch.command().subList(0, 6)).containsExactly("/bin/sh", "-c", LaunchPlanner.AOT_WRAPPER,
                "hearth-java", "/var/runtime/hearth-ric.aot", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        // The wrapper names the cache (-XX:SharedArchiveFile); the rest is the managed runtime's command line.
        assertThat(launch.command()).doesNotContain("-Xshare:auto")
                .contains("-XX:MaxHeapSize=870m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .endsWith("-cp", "/var/runtime/lib/*", "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                        "com.example.App::handleRequest");
        assertThat(launch.runtimeDir()).isEqualTo(cached);
        assertThat(launch.runtimeVersion()).isEqualTo("java:25.0.3");
    }

    @Test
    void java_onAJdkOlderThan25_neverAsksForAnAotCache() {
        LaunchPlanner planner = new LaunchPlanner(
                new HostRuntimes(Optional.empty(), Optional.empty(), List.of(JDK17), List.of()), FILES,
                jdk -> {
                    throw new AssertionError("asked for a cache of JDK " + jdk.version());
                });

        RuntimeLaunch launch = ready(planner.plan("java17", "a.B", 512, Optional.empty()));

        assertThat(launch.command().getFirst()).isEqualTo("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        assertThat(launch.command()).contains("-Xshare:auto");
        assertThat(launch.runtimeDir()).isEqualTo(ROOT.resolve("java"));
    }

    @Test
    void java_olderFeatureReleases_runOnTheClosestJdkAtLeastAsNew() {
        assertThat(ready(EVERYTHING.plan("java11", "a.B", 512, Optional.empty())).runtimeVersion()).isEqualTo("java:17.0.15");
        RuntimeLaunch java17 = ready(EVERYTHING.plan("java17", "a.B", 512, Optional.empty()));
        assertThat(java17.runtimeVersion()).isEqualTo("java:17.0.15");
        assertThat(java17.command().getFirst()).isEqualTo("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        // JDK 17 has no native-access warning to silence.
        assertThat(java17.command()).doesNotContain("--enable-native-access=ALL-UNNAMED");
        assertThat(ready(EVERYTHING.plan("java25", "a.B", 512, Optional.empty())).runtimeVersion()).isEqualTo("java:25.0.3");
    }

    @Test
    void java_withoutANewEnoughJdk_isUnavailable_namingWhatWasFound() {
        LaunchPlanner only17 = new LaunchPlanner(
                new HostRuntimes(Optional.empty(), Optional.empty(), List.of(JDK17), List.of()), FILES);

        assertThat(unavailable(only17.plan("java21", "a.B", 512, Optional.empty()))).isEqualTo(
                "Hearth cannot run java21 functions here: it needs a JDK 21 or newer under /usr/lib/jvm "
                        + "(found 17.0.15 at /usr/lib/jvm/java-17-openjdk-amd64)");
    }

    @Test
    void java_withoutAJniLibraryForThisPlatform_letsTheRicFindItsOwn() {
        LaunchPlanner planner = new LaunchPlanner(
                new HostRuntimes(Optional.empty(), Optional.empty(), List.of(JDK25), List.of()),
                new BootstrapFiles(ROOT, Optional.empty()));

        assertThat(ready(planner.plan("java25", "a.B", 512, Optional.empty())).command())
                .noneMatch(arg -> arg.contains("NativeClient.JNI"));
    }

    @Test
    void provided_runsTheFunctionsBootstrap() {
        RuntimeLaunch launch = ready(EVERYTHING.plan("provided.al2023", "ignored", 128, Optional.of("/var/task/bootstrap")));

        assertThat(launch.command()).containsExactly("/var/task/bootstrap");
        assertThat(launch.runtimeDir()).isEqualTo(ROOT.resolve("provided"));
        assertThat(launch.runtimeVersion()).isEqualTo("provided:al2023");
        assertThat(ready(EVERYTHING.plan("provided", "x", 128, Optional.of("/opt/bootstrap"))).command())
                .containsExactly("/opt/bootstrap");
    }

    @Test
    void provided_withoutABootstrap_isUnavailableWithAwsMessage() {
        assertThat(unavailable(EVERYTHING.plan("provided.al2", "x", 128, Optional.empty())))
                .isEqualTo("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
    }

    @Test
    void missingInterpreters_makeTheirRuntimesUnavailable_withWhatToInstall() {
        assertThat(unavailable(NOTHING.plan("python3.12", "a.b", 128, Optional.empty()))).isEqualTo(
                "Hearth cannot run python3.12 functions here: no python3 (3.9 or newer) at /usr/local/bin/python3 "
                        + "or /usr/bin/python3; install one (e.g. apt-get install python3)");
        assertThat(unavailable(NOTHING.plan("nodejs20.x", "a.b", 128, Optional.empty())))
                .startsWith("Hearth cannot run nodejs20.x functions here: no node (18 or newer)");
        assertThat(unavailable(NOTHING.plan("java17", "a.B", 128, Optional.empty())))
                .endsWith("needs a JDK 17 or newer under /usr/lib/jvm (none found)");
    }

    @Test
    void unsupportedRuntime_isUnavailable_evenWithEverythingInstalled() {
        assertThat(unavailable(EVERYTHING.plan("ruby3.3", "a.b", 128, Optional.empty())))
                .isEqualTo("Hearth cannot run ruby3.3 functions: no ruby runtime support yet");
    }

    @Test
    void describe_saysWhatRunsEachFamily() {
        assertThat(EVERYTHING.describe()).contains(
                "python3.9 … python3.14: /usr/bin/python3 (Python 3.11.2; every python3.x function runs on it)",
                "nodejs18.x … nodejs24.x: /usr/bin/node (Node.js 20.20.2; every nodejsNN.x function runs on it)",
                "java11: /usr/lib/jvm/java-17-openjdk-amd64 (Java 17.0.15) with the AWS runtime interface client 2.9.0",
                "java21: /usr/lib/jvm/temurin-25-jdk-amd64 (Java 25.0.3) with the AWS runtime interface client 2.9.0",
                "provided, provided.al2, provided.al2023: the function's own /var/task/bootstrap (or /opt/bootstrap from a layer)");
        assertThat(NOTHING.describe()).anyMatch(line -> line.startsWith("python3.9 … python3.14: unavailable — "));
    }
}
