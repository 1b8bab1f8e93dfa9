package dev.hearth.runtimes;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java runtime: AWS's runtime interface client 2.9.0, as shipped in Hearth's resources, launched
 * with the managed runtime's command line on a JDK of this machine, running handlers compiled here.
 */
@Timeout(180)
class JavaRuntimeProcessTest extends ProcessTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path unpackDir;
    @TempDir
    static Path task;
    static ManagedRuntimes runtimes;

    @BeforeAll
    static void compileHandlers() throws IOException {
        runtimes = ManagedRuntimes.create(unpackDir);
        Optional<RuntimeLaunch> launch = runtimes.launch("java21", "x::y", MEMORY_MB, task, Optional.empty());
        assumeTrue(launch.isPresent(), () -> runtimes.unavailableReason("java21"));
        Path lib = launch.get().runtimeDir().resolve("lib");
        Path core;
        try (Stream<Path> jars = Files.list(lib)) {
            core = jars.filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-core-")).findFirst().orElseThrow();
        }
        Path sources = Files.createTempDirectory("hearth-java-handlers");
        try {
            // A helper packaged as lib/helper.jar, to show the RIC's class loader reads the zip's lib/*.jar.
            Path helperClasses = sources.resolve("helper-classes");
            write(sources.resolve("lib/Helper.java"), """
                    package lib;
                    public final class Helper {
                        public static String greet() { return "from lib jar"; }
                    }
                    """);
            compile(helperClasses, List.of(), sources.resolve("lib/Helper.java"));
            jar(helperClasses, task.resolve("lib/helper.jar"));

            write(sources.resolve("example/Echo.java"), """
                    package example;
                    import com.amazonaws.services.lambda.runtime.Context;
                    import java.util.LinkedHashMap;
                    import java.util.Map;
                    public class Echo {
                        private static int count;
                        public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
                            count++;
                            System.out.println("stdout line " + count);
                            context.getLogger().log("logger line " + count);
                            Map<String, Object> out = new LinkedHashMap<>();
                            out.put("event", event);
                            out.put("count", count);
                            out.put("functionName", context.getFunctionName());
                            out.put("functionVersion", context.getFunctionVersion());
                            out.put("invokedFunctionArn", context.getInvokedFunctionArn());
                            out.put("memoryLimitInMB", context.getMemoryLimitInMB());
                            out.put("awsRequestId", context.getAwsRequestId());
                            out.put("logGroupName", context.getLogGroupName());
                            out.put("logStreamName", context.getLogStreamName());
                            out.put("remainingOk", context.getRemainingTimeInMillis() > 0);
                            out.put("cognitoIdentityId", context.getIdentity() == null ? null : context.getIdentity().getIdentityId());
                            out.put("custom", context.getClientContext() == null ? null : context.getClientContext().getCustom());
                            out.put("trace", System.getProperty("com.amazonaws.xray.traceHeader"));
                            out.put("helper", lib.Helper.greet());
                            out.put("javaVersion", Runtime.version().feature());
                            out.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
                            return out;
                        }
                    }
                    """);
            write(sources.resolve("example/Typed.java"), """
                    package example;
                    import com.amazonaws.services.lambda.runtime.Context;
                    import com.amazonaws.services.lambda.runtime.RequestHandler;
                    import java.util.Map;
                    public class Typed implements RequestHandler<Map<String, Object>, String> {
                        @Override
                        public String handleRequest(Map<String, Object> event, Context context) {
                            return "typed:" + event.get("name");
                        }
                    }
                    """);
            write(sources.resolve("example/Fails.java"), """
                    package example;
                    import java.util.Map;
                    public class Fails {
                        public String handleRequest(Map<String, Object> event) {
                            throw new RuntimeException("Error: some_error_msg");
                        }
                    }
                    """);
            write(sources.resolve("example/Nothing.java"), """
                    package example;
                    import java.util.Map;
                    public class Nothing {
                        public Object handleRequest(Map<String, Object> event) {
                            return null;
                        }
                    }
                    """);
            write(sources.resolve("example/BadInit.java"), """
                    package example;
                    import java.util.Map;
                    public class BadInit {
                        static {
                            if (true) throw new IllegalStateException("cannot start");
                        }
                        public String handleRequest(Map<String, Object> event) {
                            return "never";
                        }
                    }
                    """);
            List<Path> handlers;
            try (Stream<Path> files = Files.list(sources.resolve("example"))) {
                handlers = files.toList();
            }
            compile(task, List.of(core, helperClasses), handlers.toArray(Path[]::new));
        } finally {
            deleteTree(sources);
        }
    }

    /** The first java launch started training an AOT cache in the background; stop it before cleanup. */
    @AfterAll
    static void closeRuntimes() {
        if (runtimes != null) {
            runtimes.close();
        }
    }

    private RuntimeProcess start(String runtime, String handler) {
        return start(runtimes, runtime, handler, task, Map.of());
    }

    @Test
    void pojoHandler_echoesTheEvent_seesTheContext_andKeepsStaticStateBetweenInvokes() {
        start("java21", "example.Echo::handleRequest");

        String first = api.enqueue("{\"a\":1}", Optional.of("{\"custom\":{\"k\":\"v\"}}"),
                Optional.of("{\"cognitoIdentityId\":\"id-1\",\"cognitoIdentityPoolId\":\"pool-1\"}"));
        JsonNode body = json(api.await(first, WAIT));

        assertThat(body.get("event")).isEqualTo(json("{\"a\":1}"));
        assertThat(body.get("count").asInt()).isEqualTo(1);
        assertThat(body.get("functionName").asText()).isEqualTo(RuntimeProcess.FUNCTION_NAME);
        assertThat(body.get("functionVersion").asText()).isEqualTo("$LATEST");
        assertThat(body.get("invokedFunctionArn").asText()).isEqualTo(FakeRuntimeApi.ARN);
        assertThat(body.get("memoryLimitInMB").asInt()).isEqualTo(MEMORY_MB);
        assertThat(body.get("awsRequestId").asText()).isEqualTo(first);
        assertThat(body.get("logGroupName").asText()).isEqualTo(RuntimeProcess.LOG_GROUP);
        assertThat(body.get("logStreamName").asText()).isEqualTo(RuntimeProcess.LOG_STREAM);
        assertThat(body.get("remainingOk").asBoolean()).isTrue();
        assertThat(body.get("cognitoIdentityId").asText()).isEqualTo("id-1");
        assertThat(body.get("custom")).isEqualTo(json("{\"k\":\"v\"}"));
        assertThat(body.get("trace").asText()).isEqualTo(FakeRuntimeApi.TRACE_ID);
        assertThat(body.get("helper").asText()).isEqualTo("from lib jar");
        assertThat(body.get("javaVersion").asInt()).isGreaterThanOrEqualTo(21);
        assertThat(body.get("maxHeapMb").asLong()).isBetween(MEMORY_MB * 70L / 100, (long) MEMORY_MB);

        assertThat(json(api.invoke("{\"a\":2}")).get("count").asInt()).isEqualTo(2);
        assertThat(process.awaitStdoutLine("stdout line 1")).isEqualTo("stdout line 1");
        // LambdaLogger.log adds no newline; without a telemetry descriptor the RIC writes it to stdout as is.
        assertThat(process.awaitStdoutLine("logger line 1")).startsWith("logger line 1");
        // The JNI library comes from the unpacked runtime, not a copy in /tmp, and JDK 25 does not warn.
        assertThat(process.stderr()).noneMatch(line -> line.contains("WARNING"));
    }

    @Test
    void requestHandlerClass_isFoundWithoutAMethodName() {
        start("java21", "example.Typed");

        assertResponse(api.invoke("{\"name\":\"hearth\"}"), "\"typed:hearth\"");
    }

    @Test
    void java17Function_runsOnAJdkOf17OrNewer() {
        start("java17", "example.Echo::handleRequest");

        JsonNode body = json(api.invoke("{}"));

        assertThat(body.get("javaVersion").asInt()).isGreaterThanOrEqualTo(17);
        assertThat(body.get("helper").asText()).isEqualTo("from lib jar");
    }

    @Test
    void thrownException_postsTheJavaErrorPayload() {
        start("java21", "example.Fails::handleRequest");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(posted.kind()).isEqualTo("error");
        JsonNode body = json(posted);
        assertThat(body.fieldNames()).toIterable().containsExactly("errorMessage", "errorType", "stackTrace");
        assertThat(body.get("errorMessage").asText()).isEqualTo("Error: some_error_msg");
        assertThat(body.get("errorType").asText()).isEqualTo("java.lang.RuntimeException");
        assertThat(body.get("stackTrace").get(0).asText()).isEqualTo("example.Fails.handleRequest(Fails.java:5)");
        assertThat(posted.header("Lambda-Runtime-Function-Error-Type")).isEqualTo("Runtime.UserException");
        assertThat(api.invoke("{}").kind()).isEqualTo("error");
    }

    @Test
    void nullResult_answersNull() {
        start("java21", "example.Nothing::handleRequest");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(posted.kind()).isEqualTo("response");
        assertThat(posted.body()).isEqualTo("null");
    }

    @Test
    void missingClass_failsEveryInvocationWithBadFunctionCode() {
        // AWS's Java runtime reports a missing handler class per invocation, not through /init/error.
        start("java21", "example.Missing::handleRequest");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(posted.kind()).isEqualTo("error");
        assertThat(posted.header("Lambda-Runtime-Function-Error-Type")).isEqualTo("Runtime.BadFunctionCode");
        assertThat(json(posted)).isEqualTo(json(
                "{\"errorMessage\":\"Class not found: example.Missing\",\"errorType\":\"java.lang.ClassNotFoundException\"}"));
        assertThat(api.invoke("{}").kind()).isEqualTo("error");
    }

    @Test
    void failingStaticInitializer_isReportedAtInit_andTheRuntimeExits() {
        start("java21", "example.BadInit::handleRequest");

        FakeRuntimeApi.Posted posted = api.awaitInitError(WAIT);

        assertThat(json(posted)).isEqualTo(json(
                "{\"errorMessage\":\"Error loading class example.BadInit\",\"errorType\":\"java.lang.ExceptionInInitializerError\"}"));
        assertThat(process.awaitExit(WAIT)).isNotZero();
    }

    private static void compile(Path output, List<Path> classPath, Path... sources) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", output.toString()));
        if (!classPath.isEmpty()) {
            args.add("-cp");
            args.add(String.join(":", classPath.stream().map(Path::toString).toList()));
        }
        Stream.of(sources).map(Path::toString).forEach(args::add);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = compiler.run(null, OutputStream.nullOutputStream(), errors, args.toArray(String[]::new));
        assertThat(status).as(errors.toString()).isZero();
    }

    private static void jar(Path classes, Path jarFile) throws IOException {
        Files.createDirectories(jarFile.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jarFile));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
