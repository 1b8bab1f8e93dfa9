package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Jdk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java runtime's AOT cache on this machine: trained once in the background (a real training run of the
 * RIC on JDK 25), then mapped by functions' JVMs, and never in a function's way when it is missing, stale,
 * or overridden by the function's own {@code JAVA_TOOL_OPTIONS}.
 */
@Timeout(300)
class JavaClassDataCacheTest extends ProcessTestSupport {

    private static final Duration TRAINING = Duration.ofSeconds(240);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HANDLER = "example.Echo::handleRequest";
    /** What {@code -Xlog:class+load} says of a RIC class that came from a CDS archive or AOT cache. */
    private static final String FROM_CACHE = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda source: shared objects file";
    private static final String EVENT_SERIALIZERS = "com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers";

    @TempDir
    static Path unpackDir;
    @TempDir
    static Path task;
    static BootstrapFiles files;
    static Jdk jdk;
    static JavaClassDataCache cache;
    static LaunchPlanner planner;

    @BeforeAll
    static void trainTheCache() throws IOException {
        HostRuntimes host = HostProbe.probe();
        Optional<Jdk> found = host.jdkFor(JavaClassDataCache.MIN_FEATURE);
        assumeTrue(found.isPresent(), "no JDK 25 or newer on this machine");
        jdk = found.get();
        files = BootstrapFiles.unpack(unpackDir, JavaClassDataCacheTest.class.getClassLoader());
        cache = JavaClassDataCache.create(files);
        planner = new LaunchPlanner(host, files, cache);
        compileEcho();

        assertThat(cache.runtimeDirFor(jdk)).as("training runs in the background, not on the launch").isEmpty();
        await().atMost(TRAINING).until(() -> cache.isReady(jdk));
    }

    @AfterAll
    static void stopTraining() {
        if (cache != null) {
            cache.close();
        }
    }

    @Test
    void readyCache_isMountedAsTheRuntimeDir_andTheRicsClassesComeFromIt() {
        RuntimeLaunch launch = launch("java21", planner);
        assertThat(launch.runtimeDir()).isNotEqualTo(files.java());
        assertThat(launch.runtimeDir().resolve(JavaClassDataCache.ARCHIVE)).isRegularFile();
        assertThat(launch.runtimeDir().resolve("lib/aws-lambda-java-runtime-interface-client-2.9.0.jar")).isRegularFile();

        process = RuntimeProcess.start(launch, task, api, HANDLER, MEMORY_MB, Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load"));

        assertResponse(api.invoke("{\"a\":1}"), "{\"echo\":{\"a\":1}}");
        assertThat(process.stdout()).anyMatch(line -> line.contains(FROM_CACHE));
    }

    @Test
    void handlerWithAPlainClassResult_findsTheRicsEventSerializersInTheCache() {
        // A result of a plain class (String, a POJO, Object) makes the RIC load its Lambda-event serialisers;
        // the training handler's shape puts them in the cache, so they are not read from the jar.
        String greeter = "example.Greeter::handleRequest";
        LaunchPlanner.Plan plan = planner.plan("java21", greeter, MEMORY_MB, Optional.empty());
        process = RuntimeProcess.start(((LaunchPlanner.Plan.Ready) plan).launch(), task, api, greeter, MEMORY_MB,
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load"));

        assertResponse(api.invoke("{\"name\":\"x\"}"), "\"hello x\"");
        assertThat(process.stdout()).anyMatch(line -> line.contains(EVENT_SERIALIZERS + " source: shared objects file"));
    }

    @Test
    void cacheTrainedEarlier_isReusedAfterARestart_withoutTrainingAgain() {
        JavaClassDataCache restarted = new JavaClassDataCache(files.root().getParent().resolve("java-aot"),
                files.root().getFileName().toString(), (j, target) -> {
                    throw new IOException("must not train again");
                });

        assertThat(restarted.runtimeDirFor(jdk)).isEqualTo(cache.runtimeDirFor(jdk));
    }

    @Test
    void staleCache_isIgnoredSilently_andTheFunctionRuns() throws IOException {
        Path stale = copyWithArchive(unpackDir.resolve("stale"), "not an AOT cache".getBytes());
        LaunchPlanner withStale = new LaunchPlanner(HostProbe.probe(), files, j -> Optional.of(stale));

        process = RuntimeProcess.start(launch("java21", withStale), task, api, HANDLER, MEMORY_MB, Map.of());

        assertResponse(api.invoke("{\"b\":2}"), "{\"echo\":{\"b\":2}}");
        assertThat(process.output()).doesNotContain("[aot]").doesNotContain("[cds]").doesNotContain("AOT cache");
    }

    @Test
    void functionsOwnSharingOptions_winOverTheCache_insteadOfStoppingTheJvm() {
        // The function's own sharing options win: the wrapper leaves the cache out (-Xshare:off beside
        // -XX:AOTCache is a fatal JVM error, and our archive option would override theirs).
        process = RuntimeProcess.start(launch("java21", planner), task, api, HANDLER, MEMORY_MB,
                Map.of("JAVA_TOOL_OPTIONS", "-Xshare:off -Xlog:class+load"));

        assertResponse(api.invoke("{\"c\":3}"), "{\"echo\":{\"c\":3}}");
        assertThat(process.output()).contains("Picked up JAVA_TOOL_OPTIONS: -Xshare:off");
        assertThat(process.stdout()).noneMatch(line -> line.contains(FROM_CACHE));
    }

    @Test
    void java17Functions_runWithoutTheCache_onTheirOwnJdk() {
        HostRuntimes host = HostProbe.probe();
        Optional<Jdk> jdk17 = host.jdkFor(17).filter(j -> j.feature() < JavaClassDataCache.MIN_FEATURE);
        assumeTrue(jdk17.isPresent(), "no JDK older than 25 for java17 here");

        RuntimeLaunch launch = launch("java17", planner);

        assertThat(launch.runtimeDir()).isEqualTo(files.java());
        assertThat(launch.command().getFirst()).isEqualTo(jdk17.get().java().toString());
    }

    private static RuntimeLaunch launch(String runtime, LaunchPlanner with) {
        LaunchPlanner.Plan plan = with.plan(runtime, HANDLER, MEMORY_MB, Optional.empty());
        assertThat(plan).isInstanceOf(LaunchPlanner.Plan.Ready.class);
        return ((LaunchPlanner.Plan.Ready) plan).launch();
    }

    /** The runtime files (hard links, as the cache has them) with {@code archive} as the AOT cache. */
    private static Path copyWithArchive(Path dir, byte[] archive) throws IOException {
        Path source = cache.runtimeDirFor(jdk).orElseThrow();
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path path : walk.toList()) {
                Path copy = dir.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else if (!path.getFileName().toString().equals(JavaClassDataCache.ARCHIVE)) {
                    Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.write(dir.resolve(JavaClassDataCache.ARCHIVE), archive);
        return dir;
    }

    private static void compileEcho() throws IOException {
        Path dir = Files.createDirectories(unpackDir.resolve("src/example"));
        Path source = dir.resolve("Echo.java");
        Files.writeString(source, """
                package example;
                import java.util.Map;
                public class Echo {
                    public Map<String, Object> handleRequest(Map<String, Object> event) {
                        return Map.of("echo", event);
                    }
                }
                """);
        Path greeter = dir.resolve("Greeter.java");
        Files.writeString(greeter, """
                package example;
                import java.util.Map;
                public class Greeter {
                    public String handleRequest(Map<String, Object> event) {
                        return "hello " + event.get("name");
                    }
                }
                """);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = compiler.run(null, OutputStream.nullOutputStream(), errors,
                "--release", "17", "-d", task.toString(), source.toString(), greeter.toString());
        assertThat(status).as(errors.toString()).isZero();
    }
}
