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

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Process tests of versions and aliases with real Python functions: a published version runs its own
 * code and configuration in its own environments, untouched by later changes of {@code $LATEST}; a
 * weighted alias splits invocations between its two versions at random by weight; and
 * {@code X-Amz-Executed-Version} names the version that ran.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class VersionsAndAliasesInvokeTest {

    private static TestNode node;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        node = TestNode.start(E2e.tempDataDir("hearth-e2e-versions"));
        lambda = E2e.client(node.endpoint());
    }

    @AfterAll
    static void stop() {
        node.close();
        E2e.deleteTree(node.dataDir());
    }

    /** A handler that says which code it is, what its configuration and context are, and which process runs it. */
    private static byte[] code(String label) {
        return E2e.zip(Map.of("app.py", """
                import os

                def handler(event, context):
                    return {"code": "%s", "color": os.environ.get("COLOR"), "pid": os.getpid(),
                            "version": context.function_version, "arn": context.invoked_function_arn}
                """.formatted(label)));
    }

    private static void updateTo(String name, String label, String color) {
        lambda.updateFunctionCode(u -> u.functionName(name).zipFile(SdkBytes.fromByteArray(code(label))));
        E2e.awaitReady(lambda, name);
        lambda.updateFunctionConfiguration(u -> u.functionName(name).environment(e -> e.variables(Map.of("COLOR", color))));
        E2e.awaitReady(lambda, name);
    }

    private static InvokeResponse invoke(String name, String qualifier) {
        return lambda.invoke(i -> i.functionName(name).qualifier(qualifier).payload(SdkBytes.fromUtf8String("{}")));
    }

    @Test
    void invokingVersion1_afterLatestChanged_runsVersion1sCodeAndConfiguration_inItsUndisturbedEnvironment() {
        String name = E2e.unique("versions");
        E2e.create(lambda, name, "python3.12", "app.handler", code("one"),
                b -> b.timeout(10).environment(e -> e.variables(Map.of("COLOR", "blue"))));
        assertThat(lambda.publishVersion(p -> p.functionName(name)).version()).isEqualTo("1");
        InvokeResponse before = invoke(name, "1");

        updateTo(name, "two", "green");
        InvokeResponse latest = E2e.invoke(lambda, name, "{}");
        InvokeResponse after = invoke(name, "1");

        JsonNode v1 = E2e.json(after);
        assertThat(v1.get("code").asText()).isEqualTo("one");
        assertThat(v1.get("color").asText()).isEqualTo("blue");
        assertThat(v1.get("version").asText()).isEqualTo("1");
        assertThat(v1.get("arn").asText()).isEqualTo(E2e.arn(name) + ":1");
        assertThat(after.executedVersion()).isEqualTo("1");
        assertThat(v1.get("pid").asLong()).as("version 1's warm environment survived the update of $LATEST")
                .isEqualTo(E2e.json(before).get("pid").asLong());
        assertThat(E2e.json(latest).get("code").asText()).isEqualTo("two");
        assertThat(E2e.json(latest).get("color").asText()).isEqualTo("green");
        assertThat(latest.executedVersion()).isEqualTo("$LATEST");
    }

    @Test
    void aWeightedAlias_routesInvocationsByWeight_andReportsTheVersionThatRan() {
        String name = E2e.unique("alias-weights");
        E2e.create(lambda, name, "python3.12", "app.handler", code("one"),
                b -> b.timeout(10).environment(e -> e.variables(Map.of("COLOR", "blue"))));
        lambda.publishVersion(p -> p.functionName(name));
        updateTo(name, "two", "green");
        lambda.publishVersion(p -> p.functionName(name));
        lambda.createAlias(a -> a.functionName(name).name("live").functionVersion("2")
                .routingConfig(r -> r.additionalVersionWeights(Map.of("1", 0.3))));

        int invocations = 200;
        int toVersion1 = 0;
        for (int i = 0; i < invocations; i++) {
            InvokeResponse r = invoke(name, "live");
            JsonNode body = E2e.json(r);
            String ran = r.executedVersion();
            assertThat(ran).isIn("1", "2");
            assertThat(body.get("code").asText()).isEqualTo("1".equals(ran) ? "one" : "two");
            assertThat(body.get("version").asText()).isEqualTo(ran);
            assertThat(body.get("arn").asText()).isEqualTo(E2e.arn(name) + ":live");
            if ("1".equals(ran)) {
                toVersion1++;
            }
        }

        // Binomial(200, 0.3): mean 60, standard deviation 6.5; five of them either side never flakes.
        assertThat(toVersion1).isBetween(28, 92);
    }

    @Test
    void anAliasWithoutWeights_runsItsVersion_underTheAliasArn() {
        String name = E2e.unique("alias-plain");
        E2e.create(lambda, name, "python3.12", "app.handler", code("one"), b -> b.timeout(10));
        lambda.publishVersion(p -> p.functionName(name));
        updateTo(name, "two", "green");
        lambda.createAlias(a -> a.functionName(name).name("stable").functionVersion("1"));

        InvokeResponse r = lambda.invoke(i -> i.functionName(E2e.arn(name) + ":stable")
                .payload(SdkBytes.fromUtf8String("{}")));

        assertThat(r.executedVersion()).isEqualTo("1");
        assertThat(E2e.json(r).get("code").asText()).isEqualTo("one");
        assertThat(E2e.json(r).get("arn").asText()).isEqualTo(E2e.arn(name) + ":stable");
    }
}
