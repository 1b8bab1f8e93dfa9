package dev.hearth.runtimes;

import com.fasterxml.jackson.databind.JsonNode;
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

/** The Node.js bootstrap, run by the machine's node against a fake Runtime API. */
@Timeout(120)
class NodeRuntimeProcessTest extends ProcessTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ISO_TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @TempDir
    static Path unpackDir;
    static ManagedRuntimes runtimes;

    @TempDir
    Path task;

    @BeforeAll
    static void unpack() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/node")) || Files.isExecutable(Path.of("/usr/local/bin/node")),
                "no node on this machine");
        runtimes = ManagedRuntimes.create(unpackDir);
    }

    private RuntimeProcess start(String handler) {
        return start(handler, Map.of());
    }

    private RuntimeProcess start(String handler, Map<String, String> env) {
        return start(runtimes, "nodejs20.x", handler, task, env);
    }

    @Test
    void commonJsHandler_echoesTheEvent_andKeepsModuleStateBetweenInvokes() {
        write(task.resolve("index.js"), """
                let count = 0;
                exports.handler = async (event) => ({ event, count: ++count });
                """);
        start("index.handler");

        assertResponse(api.invoke("{\"a\":[1,\"x\"]}"), "{\"event\":{\"a\":[1,\"x\"]},\"count\":1}");
        assertResponse(api.invoke("{\"b\":true}"), "{\"event\":{\"b\":true},\"count\":2}");
        await().atMost(WAIT).until(() -> api.nextCalls() == 3);
        assertThat(process.isAlive()).isTrue();
    }

    @Test
    void context_carriesTheFunctionAndInvocationFields() {
        write(task.resolve("index.js"), """
                exports.handler = async (event, context) => ({
                  functionName: context.functionName,
                  functionVersion: context.functionVersion,
                  invokedFunctionArn: context.invokedFunctionArn,
                  memoryLimitInMB: context.memoryLimitInMB,
                  awsRequestId: context.awsRequestId,
                  logGroupName: context.logGroupName,
                  logStreamName: context.logStreamName,
                  remainingOk: context.getRemainingTimeInMillis() > 0 && context.getRemainingTimeInMillis() <= 60000,
                  identity: context.identity,
                  clientContext: context.clientContext,
                  waits: context.callbackWaitsForEmptyEventLoop,
                  legacy: [typeof context.done, typeof context.succeed, typeof context.fail],
                  trace: process.env._X_AMZN_TRACE_ID,
                });
                """);
        start("index.handler");

        String id = api.enqueue("{}", Optional.of("{\"custom\":{\"k\":\"v\"}}"),
                Optional.of("{\"cognitoIdentityId\":\"id-1\",\"cognitoIdentityPoolId\":\"pool-1\"}"));
        JsonNode body = json(api.await(id, WAIT));

        assertThat(body.get("functionName").asText()).isEqualTo(RuntimeProcess.FUNCTION_NAME);
        assertThat(body.get("functionVersion").asText()).isEqualTo("$LATEST");
        assertThat(body.get("invokedFunctionArn").asText()).isEqualTo(FakeRuntimeApi.ARN);
        assertThat(body.get("memoryLimitInMB").isTextual()).isTrue();
        assertThat(body.get("memoryLimitInMB").asText()).isEqualTo(Integer.toString(MEMORY_MB));
        assertThat(body.get("awsRequestId").asText()).isEqualTo(id);
        assertThat(body.get("logGroupName").asText()).isEqualTo(RuntimeProcess.LOG_GROUP);
        assertThat(body.get("logStreamName").asText()).isEqualTo(RuntimeProcess.LOG_STREAM);
        assertThat(body.get("remainingOk").asBoolean()).isTrue();
        assertThat(body.get("identity")).isEqualTo(json("{\"cognitoIdentityId\":\"id-1\",\"cognitoIdentityPoolId\":\"pool-1\"}"));
        assertThat(body.get("clientContext")).isEqualTo(json("{\"custom\":{\"k\":\"v\"}}"));
        assertThat(body.get("waits").asBoolean()).isTrue();
        assertThat(body.get("legacy")).isEqualTo(json("[\"function\",\"function\",\"function\"]"));
        assertThat(body.get("trace").asText()).isEqualTo(FakeRuntimeApi.TRACE_ID);
    }

    @Test
    void esModuleWithMjsExtension_isImported() {
        write(task.resolve("app.mjs"), "export const handler = async () => `esm:${typeof require}`;\n");
        start("app.handler");

        assertResponse(api.invoke("{}"), "\"esm:undefined\"");
    }

    @Test
    void jsFileUnderTypeModulePackage_isImportedAsEsModule() {
        write(task.resolve("package.json"), "{\"type\":\"module\"}");
        write(task.resolve("src/app.js"), "export async function handler() { return import.meta.url.endsWith('/src/app.js'); }\n");
        start("src/app.handler");

        assertResponse(api.invoke("{}"), "true");
    }

    @Test
    void userModule_seesAwsEsModuleEntryPoint_withoutMainModuleOrRuntimeInRequireCache() {
        write(task.resolve("index.js"), """
                exports.handler = async () => ({
                  main: require.main === undefined,
                  mainModule: process.mainModule === undefined,
                  argv1: process.argv[1].endsWith('/index.mjs'),
                  cached: Object.keys(require.cache).filter((f) => !f.startsWith(__dirname)),
                });
                """);
        start("index.handler");

        assertResponse(api.invoke("{}"), "{\"main\":true,\"mainModule\":true,\"argv1\":true,\"cached\":[]}");
    }

    /**
     * The bootstrap loads its own modules with V8's flags at their defaults (so that Node's code cache is
     * used); the function's code must run with AWS's again: gc() in every new context, the heap capped.
     */
    private static final String V8_FLAGS_PROBE = """
            ({
              gc: typeof gc,
              inNewContext: require('vm').runInNewContext('typeof gc'),
              heapLimitMb: Math.round(require('v8').getHeapStatistics().heap_size_limit / 1048576),
            })""";

    private void assertAwsV8Flags(FakeRuntimeApi.Posted posted) {
        JsonNode body = json(posted);
        assertThat(body.get("gc").asText()).isEqualTo("function");
        assertThat(body.get("inNewContext").asText()).isEqualTo("function");
        // --max-old-space-size is 90 % of the memory; the young generation comes on top.
        assertThat(body.get("heapLimitMb").asInt()).isBetween(MEMORY_MB * 9 / 10, MEMORY_MB * 9 / 10 + 64);
    }

    @Test
    void commonJsFunctionCode_runsWithAwsV8Flags_gcInNewContextsAndTheHeapCapped() {
        write(task.resolve("index.js"), "const probe = " + V8_FLAGS_PROBE + ";\nexports.handler = async () => probe;\n");
        start("index.handler");

        assertAwsV8Flags(api.invoke("{}"));
    }

    @Test
    void esModuleFunctionCode_runsWithAwsV8Flags_gcInNewContextsAndTheHeapCapped() {
        write(task.resolve("app.mjs"), "import { createRequire } from 'node:module';\n"
                + "const require = createRequire(import.meta.url);\n"
                + "const probe = " + V8_FLAGS_PROBE + ";\nexport const handler = async () => probe;\n");
        start("app.handler");

        assertAwsV8Flags(api.invoke("{}"));
    }

    @Test
    void largeEventAndResponse_crossTheRuntimeApiWhole() {
        write(task.resolve("index.js"), "exports.handler = async (event) => ({ size: event.s.length, s: event.s });\n");
        start("index.handler");
        String big = "x".repeat(3 * 1024 * 1024);

        assertResponse(api.invoke("{\"s\":\"" + big + "\"}"), "{\"size\":" + big.length() + ",\"s\":\"" + big + "\"}");
        assertResponse(api.invoke("{\"s\":\"y\"}"), "{\"size\":1,\"s\":\"y\"}");
    }

    @Test
    void cjsExtension_andNestedExportPath_areResolved() {
        write(task.resolve("lib/mod.cjs"), "module.exports = { api: { v1: { get: async () => 'nested' } } };\n");
        start("lib/mod.api.v1.get");

        assertResponse(api.invoke("{}"), "\"nested\"");
    }

    @Test
    void callbackHandler_answersOnlyOnceTheEventLoopIsEmpty() {
        write(task.resolve("index.js"), """
                exports.handler = (event, context, callback) => {
                  setTimeout(() => console.log('timer fired at ' + Date.now()), 300);
                  callback(null, { ok: true });
                };
                """);
        start("index.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertResponse(posted, "{\"ok\":true}");
        long firedAt = Long.parseLong(process.awaitStdoutLine("timer fired at ").replaceAll(".*timer fired at ", ""));
        assertThat(posted.receivedAtMs()).isGreaterThanOrEqualTo(firedAt);
    }

    @Test
    void callbackHandler_notWaitingForTheEventLoop_answersAtOnce() {
        write(task.resolve("index.js"), """
                exports.handler = (event, context, callback) => {
                  context.callbackWaitsForEmptyEventLoop = false;
                  setTimeout(() => console.log('timer fired at ' + Date.now()), 1500);
                  callback(null, 'early');
                };
                """);
        start("index.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertResponse(posted, "\"early\"");
        long firedAt = Long.parseLong(process.awaitStdoutLine("timer fired at ").replaceAll(".*timer fired at ", ""));
        assertThat(posted.receivedAtMs()).isLessThan(firedAt);
    }

    @Test
    void syncHandlerThatNeverCallsBack_answersNullWhenTheLoopEmpties() {
        write(task.resolve("index.js"), "exports.handler = (event, context, callback) => { setTimeout(() => {}, 50); };\n");
        start("index.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(posted.kind()).isEqualTo("response");
        assertThat(posted.body()).isEqualTo("null");
    }

    @Test
    void asyncHandlerWhosePromiseNeverSettles_failsWithNodeJsExitWhenTheLoopEmpties() {
        write(task.resolve("index.js"), "exports.handler = async () => new Promise(() => {});\n");
        start("index.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(posted.kind()).isEqualTo("error");
        assertThat(json(posted).get("errorType").asText()).isEqualTo("Runtime.NodeJsExit");
    }

    @Test
    void legacyContextSucceed_answersAtOnce() {
        write(task.resolve("index.js"), "exports.handler = (event, context) => context.succeed({ legacy: true });\n");
        start("index.handler");

        assertResponse(api.invoke("{}"), "{\"legacy\":true}");
    }

    @Test
    void handlerReturningUndefined_answersNull() {
        write(task.resolve("index.js"), "exports.handler = async () => undefined;\n");
        start("index.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(posted.kind()).isEqualTo("response");
        assertThat(posted.body()).isEqualTo("null");
    }

    @Test
    void thrownError_postsNodeErrorShapeWithTrace_andLogsInvokeError() {
        write(task.resolve("index.js"), "exports.handler = async () => {\n  throw new Error('boom');\n};\n");
        start("index.handler");

        String id = api.enqueue("{}");
        FakeRuntimeApi.Posted posted = api.await(id, WAIT);

        assertThat(posted.kind()).isEqualTo("error");
        assertThat(posted.header("Lambda-Runtime-Function-Error-Type")).isEqualTo("Error");
        JsonNode body = json(posted);
        assertThat(body.fieldNames()).toIterable().containsExactly("errorType", "errorMessage", "trace");
        assertThat(body.get("errorType").asText()).isEqualTo("Error");
        assertThat(body.get("errorMessage").asText()).isEqualTo("boom");
        assertThat(body.get("trace").get(0).asText()).isEqualTo("Error: boom");
        assertThat(body.get("trace").get(1).asText()).startsWith("    at ").contains(task.resolve("index.js") + ":2:");
        String logged = process.awaitStdoutLine("Invoke Error");
        assertThat(logged).matches(ISO_TIME + "\\t" + id + "\\tERROR\\tInvoke Error \\t\\{\"errorType\":\"Error\",\"errorMessage\":\"boom\".*");
        assertThat(api.invoke("{}").kind()).isEqualTo("error");
    }

    @Test
    void errorPassedToCallback_isReportedWithItsType() {
        write(task.resolve("index.js"), "exports.handler = (e, c, callback) => callback(new TypeError('bad input'));\n");
        start("index.handler");

        JsonNode body = json(api.invoke("{}"));

        assertThat(body.get("errorType").asText()).isEqualTo("TypeError");
        assertThat(body.get("errorMessage").asText()).isEqualTo("bad input");
    }

    @Test
    void missingModule_reportsImportModuleErrorAtInit_andExits() {
        start("missing.handler");

        FakeRuntimeApi.Posted posted = api.awaitInitError(WAIT);

        assertThat(posted.header("Lambda-Runtime-Function-Error-Type")).isEqualTo("Runtime.ImportModuleError");
        JsonNode body = json(posted);
        String runtimeIndex = RuntimeProcess.toHost("/var/runtime/index.mjs", launchDir(), task);
        assertThat(body.get("errorType").asText()).isEqualTo("Runtime.ImportModuleError");
        assertThat(body.get("errorMessage").asText())
                .isEqualTo("Error: Cannot find module 'missing'\nRequire stack:\n- " + runtimeIndex);
        assertThat(body.get("trace").get(0).asText()).isEqualTo("Runtime.ImportModuleError: Error: Cannot find module 'missing'");
        assertThat(process.awaitExit(WAIT)).isEqualTo(129);
        assertThat(process.stdout()).anyMatch(line -> line.matches(ISO_TIME + "\\tundefined\\tERROR\\tUncaught Exception \\t.*"));
    }

    @Test
    void missingExport_reportsHandlerNotFound() {
        write(task.resolve("index.js"), "exports.other = async () => 1;\n");
        start("index.handler");

        JsonNode body = json(api.awaitInitError(WAIT));

        assertThat(body.get("errorType").asText()).isEqualTo("Runtime.HandlerNotFound");
        assertThat(body.get("errorMessage").asText()).isEqualTo("index.handler is undefined or not exported");
        assertThat(process.awaitExit(WAIT)).isEqualTo(129);
    }

    @Test
    void syntaxError_reportsUserCodeSyntaxError() {
        write(task.resolve("index.js"), "exports.handler = async () => {\n");
        start("index.handler");

        JsonNode body = json(api.awaitInitError(WAIT));

        assertThat(body.get("errorType").asText()).isEqualTo("Runtime.UserCodeSyntaxError");
        assertThat(body.get("errorMessage").asText()).startsWith("SyntaxError: ");
    }

    @Test
    void parentDirectoryInHandler_isRejectedAsMalformed() {
        start("../escape.handler");

        JsonNode body = json(api.awaitInitError(WAIT));

        assertThat(body.get("errorType").asText()).isEqualTo("Runtime.MalformedHandlerName");
        assertThat(body.get("errorMessage").asText()).isEqualTo(
                "'../escape.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names.");
    }

    @Test
    void handlerWithoutDot_isRejectedAsMalformed() {
        start("index");

        JsonNode body = json(api.awaitInitError(WAIT));

        assertThat(body.get("errorType").asText()).isEqualTo("Runtime.MalformedHandlerName");
        assertThat(body.get("errorMessage").asText()).isEqualTo("Bad handler");
    }

    @Test
    void unhandledRejectionDuringInvoke_failsTheInvocation_andExits() {
        write(task.resolve("index.js"), """
                exports.handler = async () => {
                  Promise.reject(new Error('forgotten'));
                  await new Promise((resolve) => setTimeout(resolve, 200));
                  return 'too late';
                };
                """);
        start("index.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(posted.kind()).isEqualTo("error");
        assertThat(posted.header("Lambda-Runtime-Function-Error-Type")).isEqualTo("Runtime.UnhandledPromiseRejection");
        assertThat(json(posted).get("errorMessage").asText()).isEqualTo("Error: forgotten");
        assertThat(process.awaitExit(WAIT)).isEqualTo(128);
    }

    @Test
    void uncaughtExceptionDuringInvoke_failsTheInvocation_andExits() {
        write(task.resolve("index.js"), """
                exports.handler = (event, context, callback) => {
                  setTimeout(() => { throw new RangeError('in a timer'); }, 10);
                };
                """);
        start("index.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(json(posted).get("errorType").asText()).isEqualTo("RangeError");
        assertThat(process.awaitExit(WAIT)).isEqualTo(129);
    }

    @Test
    void console_writesAwsTextRecords_oneLinePerCall() {
        write(task.resolve("index.js"), """
                exports.handler = async () => {
                  console.log('hello %s', 'world', { a: 1 });
                  console.warn('careful');
                  console.error('first\\nsecond');
                  console.debug('details');
                  return 'ok';
                };
                """);
        start("index.handler");

        String id = api.enqueue("{}");
        api.await(id, WAIT);

        assertThat(process.awaitStdoutLine("hello world")).matches(ISO_TIME + "\\t" + id + "\\tINFO\\thello world \\{ a: 1 }");
        assertThat(process.awaitStdoutLine("careful")).matches(ISO_TIME + "\\t" + id + "\\tWARN\\tcareful");
        assertThat(process.awaitStdoutLine("first")).matches(ISO_TIME + "\\t" + id + "\\tERROR\\tfirst\rsecond");
        assertThat(process.awaitStdoutLine("details")).matches(ISO_TIME + "\\t" + id + "\\tDEBUG\\tdetails");
    }

    @Test
    void jsonLogFormat_writesStructuredRecords_andHonoursTheLogLevel() {
        write(task.resolve("index.js"), """
                exports.handler = async () => {
                  console.debug('hidden');
                  console.info('shown');
                  return 'ok';
                };
                """);
        start("index.handler", Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "INFO"));

        String id = api.enqueue("{}");
        api.await(id, WAIT);

        JsonNode record = json(process.awaitStdoutLine("shown"));
        assertThat(record.fieldNames()).toIterable().containsExactly("timestamp", "level", "requestId", "message");
        assertThat(record.get("level").asText()).isEqualTo("INFO");
        assertThat(record.get("requestId").asText()).isEqualTo(id);
        assertThat(record.get("message").asText()).isEqualTo("shown");
        assertThat(process.stdout()).noneMatch(line -> line.contains("hidden"));
    }

    @Test
    void streamingHandler_isAnsweredWithTheWholeBody() {
        write(task.resolve("index.mjs"), """
                export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
                  responseStream.setContentType('text/plain');
                  responseStream.write('part1,');
                  responseStream.write('part2');
                  responseStream.end();
                });
                """);
        start("index.handler");

        FakeRuntimeApi.Posted posted = api.invoke("{}");

        assertThat(posted.kind()).isEqualTo("response");
        assertThat(posted.body()).isEqualTo("part1,part2");
        assertThat(posted.header("Content-Type")).isEqualTo("text/plain");
    }

    @Test
    void runtimeApiClient_leavesNetAndTheStreamModulesUnloaded_forTheFunctionToLoad() {
        write(task.resolve("index.js"), """
                exports.handler = async () =>
                  process.moduleLoadList.filter((m) =>
                    /^NativeModule (net|stream|internal\\/stream_base_commons|internal\\/streams\\/(readable|writable|duplex))$/.test(m));
                """);
        start("index.handler");

        assertResponse(api.invoke("{}"), "[]");
        assertResponse(api.invoke("{}"), "[]");
    }

    @Test
    void runtimeApiAddressWithAHostName_isReachedThroughNodesLookup() {
        write(task.resolve("index.js"), "exports.handler = async (event) => event;\n");
        start("index.handler", Map.of("AWS_LAMBDA_RUNTIME_API", api.address().replace("127.0.0.1", "localhost")));

        assertResponse(api.invoke("{\"a\":1}"), "{\"a\":1}");
        assertResponse(api.invoke("{\"b\":2}"), "{\"b\":2}");
    }

    @Test
    void unreachableRuntimeApi_endsTheRuntimeWithNetsConnectError() throws Exception {
        write(task.resolve("index.js"), "exports.handler = async (event) => event;\n");
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        start("index.handler", Map.of("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + closedPort));

        assertThat(process.awaitExit(WAIT)).isEqualTo(129);
        assertThat(process.stdout()).anyMatch(line -> line.endsWith(
                "\tINFO\tUnexpected Top Level Error: Error: connect ECONNREFUSED 127.0.0.1:" + closedPort));
    }

    @Test
    void nextInvocation_isAskedRightBehindTheResult_beforeTheResultIsAnswered() throws Exception {
        write(task.resolve("index.js"), "exports.handler = async (event) => event;\n");
        try (RawRuntimeApi raw = new RawRuntimeApi()) {
            start("index.handler", Map.of("AWS_LAMBDA_RUNTIME_API", raw.address()));
            raw.expectNextRightBehindEachResult(WAIT, n -> "{\"n\":" + n + "}");
        }
    }

    @Test
    void resultOverTheLimit_isNotFollowedByNext_untilItsRefusalIsLogged() throws Exception {
        write(task.resolve("index.js"), "exports.handler = async () => 'x'.repeat(6 * 1024 * 1024 + 1);\n");
        try (RawRuntimeApi raw = new RawRuntimeApi()) {
            start("index.handler", Map.of("AWS_LAMBDA_RUNTIME_API", raw.address()));
            raw.expectNoNextBehindARefusableResult(WAIT, 6 * 1024 * 1024 + 3, () -> process.stderr().stream().anyMatch(
                    line -> line.startsWith("Request to Lambda Runtime '/2018-06-01/runtime/invocation/req-1/response' failed: 413")));
        }
    }

    private Path launchDir() {
        return runtimes.launch("nodejs20.x", "index.handler", MEMORY_MB, task, Optional.empty()).orElseThrow().runtimeDir();
    }
}
