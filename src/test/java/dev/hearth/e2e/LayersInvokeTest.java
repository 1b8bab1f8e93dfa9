package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static dev.hearth.e2e.E2e.invoke;
import static dev.hearth.e2e.E2e.json;
import static dev.hearth.e2e.E2e.text;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Process tests of layers with the real runtimes: what a layer puts under {@code /opt} is found where
 * AWS's runtimes look for it (Python's {@code /opt/python} and site-packages, Node's
 * {@code node_modules}, Java's {@code /opt/java/lib}, {@code /opt/bin} on the PATH, a custom runtime's
 * {@code /opt/bootstrap}), a later layer wins on the same path, and a function keeps running with a
 * layer version after that version is deleted.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LayersInvokeTest {

    static TestNode node;
    static LambdaClient lambda;

    @BeforeAll
    static void start() {
        node = TestNode.start(E2e.tempDataDir("hearth-e2e-layers"));
        lambda = E2e.client(node.endpoint());
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

    /** Publishes a layer of these files and returns its version ARN. */
    private static String layer(String name, Map<String, String> files, Set<String> executables) {
        return layer(name, E2e.zip(files, executables));
    }

    private static String layer(String name, byte[] zip) {
        return lambda.publishLayerVersion(b -> b.layerName(name).content(c -> c.zipFile(SdkBytes.fromByteArray(zip))))
                .layerVersionArn();
    }

    private static JsonNode ok(InvokeResponse response) {
        assertThat(response.functionError()).as(text(response)).isNull();
        return json(response);
    }

    // ---- Python --------------------------------------------------------------------------------

    static final String PYTHON_APP = """
            import os, subprocess
            def handler(event, context):
                import flat_mod, site_mod, shared
                return {
                    "flat": flat_mod.VALUE,
                    "site": site_mod.VALUE,
                    "shared": shared.WHO,
                    "tool": subprocess.check_output(["layer-tool"]).decode().strip(),
                    "ld": os.environ["LD_LIBRARY_PATH"],
                }
            """;

    @Test
    void python_importsFromOptPythonAndSitePackages_runsOptBin_andTheLaterLayerWins() {
        String first = layer(unique("py-first"), Map.of(
                "python/flat_mod.py", "VALUE = 'flat'\n",
                "python/shared.py", "WHO = 'first'\n",
                "bin/layer-tool", "#!/bin/sh\necho tool-from-layer\n"), Set.of("bin/layer-tool"));
        String second = layer(unique("py-second"), Map.of(
                "python/lib/python3.12/site-packages/site_mod/__init__.py", "VALUE = 'site-packages'\n",
                "python/shared.py", "WHO = 'second'\n"), Set.of());
        String fn = unique("py-layers");
        String reversed = unique("py-layers-reversed");
        byte[] app = E2e.zip(Map.of("app.py", PYTHON_APP));
        E2e.create(lambda, fn, "python3.12", "app.handler", app, b -> b.timeout(20).layers(first, second));
        E2e.create(lambda, reversed, "python3.12", "app.handler", app, b -> b.timeout(20).layers(second, first));

        JsonNode body = ok(invoke(lambda, fn, "{}"));
        JsonNode other = ok(invoke(lambda, reversed, "{}"));

        assertThat(body.get("flat").asText()).isEqualTo("flat");
        assertThat(body.get("site").asText()).isEqualTo("site-packages");
        assertThat(body.get("shared").asText()).isEqualTo("second");
        assertThat(other.get("shared").asText()).isEqualTo("first");
        assertThat(body.get("tool").asText()).isEqualTo("tool-from-layer");
        assertThat(body.get("ld").asText()).endsWith(":/opt/lib");
    }

    @Test
    void python_keepsRunningWithItsLayerVersion_afterTheVersionIsDeleted() {
        String layerName = unique("py-deleted");
        String arn = layer(layerName, Map.of("python/kept_mod.py", "VALUE = 'still here'\n"), Set.of());
        String fn = unique("py-keeps");
        E2e.create(lambda, fn, "python3.12", "app.handler",
                E2e.zip(Map.of("app.py", "def handler(e, c):\n    import kept_mod\n    return kept_mod.VALUE\n")),
                b -> b.timeout(20).layers(arn));
        assertThat(ok(invoke(lambda, fn, "{}")).asText()).isEqualTo("still here");

        lambda.deleteLayerVersion(b -> b.layerName(layerName).versionNumber(1L));
        // Deleting another function collects unreferenced code; a configuration change forces a cold start.
        String bystander = unique("py-bystander");
        E2e.create(lambda, bystander, "python3.12", "app.handler",
                E2e.zip(Map.of("app.py", "def handler(e, c):\n    return 1\n")), b -> b.timeout(20));
        lambda.deleteFunction(b -> b.functionName(bystander));
        lambda.updateFunctionConfiguration(b -> b.functionName(fn).timeout(21));
        E2e.awaitReady(lambda, fn);

        assertThat(ok(invoke(lambda, fn, "{}")).asText()).isEqualTo("still here");
    }

    // ---- Node.js -------------------------------------------------------------------------------

    @Test
    void node_requiresModulesFromBothNodeModulesDirectories() {
        String arn = layer(unique("node-layer"), Map.of(
                "nodejs/node_modules/greeter/index.js", "module.exports = () => 'hello from node_modules';\n",
                "nodejs/node22/node_modules/versioned/index.js", "module.exports = 'for node22';\n"), Set.of());
        String fn = unique("node-layers");
        E2e.create(lambda, fn, "nodejs22.x", "index.handler", E2e.zip(Map.of("index.js", """
                exports.handler = async () => ({
                  greeting: require('greeter')(),
                  versioned: require('versioned'),
                });
                """)), b -> b.timeout(20).layers(arn));

        JsonNode body = ok(invoke(lambda, fn, "{}"));

        assertThat(body.get("greeting").asText()).isEqualTo("hello from node_modules");
        assertThat(body.get("versioned").asText()).isEqualTo("for node22");
    }

    // ---- Java ----------------------------------------------------------------------------------

    static final String JAVA_HANDLER = """
            package pkg;

            import java.util.Map;

            public class UsesLayer {
                public String handleRequest(Map<String, Object> event) {
                    return LayerHelper.greet();
                }
            }
            """;

    static final String JAVA_HELPER = """
            package pkg;

            public class LayerHelper {
                public static String greet() {
                    return "hello from /opt/java/lib";
                }
            }
            """;

    @Test
    void java_loadsClassesFromAJarInOptJavaLib() throws IOException {
        Map<String, byte[]> compiled = entries(JavaInvokeTest.compile(
                Map.of("pkg/UsesLayer.java", JAVA_HANDLER, "pkg/LayerHelper.java", JAVA_HELPER),
                Set.of("pkg/LayerHelper.class")));
        String arn = layer(unique("java-layer"),
                E2e.zipBytes(Map.of("java/lib/helper.jar", compiled.remove("lib/helper.jar")), Set.of()));
        String fn = unique("java-layers");
        E2e.create(lambda, fn, "java21", "pkg.UsesLayer::handleRequest", E2e.zipBytes(compiled, Set.of()),
                b -> b.memorySize(512).timeout(30).layers(arn));

        assertThat(ok(invoke(lambda, fn, "{}")).asText()).isEqualTo("hello from /opt/java/lib");
    }

    private static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (!e.isDirectory()) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return out;
    }

    // ---- custom runtime ------------------------------------------------------------------------

    @Test
    void provided_runsTheBootstrapALayerProvides() {
        String arn = layer(unique("runtime-layer"), Map.of("bootstrap", ProvidedInvokeTest.BASH_BOOTSTRAP),
                Set.of("bootstrap"));
        String fn = unique("provided-layer");
        E2e.create(lambda, fn, "provided.al2023", "from.layer", E2e.zip(Map.of("handler.txt", "no bootstrap here\n")),
                b -> b.timeout(20).layers(arn));

        JsonNode body = ok(invoke(lambda, fn, "{\"x\":1}"));

        assertThat(body).isEqualTo(json("{\"echo\":{\"x\":1},\"handler\":\"from.layer\",\"count\":1}"));
    }
}
