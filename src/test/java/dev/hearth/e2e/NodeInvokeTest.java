package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.hearth.e2e.E2e.arn;
import static dev.hearth.e2e.E2e.invoke;
import static dev.hearth.e2e.E2e.invokeTail;
import static dev.hearth.e2e.E2e.json;
import static dev.hearth.e2e.E2e.reportLine;
import static dev.hearth.e2e.E2e.requestId;
import static dev.hearth.e2e.E2e.tail;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Process tests of the Node.js runtime end to end: the AWS SDK for Java v2 against a real node running
 * the machine's node with Hearth's bootstrap in the sandbox. One zip holds every module; each function
 * picks one with its handler.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NodeInvokeTest {

    static final Map<String, String> FILES = Map.of(
            "index.js", """
                    let count = 0;
                    exports.handler = async (event, context) => {
                      count++;
                      switch (event && event.op) {
                        case 'context':
                          return { functionName: context.functionName, functionVersion: context.functionVersion,
                                   invokedFunctionArn: context.invokedFunctionArn, awsRequestId: context.awsRequestId,
                                   memoryLimitInMB: context.memoryLimitInMB, logGroupName: context.logGroupName,
                                   logStreamName: context.logStreamName, remaining: context.getRemainingTimeInMillis() };
                        case 'log':
                          console.log(event.text);
                          return 'logged';
                        case 'levels':
                          console.warn('a warning');
                          console.error('an error');
                          return 'logged';
                        case 'exit':
                          process.exit(2);
                        case 'raise':
                          throw new Error('boom');
                        case 'count':
                          return { count };
                        case 'env':
                          return { execEnv: process.env.AWS_EXECUTION_ENV, handler: process.env._HANDLER,
                                   taskRoot: process.env.LAMBDA_TASK_ROOT, cwd: process.cwd() };
                        default:
                          return event;
                      }
                    };
                    exports.callback = (event, context, callback) => {
                      setTimeout(() => callback(null, { via: 'callback', event }), 10);
                    };
                    """,
            "esm.mjs", """
                    import { basename } from 'node:path';
                    export const handler = async (event) => ({ module: basename(import.meta.url), event });
                    """,
            "broken.js", """
                    const missing = require('no-such-package-anywhere');
                    exports.handler = async () => missing();
                    """);

    static final Map<String, String> MODULE_PACKAGE = Map.of(
            "package.json", "{\"name\":\"esm-package\",\"type\":\"module\"}",
            "index.js", """
                    export const handler = async (event, context) => ({ typeModule: true, name: context.functionName, event });
                    """);

    static TestNode node;
    static LambdaClient lambda;
    static String main;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/node")) || Files.isExecutable(Path.of("/usr/local/bin/node")),
                "no node on this machine");
        node = TestNode.start(E2e.tempDataDir("hearth-e2e-node"));
        lambda = E2e.client(node.endpoint());
        main = unique("node-main");
        E2e.create(lambda, main, "nodejs20.x", "index.handler", E2e.zip(FILES), b -> b.timeout(10));
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
    void commonJsAsyncHandler_echoesTheEvent() {
        InvokeResponse response = invoke(lambda, main, "{\"hello\":[1,2,{\"x\":\"y\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isNull();
        assertThat(json(response)).isEqualTo(json("{\"hello\":[1,2,{\"x\":\"y\"}]}"));
    }

    @Test
    void callbackHandler_answersWithTheCallbacksResult() {
        String fn = unique("node-callback");
        E2e.create(lambda, fn, "nodejs20.x", "index.callback", E2e.zip(FILES), b -> b.timeout(10));

        assertThat(json(invoke(lambda, fn, "{\"n\":1}"))).isEqualTo(json("{\"via\":\"callback\",\"event\":{\"n\":1}}"));
    }

    @Test
    void mjsModule_isLoadedAsAnEsModule() {
        String fn = unique("node-mjs");
        E2e.create(lambda, fn, "nodejs22.x", "esm.handler", E2e.zip(FILES), b -> b.timeout(10));

        assertThat(json(invoke(lambda, fn, "{\"n\":2}"))).isEqualTo(json("{\"module\":\"esm.mjs\",\"event\":{\"n\":2}}"));
    }

    @Test
    void jsFileInATypeModulePackage_isLoadedAsAnEsModule() {
        String fn = unique("node-typemodule");
        E2e.create(lambda, fn, "nodejs20.x", "index.handler", E2e.zip(MODULE_PACKAGE), b -> b.timeout(10));

        assertThat(json(invoke(lambda, fn, "{\"n\":3}")))
                .isEqualTo(json("{\"typeModule\":true,\"name\":\"" + fn + "\",\"event\":{\"n\":3}}"));
    }

    @Test
    void context_carriesTheFunctionAndInvocationFields() {
        InvokeResponse response = invoke(lambda, main, "{\"op\":\"context\"}");
        JsonNode context = json(response);

        assertThat(context.get("functionName").asText()).isEqualTo(main);
        assertThat(context.get("functionVersion").asText()).isEqualTo("$LATEST");
        assertThat(context.get("invokedFunctionArn").asText()).isEqualTo(arn(main));
        assertThat(context.get("awsRequestId").asText()).isEqualTo(requestId(response));
        assertThat(context.get("memoryLimitInMB").asText()).isEqualTo("128");
        assertThat(context.get("logGroupName").asText()).isEqualTo("/aws/lambda/" + main);
        assertThat(context.get("logStreamName").asText()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        assertThat(context.get("remaining").asLong()).isPositive().isLessThanOrEqualTo(10_000);
    }

    @Test
    void environment_namesTheNodeRuntime_andStartsInTheTaskRoot() {
        JsonNode env = json(invoke(lambda, main, "{\"op\":\"env\"}"));

        assertThat(env.get("execEnv").asText()).isEqualTo("AWS_Lambda_nodejs20.x");
        assertThat(env.get("handler").asText()).isEqualTo("index.handler");
        assertThat(env.get("taskRoot").asText()).isEqualTo("/var/task");
        assertThat(env.get("cwd").asText()).isEqualTo("/var/task");
    }

    @Test
    void thrownError_isUnhandled_withNodesErrorShape() {
        InvokeResponse response = invoke(lambda, main, "{\"op\":\"raise\"}");
        JsonNode error = json(response);

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(error.get("errorType").asText()).isEqualTo("Error");
        assertThat(error.get("errorMessage").asText()).isEqualTo("boom");
        assertThat(error.has("stackTrace")).isFalse();
        assertThat(error.get("trace").isArray()).isTrue();
        assertThat(error.get("trace").get(0).asText()).isEqualTo("Error: boom");
        assertThat(error.get("trace").get(1).asText()).contains("/var/task/index.js");
    }

    @Test
    void consoleLog_appearsInTheTail_inAwsFormat() {
        InvokeResponse response = invokeTail(lambda, main, "{\"op\":\"log\",\"text\":\"hello from node\"}");
        String id = requestId(response);
        List<String> lines = tail(response).lines().toList();

        assertThat(lines).anySatisfy(l -> assertThat(l)
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\t" + id + "\tINFO\thello from node"));
        assertThat(lines).contains("START RequestId: " + id + " Version: $LATEST", "END RequestId: " + id);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("REPORT RequestId: " + id + "\tDuration: "));
    }

    @Test
    void consoleWarnAndError_carryTheirLevels() {
        InvokeResponse response = invokeTail(lambda, main, "{\"op\":\"levels\"}");
        String id = requestId(response);

        assertThat(tail(response).lines().toList())
                .anySatisfy(l -> assertThat(l).matches("\\S+Z\t" + id + "\tWARN\ta warning"))
                .anySatisfy(l -> assertThat(l).matches("\\S+Z\t" + id + "\tERROR\tan error"));
    }

    @Test
    void processExitInTheHandler_isRuntimeExitError_andTheNextInvokeWorks() {
        String fn = unique("node-exit");
        E2e.create(lambda, fn, "nodejs20.x", "index.handler", E2e.zip(FILES), b -> b.timeout(10));

        InvokeResponse response = invoke(lambda, fn, "{\"op\":\"exit\"}");

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(json(response)).isEqualTo(json("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: "
                + requestId(response) + " Error: Runtime exited with error: exit status 2\"}"));
        assertThat(json(invoke(lambda, fn, "{\"op\":\"count\"}")).get("count").asInt()).isEqualTo(1);
    }

    @Test
    void missingDependency_isRuntimeImportModuleError() {
        String fn = unique("node-broken");
        E2e.create(lambda, fn, "nodejs20.x", "broken.handler", E2e.zip(FILES), b -> b.timeout(10));

        InvokeResponse response = invoke(lambda, fn, "{}");
        JsonNode error = json(response);

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(error.get("errorType").asText()).isEqualTo("Runtime.ImportModuleError");
        assertThat(error.get("errorMessage").asText()).startsWith("Error: Cannot find module 'no-such-package-anywhere'");
    }

    @Test
    void warmEnvironment_keepsModuleState_andReportsInitDurationOnlyOnTheColdStart() {
        String fn = unique("node-warm");
        E2e.create(lambda, fn, "nodejs20.x", "index.handler", E2e.zip(FILES), b -> b.timeout(10));

        long coldStart = System.nanoTime();
        InvokeResponse first = invokeTail(lambda, fn, "{\"op\":\"count\"}");
        long coldMillis = (System.nanoTime() - coldStart) / 1_000_000;
        long warmStart = System.nanoTime();
        InvokeResponse second = invokeTail(lambda, fn, "{\"op\":\"count\"}");
        long warmMillis = (System.nanoTime() - warmStart) / 1_000_000;
        System.out.printf("node cold invoke %d ms, warm invoke %d ms%n", coldMillis, warmMillis);

        assertThat(json(first).get("count").asInt()).isEqualTo(1);
        assertThat(json(second).get("count").asInt()).isEqualTo(2);
        assertThat(reportLine(tail(first), requestId(first))).contains("\tInit Duration: ");
        assertThat(reportLine(tail(second), requestId(second))).doesNotContain("Init Duration");
    }
}
