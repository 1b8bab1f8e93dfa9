package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.hearth.e2e.E2e.invoke;
import static dev.hearth.e2e.E2e.invokeTail;
import static dev.hearth.e2e.E2e.json;
import static dev.hearth.e2e.E2e.reportLine;
import static dev.hearth.e2e.E2e.requestId;
import static dev.hearth.e2e.E2e.tail;
import static dev.hearth.e2e.E2e.text;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Process tests of the Java runtimes end to end with AWS's own runtime interface client: handlers are
 * compiled at test time (for Java 17) against the aws-lambda-java-core jar Hearth ships, packed into a zip
 * of classes plus a {@code lib/*.jar}, and run by the machine's JDKs in the sandbox (java21 on JDK 25,
 * java17 on JDK 17 here). Java cold starts take around a second on a loaded machine, hence the generous
 * function Timeout.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JavaInvokeTest {

    static final String CORE_JAR = "/dev/hearth/runtimes/java/lib/aws-lambda-java-core-1.4.0.jar";

    static final String TYPED_HANDLER = """
            package pkg;

            import com.amazonaws.services.lambda.runtime.Context;
            import com.amazonaws.services.lambda.runtime.RequestHandler;
            import java.util.Map;

            public class Handler implements RequestHandler<Map<String, Object>, String> {
                private static int count;

                @Override
                public String handleRequest(Map<String, Object> event, Context context) {
                    count++;
                    Object op = event.get("op");
                    if ("raise".equals(op)) {
                        throw new RuntimeException("Error: some_error_msg");
                    }
                    if ("count".equals(op)) {
                        System.out.println("count is " + count);
                        return "count=" + count;
                    }
                    if ("log".equals(op)) {
                        context.getLogger().log("first message of " + context.getAwsRequestId());
                        context.getLogger().log("second message");
                        return "logged";
                    }
                    return context.getFunctionName() + "|" + context.getFunctionVersion() + "|"
                            + context.getAwsRequestId() + "|" + context.getMemoryLimitInMB() + "|"
                            + (context.getRemainingTimeInMillis() > 0) + "|" + event.get("message");
                }
            }
            """;

    static final String MAP_HANDLER = """
            package pkg;

            import java.util.LinkedHashMap;
            import java.util.Map;

            public class Echo {
                public Map<String, Object> handleRequest(Map<String, Object> event) {
                    Map<String, Object> out = new LinkedHashMap<>(event);
                    out.put("java", System.getProperty("java.specification.version"));
                    out.put("helper", Helper.greet("lib"));
                    return out;
                }
            }
            """;

    /**
     * Says where the JVM found the RIC's main class, from the class-loading log its {@code JAVA_TOOL_OPTIONS}
     * asked for: an AOT cache or CDS archive says "shared objects file", a jar says its path; and the code
     * source location that class reports, which is its jar's wherever the class came from.
     */
    static final String SHARING_HANDLER = """
            package pkg;

            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.Map;

            public class Sharing {
                public Map<String, Object> handleRequest(Map<String, Object> event) throws Exception {
                    String ric = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda source: ";
                    String source = Files.readAllLines(Path.of("/tmp/classes.log")).stream()
                            .filter(line -> line.contains(ric)).findFirst()
                            .map(line -> line.substring(line.indexOf(ric) + ric.length())).orElse("not loaded");
                    java.security.CodeSource code = Class.forName(ric.substring(0, ric.indexOf(' ')))
                            .getProtectionDomain().getCodeSource();
                    return Map.of("ricSource", source, "java", System.getProperty("java.specification.version"),
                            "ricLocation", String.valueOf(code == null ? null : code.getLocation()));
                }
            }
            """;

    /** Packed into {@code lib/helper.jar} inside the zip: the RIC loads jars from {@code lib/}. */
    static final String HELPER = """
            package pkg;

            public class Helper {
                public static String greet(String from) {
                    return "hello from " + from;
                }
            }
            """;

    static TestNode node;
    static LambdaClient lambda;
    static byte[] code;
    static String typed;

    @BeforeAll
    static void start() throws Exception {
        code = compile(Map.of("pkg/Handler.java", TYPED_HANDLER, "pkg/Echo.java", MAP_HANDLER, "pkg/Helper.java", HELPER,
                "pkg/Sharing.java", SHARING_HANDLER), Set.of("pkg/Helper.class"));
        node = TestNode.start(E2e.tempDataDir("hearth-e2e-java"));
        lambda = E2e.client(node.endpoint());
        typed = unique("java-typed");
        E2e.create(lambda, typed, "java21", "pkg.Handler::handleRequest", code, b -> b.memorySize(512).timeout(30));
    }

    @AfterAll
    static void stop() {
        if (lambda != null) {
            lambda.close();
        }
        if (node != null) {
            node.close();
            E2e.deleteTree(node.dataDir());
        }
    }

    @Test
    void pojoMapHandler_echoesTheEvent() {
        String fn = unique("java-echo");
        E2e.create(lambda, fn, "java21", "pkg.Echo::handleRequest", code, b -> b.memorySize(512).timeout(30));

        InvokeResponse response = invoke(lambda, fn, "{\"a\":1,\"b\":[\"x\",true]}");

        assertThat(response.functionError()).as(text(response)).isNull();
        JsonNode body = json(response);
        assertThat(body.get("a").asInt()).isEqualTo(1);
        assertThat(body.get("b")).isEqualTo(json("[\"x\",true]"));
        assertThat(body.get("java").asInt()).isGreaterThanOrEqualTo(21);
        assertThat(body.get("helper").asText()).isEqualTo("hello from lib");
    }

    @Test
    void java17_runsTheSameClasses() {
        String fn = unique("java17-echo");
        E2e.create(lambda, fn, "java17", "pkg.Echo::handleRequest", code, b -> b.memorySize(512).timeout(30));

        InvokeResponse response = invoke(lambda, fn, "{\"on\":\"17\"}");

        assertThat(response.functionError()).as(text(response)).isNull();
        assertThat(json(response).get("java").asInt()).isGreaterThanOrEqualTo(17);
        assertThat(json(response).get("helper").asText()).isEqualTo("hello from lib");
    }

    @Test
    void requestHandler_seesTheContext() {
        InvokeResponse response = invoke(lambda, typed, "{\"message\":\"hi\"}");

        assertThat(response.functionError()).as(text(response)).isNull();
        assertThat(json(response).asText())
                .isEqualTo(typed + "|$LATEST|" + requestId(response) + "|512|true|hi");
    }

    @Test
    void lambdaLoggerMessages_areLoggedWithinTheirInvocation() {
        InvokeResponse response = invoke(lambda, typed, "{\"op\":\"log\"}");
        String id = requestId(response);

        // The RIC writes LambdaLogger messages without a newline. They must land between this invocation's
        // START and END (the platform's end-of-invocation sync marker flushes a pending partial line).
        // On AWS each call is also an event of its own, framed on _LAMBDA_TELEMETRY_LOG_FD, which Hearth
        // does not offer yet: here consecutive calls share a line.
        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(E2e.logStreams(node.dataDir(), typed).values())
                .anySatisfy(lines -> {
                    int start = lines.indexOf("START RequestId: " + id + " Version: $LATEST");
                    int end = lines.indexOf("END RequestId: " + id);
                    assertThat(start).isNotNegative();
                    assertThat(end).isGreaterThan(start);
                    assertThat(String.join("\n", lines.subList(start + 1, end)))
                            .containsSubsequence("first message of " + id, "second message");
                }));
    }

    @Test
    void exception_isUnhandled_withJavasErrorShape() {
        InvokeResponse response = invoke(lambda, typed, "{\"op\":\"raise\"}");
        JsonNode error = json(response);

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(error.get("errorType").asText()).isEqualTo("java.lang.RuntimeException");
        assertThat(error.get("errorMessage").asText()).isEqualTo("Error: some_error_msg");
        assertThat(error.get("stackTrace").isArray()).isTrue();
        assertThat(error.get("stackTrace").get(0).asText()).startsWith("pkg.Handler.handleRequest(Handler.java:");
    }

    @Test
    void warmEnvironment_keepsStaticState_andReportsInitDurationOnlyOnTheColdStart() {
        String fn = unique("java-warm");
        // The bare class form of the handler: the class implements RequestHandler.
        E2e.create(lambda, fn, "java21", "pkg.Handler", code, b -> b.memorySize(512).timeout(30));

        long coldStart = System.nanoTime();
        InvokeResponse first = invokeTail(lambda, fn, "{\"op\":\"count\"}");
        long coldMillis = (System.nanoTime() - coldStart) / 1_000_000;
        long warmStart = System.nanoTime();
        InvokeResponse second = invokeTail(lambda, fn, "{\"op\":\"count\"}");
        long warmMillis = (System.nanoTime() - warmStart) / 1_000_000;
        System.out.printf("java cold invoke %d ms, warm invoke %d ms%n", coldMillis, warmMillis);

        assertThat(json(first).asText()).isEqualTo("count=1");
        assertThat(json(second).asText()).isEqualTo("count=2");
        assertThat(reportLine(tail(first), requestId(first))).contains("\tInit Duration: ");
        assertThat(reportLine(tail(second), requestId(second))).doesNotContain("Init Duration");
    }

    @Test
    void coldStartOnJdk25_onceTheAotCacheIsTrained_loadsTheRuntimeClientFromIt_inTheSandbox() {
        String fn = unique("java-aot");
        E2e.create(lambda, fn, "java21", "pkg.Sharing::handleRequest", code, b -> b.memorySize(512).timeout(30)
                .environment(e -> e.variables(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=/tmp/classes.log"))));
        // Any java21 cold start on JDK 25 starts training the cache in the background (if an earlier test's
        // has not already); this is one.
        InvokeResponse first = invoke(lambda, fn, "{}");
        assertThat(first.functionError()).as(text(first)).isNull();
        assumeTrue(json(first).get("java").asInt() >= 25, "java21 runs on a JDK older than 25 here: no AOT cache");
        await().atMost(java.time.Duration.ofMinutes(3)).until(() -> aotCacheReady(node.dataDir()));

        // A configuration change forces a new environment: a cold start, now with the cache.
        lambda.updateFunctionConfiguration(b -> b.functionName(fn).environment(e -> e.variables(
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=/tmp/classes.log", "ROUND", "2"))));
        E2e.awaitReady(lambda, fn);
        InvokeResponse second = invoke(lambda, fn, "{}");

        assertThat(second.functionError()).as(text(second)).isNull();
        assertThat(json(second).get("ricSource").asText()).isEqualTo("shared objects file");
        // As when the class is read from the jar: the cache is trained with the class path functions have.
        assertThat(json(second).get("ricLocation").asText())
                .isEqualTo("file:/var/runtime/lib/aws-lambda-java-runtime-interface-client-2.9.0.jar");
    }

    private static boolean aotCacheReady(Path dataDir) throws IOException {
        Path caches = dataDir.resolve("runtimes/java-aot");
        if (!Files.isDirectory(caches)) {
            return false;
        }
        try (Stream<Path> files = Files.find(caches, 2, (path, attributes) -> path.endsWith("hearth-ric.aot"))) {
            return files.findAny().isPresent();
        }
    }

    // ---- compiling handlers --------------------------------------------------------------------------

    /**
     * Compiles {@code sources} (path → text) for Java 17 against aws-lambda-java-core; returns a zip of the
     * classes, those named in {@code inLibJar} packed into {@code lib/helper.jar} instead.
     */
    static byte[] compile(Map<String, String> sources, Set<String> inLibJar) throws IOException {
        URL core = JavaInvokeTest.class.getResource(CORE_JAR);
        assertThat(core).as("Hearth ships aws-lambda-java-core at " + CORE_JAR).isNotNull();
        Path coreJar = Path.of(java.net.URI.create(core.toString()));
        Path dir = Files.createTempDirectory("hearth-e2e-javac");
        Path src = dir.resolve("src");
        Path out = dir.resolve("classes");
        Files.createDirectories(out);
        List<String> args = new java.util.ArrayList<>(List.of("--release", "17", "-classpath", coreJar.toString(),
                "-d", out.toString(), "-proc:none"));
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path file = src.resolve(s.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, errors, errors, args.toArray(String[]::new));
        assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.walk(out);
             java.util.jar.JarOutputStream lib = new java.util.jar.JarOutputStream(jar)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = out.relativize(f).toString();
                if (inLibJar.contains(name)) {
                    lib.putNextEntry(new java.util.jar.JarEntry(name));
                    lib.write(Files.readAllBytes(f));
                    lib.closeEntry();
                } else {
                    classes.put(name, Files.readAllBytes(f));
                }
            }
        }
        if (!inLibJar.isEmpty()) {
            classes.put("lib/helper.jar", jar.toByteArray());
        }
        E2e.deleteTree(dir);
        return E2e.zipBytes(classes, Set.of());
    }
}
