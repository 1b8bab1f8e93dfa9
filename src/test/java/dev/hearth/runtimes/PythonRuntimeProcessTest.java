package dev.hearth.runtimes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Python bootstrap, run by the machine's python3 against a fake Runtime API. */
@Timeout(120)
class PythonRuntimeProcessTest extends ProcessTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path unpackDir;
    static ManagedRuntimes runtimes;

    @TempDir
    Path task;

    @BeforeAll
    static void unpack() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) || Files.isExecutable(Path.of("/usr/local/bin/python3")),
                "no python3 on this machine");
        runtimes = ManagedRuntimes.create(unpackDir);
    }

    private RuntimeProcess start(String handler) {
        return start(handler, Map.of());
    }

    private RuntimeProcess start(String handler, Map<String, String> env) {
        return start(runtimes, "python3.12", handler, task, env);
    }

    @Test
    void invoke_echoesTheEvent_andKeepsModuleStateBetweenInvokes() {
        write(task.resolve("app.py"), """
                count = 0
                def handler(event, context):
                    global count
                    count += 1
                    return {"event": event, "count": count}
                """);
        start("app.handler");

        assertResponse(api.invoke("{\"a\": [1, \"x\"]}"), "{\"event\": {\"a\": [1, \"x\"]}, \"count\": 1}");
        assertResponse(api.invoke("{\"b\": true}"), "{\"event\": {\"b\": true}, \"count\": 2}");
        // One process served both: after each answer it asked for the next event.
        await().atMost(WAIT).until(() -> api.nextCalls() == 3);
        assertThat(process.isAlive()).isTrue();
    }

    @Test
    void context_carriesTheFunctionAndInvocationFields() {
        write(task.resolve("ctx.py"), """
                import os
                def handler(event, context):
                    cc = context.client_context
                    return {
                        "function_name": context.function_name,
                        "function_version": context.function_version,
                        "invoked_function_arn": context.invoked_function_arn,
                        "memory_limit_in_mb": context.memory_limit_in_mb,
                        "aws_request_id": context.aws_request_id,
                        "log_group_name": context.log_group_name,
                        "log_stream_name": context.log_stream_name,
                        "remaining_ok": 0 < context.get_remaining_time_in_millis() <= 60000,
                        "cognito_identity_id": context.identity.cognito_identity_id,
                        "cognito_identity_pool_id": context.identity.cognito_identity_pool_id,
                        "custom": cc.custom, "env": cc.env, "installation_id": cc.client.installation_id,
                        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
                    }
                """);
        start("ctx.handler");

        String id = api.enqueue("{}",
                Optional.of("{\"client\":{\"installation_id\":\"inst-1\"},\"custom\":{\"k\":\"v\"},\"env\":{\"locale\":\"en\"}}"),
                Optional.of("{\"cognitoIdentityId\":\"id-1\",\"cognitoIdentityPoolId\":\"pool-1\"}"));
        JsonNode body = json(api.await(id, WAIT));

        assertThat(body.get("function_name").asText()).isEqualTo(RuntimeProcess.FUNCTION_NAME);
        assertThat(body.get("function_version").asText()).isEqualTo("$LATEST");
        assertThat(body.get("invoked_function_arn").asText()).isEqualTo(FakeRuntimeApi.ARN);
        // A string, as in AWS's runtime.
        assertThat(body.get("memory_limit_in_mb").isTextual()).isTrue();
        assertThat(body.get("memory_limit_in_mb").asText()).isEqualTo(Integer.toString(MEMORY_MB));
        assertThat(body.get("aws_request_id").asText()).isEqualTo(id);
        assertThat(body.get("log_group_name").asText()).isEqualTo(RuntimeProcess.LOG_GROUP);
        assertThat(body.get("log_stream_name").asText()).isEqualTo(RuntimeProcess.LOG_STREAM);
        assertThat(body.get("remaining_ok").asBoolean()).isTrue();
        assertThat(body.get("cognito_identity_id").asText()).isEqualTo("id-1");
        assertThat(body.get("cognito_identity_pool_id").asText()).isEqualTo("pool-1");
        assertThat(body.get("custom")).isEqualTo(json("{\"k\":\"v\"}"));
        assertThat(body.get("env")).isEqualTo(json("{\"locale\":\"en\"}"));
        assertThat(body.get("installation_id").asText()).isEqualTo("inst-1");
        assertThat(body.get("trace").asText()).isEqualTo(FakeRuntimeApi.TRACE_ID);
    }

    @Test
    void context_withoutClientContext_hasNoneAndAnEmptyIdentity() {
        write(task.resolve("ctx.py"), """
                def handler(event, context):
                    return [context.client_context, context.identity.cognito_identity_id]
                """);
        start("ctx.handler");

        assertResponse(api.invoke("{}"), "[null, null]");
    }

    @Test
    void handlerReturningNone_answersNull() {
        write(task.resolve("app.py"), "def handler(event, context):\n    return None\n");
        start("app.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(posted.kind()).isEqualTo("response");
        assertThat(posted.body()).isEqualTo("null");
        assertThat(posted.header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void handlerException_postsAwsErrorPayloadWithStackTrace_andLogsOneErrorRecord() {
        write(task.resolve("x.py"), "def handler(event, context):\n    raise Exception(\"Handler fails\")\n");
        start("x.handler");

        String id = api.enqueue("{}");
        FakeRuntimeApi.Posted posted = api.await(id, WAIT);

        assertThat(posted.kind()).isEqualTo("error");
        assertThat(posted.header("Lambda-Runtime-Function-Error-Type")).isEqualTo("Exception");
        String file = task.resolve("x.py").toString();
        ObjectNode expected = JSON.createObjectNode()
                .put("errorMessage", "Handler fails")
                .put("errorType", "Exception")
                .put("requestId", id);
        expected.putArray("stackTrace")
                .add("  File \"" + file + "\", line 2, in handler\n    raise Exception(\"Handler fails\")\n");
        assertThat(json(posted)).isEqualTo(expected);
        assertThat(process.awaitStdoutLine("[ERROR] Exception: Handler fails")).isEqualTo(
                "[ERROR] Exception: Handler fails\rTraceback (most recent call last):\r"
                        + "\u00a0\u00a0File \"" + file + "\", line 2, in handler\r"
                        + "\u00a0\u00a0\u00a0\u00a0raise Exception(\"Handler fails\")");
        // The environment stays warm after a function error.
        assertThat(api.invoke("{}").kind()).isEqualTo("error");
    }

    @Test
    void handlerException_stackTraceStartsAtTheHandler_andGoesDownIntoHelpers() {
        write(task.resolve("deep.py"), """
                def helper():
                    raise ValueError("deep")

                def handler(event, context):
                    helper()
                """);
        start("deep.handler");

        JsonNode body = json(api.invoke("{}"));

        assertThat(body.get("errorType").asText()).isEqualTo("ValueError");
        ArrayNode trace = (ArrayNode) body.get("stackTrace");
        assertThat(trace).hasSize(2);
        assertThat(trace.get(0).asText()).contains("line 5, in handler");
        assertThat(trace.get(1).asText()).contains("line 2, in helper");
        assertThat(body.toString()).doesNotContain("bootstrap.py");
    }

    @Test
    void missingModule_reportsImportModuleErrorAtInit_andExits1() {
        start("nosuch.handler");

        FakeRuntimeApi.Posted posted = api.awaitInitError(WAIT);

        assertThat(posted.header("Lambda-Runtime-Function-Error-Type")).isEqualTo("Runtime.ImportModuleError");
        assertThat(json(posted)).isEqualTo(json("""
                {"errorMessage": "Unable to import module 'nosuch': No module named 'nosuch'",
                 "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}"""));
        assertThat(process.awaitExit(WAIT)).isEqualTo(1);
        assertThat(process.stdout()).anyMatch(line -> line.startsWith(
                "[ERROR] Runtime.ImportModuleError: Unable to import module 'nosuch': No module named 'nosuch'"));
        assertThat(api.nextCalls()).isZero();
    }

    @Test
    void missingFunction_reportsHandlerNotFound() {
        write(task.resolve("app.py"), "def other(event, context):\n    return 1\n");
        start("app.handler");

        FakeRuntimeApi.Posted posted = api.awaitInitError(WAIT);

        assertThat(json(posted)).isEqualTo(json("""
                {"errorMessage": "Handler 'handler' missing on module 'app'", "errorType": "Runtime.HandlerNotFound",
                 "requestId": "", "stackTrace": []}"""));
        assertThat(process.awaitExit(WAIT)).isEqualTo(1);
    }

    @Test
    void syntaxError_reportsUserCodeSyntaxError() {
        write(task.resolve("bad.py"), "def handler(event, context:\n    return 1\n");
        start("bad.handler");

        JsonNode body = json(api.awaitInitError(WAIT));

        assertThat(body.get("errorType").asText()).isEqualTo("Runtime.UserCodeSyntaxError");
        assertThat(body.get("errorMessage").asText()).startsWith("Syntax error in module 'bad': ");
        assertThat(body.get("stackTrace").get(0).asText()).startsWith("  File \"" + task.resolve("bad.py") + "\" Line 1");
        assertThat(process.awaitExit(WAIT)).isEqualTo(1);
    }

    @Test
    void handlerWithoutDot_reportsMalformedHandlerName() {
        start("nodots");

        assertThat(json(api.awaitInitError(WAIT))).isEqualTo(json("""
                {"errorMessage": "Bad handler 'nodots': not enough values to unpack (expected 2, got 1)",
                 "errorType": "Runtime.MalformedHandlerName", "requestId": "", "stackTrace": []}"""));
        assertThat(process.awaitExit(WAIT)).isEqualTo(1);
    }

    @Test
    void exceptionWhileImporting_reportsItsOwnTypeWithTheImportStack() {
        write(task.resolve("boom.py"), "raise RuntimeError(\"no config\")\n");
        start("boom.handler");

        JsonNode body = json(api.awaitInitError(WAIT));

        assertThat(body.get("errorType").asText()).isEqualTo("RuntimeError");
        assertThat(body.get("errorMessage").asText()).isEqualTo("no config");
        assertThat(body.get("requestId").asText()).isEmpty();
        ArrayNode trace = (ArrayNode) body.get("stackTrace");
        assertThat(trace.get(trace.size() - 1).asText()).contains(task.resolve("boom.py").toString());
        assertThat(process.awaitExit(WAIT)).isEqualTo(1);
    }

    @Test
    void handlerInNestedPackage_isFoundThroughSlashes() {
        write(task.resolve("pkg/__init__.py"), "");
        write(task.resolve("pkg/sub/__init__.py"), "");
        write(task.resolve("pkg/sub/mod.py"), "def fn(event, context):\n    return 'nested:' + __name__\n");
        start("pkg/sub/mod.fn");

        assertResponse(api.invoke("{}"), "\"nested:pkg.sub.mod\"");
    }

    @Test
    void sysPath_putsTheTaskRootFirst_thenLayers_thenTheRuntime() {
        write(task.resolve("paths.py"), "import sys\ndef handler(e, c):\n    return sys.path[:4]\n");
        start("paths.handler");

        JsonNode paths = json(api.invoke("{}"));

        assertThat(paths.get(0).asText()).isEqualTo(task.toString());
        assertThat(paths.get(1).asText()).matches("/opt/python/lib/python3\\.\\d+/site-packages");
        assertThat(paths.get(2).asText()).isEqualTo("/opt/python");
    }

    @Test
    void invalidJsonEvent_reportsUnmarshalError() {
        write(task.resolve("app.py"), "def handler(event, context):\n    return event\n");
        start("app.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{bad");

        assertThat(posted.kind()).isEqualTo("error");
        JsonNode body = json(posted);
        assertThat(body.get("errorType").asText()).isEqualTo("Runtime.UnmarshalError");
        assertThat(body.get("errorMessage").asText()).isEqualTo(
                "Unable to unmarshal input: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
    }

    @Test
    void unserializableResult_reportsMarshalError() {
        write(task.resolve("app.py"), "def handler(event, context):\n    return {1, 2}\n");
        start("app.handler");

        JsonNode body = json(api.invoke("{}"));

        assertThat(body.get("errorType").asText()).isEqualTo("Runtime.MarshalError");
        assertThat(body.get("errorMessage").asText())
                .isEqualTo("Unable to marshal response: Object of type set is not JSON serializable");
    }

    @Test
    void decimalResult_isWrittenAsANumber() {
        write(task.resolve("app.py"), "from decimal import Decimal\ndef handler(e, c):\n    return [Decimal('3'), Decimal('1.5')]\n");
        start("app.handler");

        assertResponse(api.invoke("{}"), "[3, 1.5]");
    }

    @Test
    void logging_usesAwsTextFormat_whilePrintIsUnchanged_andBothArriveBeforeTheResponse() {
        write(task.resolve("logs.py"), """
                import logging
                logger = logging.getLogger()
                logger.setLevel(logging.INFO)
                def handler(event, context):
                    print("plain print")
                    logger.info("hello %s", "logger")
                    logger.info("two\\nlines")
                    return "ok"
                """);
        start("logs.handler");

        String id = api.enqueue("{}");
        assertThat(api.await(id, WAIT).kind()).isEqualTo("response");

        assertThat(process.awaitStdoutLine("plain print")).isEqualTo("plain print");
        assertThat(process.awaitStdoutLine("hello logger"))
                .matches("\\[INFO]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t" + id + "\\thello logger");
        assertThat(process.awaitStdoutLine("two")).endsWith("\t" + id + "\ttwo\rlines");
    }

    @Test
    void eventAndResponse_areDecodedAndWrittenExactlyAsTheJsonModuleDoes() {
        write(task.resolve("echo.py"), """
                import json
                def handler(event, context):
                    print("DUMPS:" + json.dumps(event))
                    return event
                """);
        start("echo.handler");
        String event = " {\"s\": \"\\u00e9\\u2028\\ud83d\\ude00 \\\"q\\\" \\\\ \\t\", \"n\": [1.5e300, -0.0, 12345678901234567890,"
                + " 0.1, NaN, -Infinity, true, null], \"o\": {\"\": {}, \"a\": []}}\n";

        FakeRuntimeApi.Posted posted = api.invoke(event);

        assertThat(posted.kind()).isEqualTo("response");
        assertThat("DUMPS:" + posted.body()).isEqualTo(process.awaitStdoutLine("DUMPS:"));
    }

    @Test
    void eventWithTrailingData_reportsTheJsonModulesUnmarshalError() {
        write(task.resolve("app.py"), "def handler(event, context):\n    return event\n");
        start("app.handler");

        JsonNode body = json(api.invoke("{} x"));

        assertThat(body.get("errorType").asText()).isEqualTo("Runtime.UnmarshalError");
        assertThat(body.get("errorMessage").asText())
                .isEqualTo("Unable to unmarshal input: Extra data: line 1 column 4 (char 3)");
    }

    @Test
    void loggingFirstImportedDuringAnInvoke_alreadyHasAwsHandler_soBasicConfigChangesNothing() {
        // Files named like the standard modules logging is made of: the runtime's logging still comes
        // from the interpreter, as when AWS's runtime imports it before the function's code.
        write(task.resolve("string.py"), "raise ImportError('the function\\'s string.py')\n");
        write(task.resolve("threading.py"), "raise ImportError('the function\\'s threading.py')\n");
        write(task.resolve("late.py"), """
                def handler(event, context):
                    import logging
                    logging.basicConfig(level=logging.DEBUG, format="%(message)s")
                    logging.getLogger().warning("late %s", len(logging.getLogger().handlers))
                    return "ok"
                """);
        start("late.handler");

        String id = api.enqueue("{}");
        assertThat(api.await(id, WAIT).kind()).isEqualTo("response");

        assertThat(process.awaitStdoutLine("late"))
                .matches("\\[WARNING]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t" + id + "\\tlate 1");
    }

    @Test
    void loggingLookedUpBeforeItIsImported_stillGetsAwsHandler() {
        write(task.resolve("probe.py"), """
                import importlib.util
                FOUND = importlib.util.find_spec("logging") is not None
                import logging
                def handler(event, context):
                    logging.getLogger().warning("probed %s", FOUND)
                    return "ok"
                """);
        start("probe.handler");

        String id = api.enqueue("{}");
        assertThat(api.await(id, WAIT).kind()).isEqualTo("response");

        assertThat(process.awaitStdoutLine("probed"))
                .matches("\\[WARNING]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t" + id + "\\tprobed True");
    }

    @Test
    void jsonLogFormat_writesStructuredRecords_andHonoursTheLogLevel() {
        write(task.resolve("logs.py"), """
                import logging
                def handler(event, context):
                    logging.getLogger("app").debug("hidden")
                    logging.getLogger("app").warning("shown %d", 1)
                    print("printed")
                    return "ok"
                """);
        start("logs.handler", Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "INFO"));

        String id = api.enqueue("{}");
        assertThat(api.await(id, WAIT).kind()).isEqualTo("response");

        JsonNode record = json(process.awaitStdoutLine("shown 1"));
        assertThat(record.get("level").asText()).isEqualTo("WARNING");
        assertThat(record.get("message").asText()).isEqualTo("shown 1");
        assertThat(record.get("logger").asText()).isEqualTo("app");
        assertThat(record.get("requestId").asText()).isEqualTo(id);
        assertThat(record.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(process.awaitStdoutLine("printed")).isEqualTo("printed");
        assertThat(process.stdout()).noneMatch(line -> line.contains("hidden"));
    }

    @Test
    void nextInvocation_isAskedRightBehindTheResult_beforeTheResultIsAnswered() throws Exception {
        write(task.resolve("app.py"), "def handler(event, context):\n    return event\n");
        try (RawRuntimeApi raw = new RawRuntimeApi()) {
            start("app.handler", Map.of("AWS_LAMBDA_RUNTIME_API", raw.address()));
            raw.expectNextRightBehindEachResult(WAIT, n -> "{\"n\": " + n + "}");
        }
    }

    @Test
    void refusedResult_withNextBehindIt_isLoggedAtOnce_beforeTheNextEventArrives() throws Exception {
        // The runtime sleeps through a bare 202 until the event behind it comes (SO_RCVLOWAT): a refusal, which is
        // longer, must still wake it at once, so that its line precedes the next invocation's.
        write(task.resolve("app.py"), "def handler(event, context):\n    return event\n");
        try (RawRuntimeApi raw = new RawRuntimeApi()) {
            start("app.handler", Map.of("AWS_LAMBDA_RUNTIME_API", raw.address()));
            assertThat(raw.read(WAIT).line()).isEqualTo(RawRuntimeApi.NEXT);
            raw.sendEvent("req-1", "{\"n\":1}");
            assertThat(raw.read(WAIT).body()).isEqualTo("{\"n\": 1}");
            assertThat(raw.read(WAIT).line()).isEqualTo(RawRuntimeApi.NEXT);
            raw.answer(400, "Bad Request", "", "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
            await().atMost(WAIT).until(() -> process.stderr().stream().anyMatch(line -> line.startsWith(
                    "Request to Lambda Runtime '/2018-06-01/runtime/invocation/req-1/response' endpoint failed. Reason: '400'")));
            // The /next behind the refused result still stands: the next event is served on it.
            raw.sendEvent("req-2", "{\"n\":2}");
            assertThat(raw.read(WAIT).line()).isEqualTo("POST /2018-06-01/runtime/invocation/req-2/response HTTP/1.1");
        }
    }

    @Test
    void resultOverTheLimit_isNotFollowedByNext_untilItsRefusalIsLogged() throws Exception {
        write(task.resolve("app.py"), "def handler(event, context):\n    return 'x' * (6 * 1024 * 1024 + 1)\n");
        try (RawRuntimeApi raw = new RawRuntimeApi()) {
            start("app.handler", Map.of("AWS_LAMBDA_RUNTIME_API", raw.address()));
            raw.expectNoNextBehindARefusableResult(WAIT, 6 * 1024 * 1024 + 3, () -> process.stderr().stream().anyMatch(
                    line -> line.startsWith("Request to Lambda Runtime '/2018-06-01/runtime/invocation/req-1/response'"
                            + " endpoint failed. Reason: '413'")));
        }
    }
}
