package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.hearth.e2e.E2e.WAIT;
import static dev.hearth.e2e.E2e.arn;
import static dev.hearth.e2e.E2e.invoke;
import static dev.hearth.e2e.E2e.invokeTail;
import static dev.hearth.e2e.E2e.json;
import static dev.hearth.e2e.E2e.reportLine;
import static dev.hearth.e2e.E2e.requestId;
import static dev.hearth.e2e.E2e.tail;
import static dev.hearth.e2e.E2e.text;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Process tests of the Python runtime end to end: the AWS SDK for Java v2 against a real node, which
 * runs the functions as real python3 processes in the sandbox. One node for the class; functions are
 * shared between tests where the tests do not depend on a cold environment.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PythonInvokeTest {

    /** One module for most tests: with no "op" it echoes its event; ops exercise one behaviour each. */
    static final String APP = """
            import errno, logging, os, signal, sys, time

            count = 0

            def handler(event, context):
                global count
                count += 1
                if not isinstance(event, dict) or "op" not in event:
                    return event
                op = event["op"]
                if op == "context":
                    return {"function_name": context.function_name,
                            "function_version": context.function_version,
                            "invoked_function_arn": context.invoked_function_arn,
                            "memory_limit_in_mb": context.memory_limit_in_mb,
                            "aws_request_id": context.aws_request_id,
                            "log_group_name": context.log_group_name,
                            "log_stream_name": context.log_stream_name,
                            "remaining": context.get_remaining_time_in_millis()}
                if op == "env":
                    return dict(os.environ)
                if op == "count":
                    print("count is", count)
                    return {"count": count, "stream": context.log_stream_name}
                if op == "print":
                    print(event["text"])
                    if "stderr" in event:
                        print(event["stderr"], file=sys.stderr)
                    return "printed"
                if op == "raise":
                    raise Exception(event["message"])
                if op == "none":
                    return None
                if op == "sleep":
                    time.sleep(event["seconds"])
                    return {"stream": context.log_stream_name,
                            "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}
                if op == "exit":
                    sys.exit(event["code"])
                if op == "kill":
                    os.kill(os.getpid(), signal.SIGKILL)
                if op == "big":
                    return "a" * event["size"]
                if op == "read":
                    return attempt(lambda: open(event["path"], "rb").read(1))
                if op == "listdir":
                    return attempt(lambda: os.listdir(event["path"]))
                if op == "write":
                    return attempt(lambda: open(event["path"], "w").write("x"))
                if op == "whoami":
                    return {"uid": os.getuid(), "euid": os.geteuid(), "pid": os.getpid(),
                            "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}
                if op == "tmp":
                    with open("/tmp/small.txt", "w") as f:
                        f.write("hello /tmp")
                    with open("/tmp/small.txt") as f:
                        small = f.read()
                    os.unlink("/tmp/small.txt")
                    return {"small": small, "fits": allocate(event["fits"]), "too_big": allocate(event["too_big"])}
                if op == "client_context":
                    cc = context.client_context
                    return {"custom": cc.custom, "env": cc.env, "client": {"installation_id": cc.client.installation_id, "app_title": cc.client.app_title}}
                if op == "log_warning":
                    logging.getLogger().warning("careful: %s", event["text"])
                    return "logged"
                if op == "print_many":
                    for i in range(event["lines"]):
                        print("line %05d of the chatty handler" % i)
                    return "done"
                if op == "steal":
                    import urllib.request
                    url = "http://" + event["api"] + "/2018-06-01/runtime/invocation/next"
                    try:
                        with urllib.request.urlopen(url, timeout=event["timeout"]) as r:
                            return {"stolen": True, "status": r.status, "body": r.read().decode()}
                    except Exception as e:
                        return {"stolen": False, "error": type(e).__name__ + ": " + str(e)}
                if op == "threads":
                    import threading
                    release = threading.Event()
                    started = []
                    error = None
                    try:
                        for _ in range(event["max"]):
                            t = threading.Thread(target=release.wait, daemon=True)
                            t.start()
                            started.append(t)
                    except Exception as e:
                        error = type(e).__name__ + ": " + str(e)
                    release.set()
                    for t in started:
                        t.join()
                    return {"started": len(started), "error": error}
                if op == "oom":
                    hog = [b"x" * (1 << 20) for _ in range(event["mb"])]
                    return len(hog)
                raise ValueError("unknown op " + op)

            def attempt(action):
                try:
                    action()
                    return {"ok": True}
                except OSError as e:
                    return {"ok": False, "error": type(e).__name__, "errno": e.errno}

            def allocate(size):
                fd = os.open("/tmp/blob", os.O_CREAT | os.O_WRONLY, 0o600)
                try:
                    os.posix_fallocate(fd, 0, size)
                    return {"ok": True}
                except OSError as e:
                    return {"ok": False, "error": errno.errorcode.get(e.errno, str(e.errno))}
                finally:
                    os.close(fd)
                    os.unlink("/tmp/blob")
            """;

    static final Pattern REPORT = Pattern.compile(
            "REPORT RequestId: ([0-9a-f-]{36})\tDuration: \\d+\\.\\d{2} ms\tBilled Duration: \\d+ ms\t"
                    + "Memory Size: 128 MB\tMax Memory Used: \\d+ MB\t(Init Duration: \\d+\\.\\d{2} ms\t)?");
    static final long MIB = 1024 * 1024;

    static TestNode node;
    static LambdaClient lambda;
    /** The shared function: 128 MB, Timeout 10, user variables. */
    static String main;

    @BeforeAll
    static void start() {
        node = TestNode.start(E2e.tempDataDir("hearth-e2e-py"));
        lambda = E2e.client(node.endpoint());
        main = unique("py-main");
        E2e.create(lambda, main, "python3.12", "app.handler", appZip(), b -> b.memorySize(128).timeout(10)
                .environment(e -> e.variables(Map.of("GREETING", "hello", "EMPTY_ISH", "-"))));
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

    static byte[] appZip() {
        return E2e.zip(Map.of("app.py", APP));
    }

    // ---- round trip and context ----------------------------------------------------------------------

    @Test
    void invoke_echoesTheEvent_withStatus200AndExecutedVersion() {
        String event = "{\"a\":[1,\"x\",{\"b\":null}],\"c\":true,\"unicode\":\"h\\u00e9llo \\u2603\"}";

        InvokeResponse response = invoke(lambda, main, event);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isNull();
        assertThat(response.executedVersion()).isEqualTo("$LATEST");
        assertThat(json(response)).isEqualTo(json(event));
    }

    @Test
    void context_carriesTheFunctionAndInvocationFields() {
        InvokeResponse response = invoke(lambda, main, "{\"op\":\"context\"}");
        JsonNode context = json(response);

        assertThat(context.get("function_name").asText()).isEqualTo(main);
        assertThat(context.get("function_version").asText()).isEqualTo("$LATEST");
        assertThat(context.get("invoked_function_arn").asText()).isEqualTo(arn(main));
        assertThat(context.get("memory_limit_in_mb").asText()).isEqualTo("128");
        assertThat(context.get("aws_request_id").asText()).isEqualTo(requestId(response)).isNotBlank();
        assertThat(context.get("log_group_name").asText()).isEqualTo("/aws/lambda/" + main);
        assertThat(context.get("log_stream_name").asText()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        assertThat(context.get("remaining").asLong()).isPositive().isLessThanOrEqualTo(10_000);
    }

    @Test
    void context_whenInvokedWithQualifierLatest_hasTheQualifiedArn() {
        InvokeResponse response = lambda.invoke(b -> b.functionName(main).qualifier("$LATEST")
                .payload(SdkBytes.fromUtf8String("{\"op\":\"context\"}")));

        assertThat(json(response).get("invoked_function_arn").asText()).isEqualTo(arn(main) + ":$LATEST");
        assertThat(response.executedVersion()).isEqualTo("$LATEST");
    }

    @Test
    void clientContext_fromTheInvokeHeader_reachesTheHandler() {
        String clientContext = java.util.Base64.getEncoder().encodeToString(("{\"custom\":{\"k\":\"v\"},"
                + "\"env\":{\"platform\":\"test\"},\"client\":{\"installation_id\":\"i-1\",\"app_title\":\"app\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        JsonNode seen = json(lambda.invoke(b -> b.functionName(main).clientContext(clientContext)
                .payload(SdkBytes.fromUtf8String("{\"op\":\"client_context\"}"))));

        assertThat(seen).isEqualTo(json("{\"custom\":{\"k\":\"v\"},\"env\":{\"platform\":\"test\"},"
                + "\"client\":{\"installation_id\":\"i-1\",\"app_title\":\"app\"}}"));
    }

    @Test
    void environment_hasTheReservedAndTheUserVariables() {
        JsonNode env = json(invoke(lambda, main, "{\"op\":\"env\"}"));

        assertThat(env.get("AWS_REGION").asText()).isEqualTo("us-east-1");
        assertThat(env.get("AWS_DEFAULT_REGION").asText()).isEqualTo("us-east-1");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo(main);
        assertThat(env.get("AWS_LAMBDA_FUNCTION_VERSION").asText()).isEqualTo("$LATEST");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText()).isEqualTo("128");
        assertThat(env.get("AWS_LAMBDA_RUNTIME_API").asText()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(env.get("AWS_LAMBDA_LOG_GROUP_NAME").asText()).isEqualTo("/aws/lambda/" + main);
        assertThat(env.get("AWS_LAMBDA_INITIALIZATION_TYPE").asText()).isEqualTo("on-demand");
        assertThat(env.get("LAMBDA_TASK_ROOT").asText()).isEqualTo("/var/task");
        assertThat(env.get("LAMBDA_RUNTIME_DIR").asText()).isEqualTo("/var/runtime");
        assertThat(env.get("_HANDLER").asText()).isEqualTo("app.handler");
        assertThat(env.get("AWS_EXECUTION_ENV").asText()).isEqualTo("AWS_Lambda_python3.12");
        assertThat(env.get("TZ").asText()).isEqualTo(":UTC");
        assertThat(env.get("LANG").asText()).isEqualTo("en_US.UTF-8");
        // Python adds LC_CTYPE when it finds its locale missing and coerces itself (PEP 538); Lambda's has it.
        assertThat(env.has("LC_CTYPE")).isFalse();
        assertThat(env.has("AWS_ACCESS_KEY_ID")).isTrue();
        assertThat(env.has("AWS_SECRET_ACCESS_KEY")).isTrue();
        assertThat(env.has("AWS_LAMBDA_MAX_CONCURRENCY")).isFalse();
        assertThat(env.get("GREETING").asText()).isEqualTo("hello");
        assertThat(env.get("EMPTY_ISH").asText()).isEqualTo("-");
    }

    @Test
    void handlerInANestedModulePath_isImportedAsAPackage() {
        String fn = unique("py-nested");
        E2e.create(lambda, fn, "python3.12", "pkg/sub/mod.entry", E2e.zip(Map.of(
                "pkg/__init__.py", "",
                "pkg/sub/__init__.py", "",
                "pkg/sub/mod.py", "def entry(event, context):\n    return {'module': __name__, 'event': event}\n")),
                b -> b.timeout(10));

        assertThat(json(invoke(lambda, fn, "{\"x\":1}"))).isEqualTo(json("{\"module\":\"pkg.sub.mod\",\"event\":{\"x\":1}}"));
    }

    @Test
    void handlerReturningNone_answersNull() {
        InvokeResponse response = invoke(lambda, main, "{\"op\":\"none\"}");

        assertThat(response.functionError()).isNull();
        assertThat(text(response)).isEqualTo("null");
    }

    // ---- warm reuse, logs ----------------------------------------------------------------------------

    @Test
    void warmEnvironment_keepsModuleState_andReportsInitDurationOnlyOnTheColdStart() {
        String fn = unique("py-warm");
        E2e.create(lambda, fn, "python3.12", "app.handler", appZip(), b -> b.memorySize(128).timeout(10));

        long coldStart = System.nanoTime();
        InvokeResponse first = invokeTail(lambda, fn, "{\"op\":\"count\"}");
        long coldMillis = (System.nanoTime() - coldStart) / 1_000_000;
        long warmStart = System.nanoTime();
        InvokeResponse second = invokeTail(lambda, fn, "{\"op\":\"count\"}");
        long warmMillis = (System.nanoTime() - warmStart) / 1_000_000;
        System.out.printf("python cold invoke %d ms, warm invoke %d ms%n", coldMillis, warmMillis);

        assertThat(json(first).get("count").asInt()).isEqualTo(1);
        assertThat(json(second).get("count").asInt()).isEqualTo(2);
        assertThat(json(second).get("stream")).isEqualTo(json(first).get("stream"));
        assertThat(reportLine(tail(first), requestId(first))).contains("\tInit Duration: ");
        assertThat(reportLine(tail(second), requestId(second))).doesNotContain("Init Duration");
    }

    @Test
    void sequentialInvokes_areAllServedByOneWarmEnvironment() {
        String fn = unique("py-sequential");
        E2e.create(lambda, fn, "python3.12", "app.handler", appZip(), b -> b.timeout(10));

        Set<String> streams = new HashSet<>();
        for (int i = 1; i <= 40; i++) {
            JsonNode body = json(invoke(lambda, fn, "{\"op\":\"count\"}"));
            streams.add(body.get("stream").asText());
            assertThat(body.get("count").asInt()).as("invocation %d, streams so far %s", i, streams).isEqualTo(i);
        }
        assertThat(streams).hasSize(1);
    }

    @Test
    void logTypeTail_returnsStartTheFunctionsOutputEndAndReport_inAwsFormats() {
        InvokeResponse response = invokeTail(lambda, main,
                "{\"op\":\"print\",\"text\":\"hello from the handler\",\"stderr\":\"and from stderr\"}");
        String id = requestId(response);
        List<String> lines = List.of(tail(response).split("\n"));

        assertThat(lines).contains("START RequestId: " + id + " Version: $LATEST", "hello from the handler",
                "END RequestId: " + id);
        assertThat(lines.indexOf("START RequestId: " + id + " Version: $LATEST"))
                .isLessThan(lines.indexOf("hello from the handler"));
        assertThat(lines.indexOf("hello from the handler")).isLessThan(lines.indexOf("END RequestId: " + id));
        // Standard error is captured too (its order relative to standard output is not kept: two pipes).
        assertThat(lines.indexOf("and from stderr")).isGreaterThan(lines.indexOf("START RequestId: " + id + " Version: $LATEST"))
                .isLessThan(lines.indexOf("END RequestId: " + id));
        String report = reportLine(tail(response), id);
        assertThat(lines.indexOf(report)).isGreaterThan(lines.indexOf("END RequestId: " + id));
        assertThat(REPORT.matcher(report).matches()).as(report).isTrue();
    }

    @Test
    void functionOutput_isAlwaysLoggedBeforeEnd() {
        String fn = unique("py-ordering");
        E2e.create(lambda, fn, "python3.12", "app.handler", appZip(), b -> b.timeout(10));

        List<String> late = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            InvokeResponse response = invokeTail(lambda, fn, "{\"op\":\"print\",\"text\":\"output " + i + "\"}");
            List<String> lines = tail(response).lines().toList();
            int output = lines.indexOf("output " + i);
            int end = lines.indexOf("END RequestId: " + requestId(response));
            if (output < 0 || output > end) {
                late.add(i + ": " + lines);
            }
        }
        // The function printed before it returned; END must not overtake its output.
        assertThat(late).as("invocations whose output is missing before END in the LogResult").isEmpty();
    }

    @Test
    void loggingModuleAndUnhandledErrors_areFormattedAsAwsDoes() {
        InvokeResponse logged = invokeTail(lambda, main, "{\"op\":\"log_warning\",\"text\":\"tea is hot\"}");
        InvokeResponse failed = invokeTail(lambda, main, "{\"op\":\"raise\",\"message\":\"Handler fails\"}");

        assertThat(tail(logged).lines()).anySatisfy(l -> assertThat(l).matches(
                "\\[WARNING]\t\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\t" + requestId(logged) + "\tcareful: tea is hot"));
        assertThat(tail(failed)).contains("[ERROR] Exception: Handler fails");
    }

    @Test
    void logResult_isTheLast4KBOfTheInvocationsLog() {
        InvokeResponse response = invokeTail(lambda, main, "{\"op\":\"print_many\",\"lines\":400}");
        String log = tail(response);

        assertThat(log.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096).isGreaterThan(3500);
        assertThat(log).doesNotContain("START RequestId:").doesNotContain("line 00000 ")
                .contains("line 00399 of the chatty handler\n")
                .contains("END RequestId: " + requestId(response) + "\n");
        assertThat(reportLine(log, requestId(response))).startsWith("REPORT RequestId: ");
    }

    @Test
    void logFile_underTheDataDir_hasInitStartStartOutputEndAndReport() {
        String fn = unique("py-logs");
        // A version newer than the machine's python3: it runs on what the machine has, and INIT_START says so.
        E2e.create(lambda, fn, "python3.14", "app.handler", appZip(), b -> b.memorySize(128).timeout(10));
        InvokeResponse response = invoke(lambda, fn, "{\"op\":\"print\",\"text\":\"written to disk\"}");
        String id = requestId(response);

        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, List<String>> streams = E2e.logStreams(node.dataDir(), fn);
            assertThat(streams).hasSize(1);
            String stream = streams.keySet().iterator().next();
            assertThat(stream).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
            List<String> lines = streams.get(stream);
            assertThat(lines).isNotEmpty();
            assertThat(lines.getFirst()).matches("INIT_START Runtime Version: python:3\\.\\d+.*\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:.+");
            assertThat(lines).containsSubsequence("START RequestId: " + id + " Version: $LATEST", "written to disk",
                    "END RequestId: " + id);
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("REPORT RequestId: " + id + "\tDuration: ")
                    .contains("\tInit Duration: "));
        });
    }

    @Test
    void whatInitPrints_isInTheLogBeforeStart_inEveryNewEnvironment() {
        String fn = unique("py-init-print");
        String app = "import time\nprint('printed at init')\n"
                + "def handler(event, context):\n    time.sleep(0.3)\n    return event\n";
        E2e.create(lambda, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", app)),
                b -> b.memorySize(128).timeout(10));
        // Concurrent invokes, each in an environment of its own: the runtime prints before its first /next,
        // and the node used to write START before its poller had handed that line over, now and then.
        List<java.util.concurrent.CompletableFuture<InvokeResponse>> calls = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> java.util.concurrent.CompletableFuture.supplyAsync(() -> invoke(lambda, fn, "{}"),
                        java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()))
                .toList();
        calls.forEach(java.util.concurrent.CompletableFuture::join);

        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, List<String>> streams = E2e.logStreams(node.dataDir(), fn);
            assertThat(streams).hasSize(4);
            streams.values().forEach(lines -> {
                assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("REPORT "));
                int start = java.util.stream.IntStream.range(0, lines.size())
                        .filter(i -> lines.get(i).startsWith("START RequestId: ")).findFirst().orElseThrow();
                assertThat(lines.subList(0, start)).contains("printed at init");
            });
        });
    }

    // ---- function errors -----------------------------------------------------------------------------

    @Test
    void handlerException_isUnhandled_withPythonsErrorShape() {
        InvokeResponse response = invoke(lambda, main, "{\"op\":\"raise\",\"message\":\"Handler fails\"}");
        JsonNode error = json(response);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(error.get("errorMessage").asText()).isEqualTo("Handler fails");
        assertThat(error.get("errorType").asText()).isEqualTo("Exception");
        assertThat(error.get("requestId").asText()).isEqualTo(requestId(response));
        assertThat(error.get("stackTrace").isArray()).isTrue();
        assertThat(error.get("stackTrace").get(0).asText()).startsWith("  File \"/var/task/app.py\", line ");
        // The environment survives a handler exception.
        assertThat(invoke(lambda, main, "{\"still\":\"alive\"}").functionError()).isNull();
    }

    @Test
    void missingModule_isRuntimeImportModuleError() {
        String fn = unique("py-import");
        E2e.create(lambda, fn, "python3.12", "app.handler",
                E2e.zip(Map.of("app.py", "import no_such_module_here\n\ndef handler(e, c):\n    return e\n")),
                b -> b.timeout(10));

        InvokeResponse response = invoke(lambda, fn, "{}");
        JsonNode error = json(response);

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(error.get("errorType").asText()).isEqualTo("Runtime.ImportModuleError");
        assertThat(error.get("errorMessage").asText())
                .isEqualTo("Unable to import module 'app': No module named 'no_such_module_here'");
        // An init failure is reported again on the next invoke (a new environment fails the same way).
        assertThat(json(invoke(lambda, fn, "{}")).get("errorType").asText()).isEqualTo("Runtime.ImportModuleError");
    }

    @Test
    void missingHandlerFunction_isRuntimeHandlerNotFound() {
        String fn = unique("py-nohandler");
        E2e.create(lambda, fn, "python3.12", "app.nope", appZip(), b -> b.timeout(10));

        InvokeResponse response = invoke(lambda, fn, "{}");
        JsonNode error = json(response);

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(error.get("errorType").asText()).isEqualTo("Runtime.HandlerNotFound");
        assertThat(error.get("errorMessage").asText()).isEqualTo("Handler 'nope' missing on module 'app'");
    }

    @Test
    void syntaxError_isRuntimeUserCodeSyntaxError() {
        String fn = unique("py-syntax");
        E2e.create(lambda, fn, "python3.12", "app.handler",
                E2e.zip(Map.of("app.py", "def handler(event, context)\n    return event\n")), b -> b.timeout(10));

        InvokeResponse response = invoke(lambda, fn, "{}");
        JsonNode error = json(response);

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(error.get("errorType").asText()).isEqualTo("Runtime.UserCodeSyntaxError");
        assertThat(error.get("errorMessage").asText()).startsWith("Syntax error in module 'app'");
    }

    // ---- the platform's errors -----------------------------------------------------------------------

    @Test
    void timeout_killsTheEnvironment_answersSandboxTimedout_andTheNextInvokeWorks() {
        String fn = unique("py-timeout");
        E2e.create(lambda, fn, "python3.12", "app.handler", appZip(), b -> b.timeout(1));
        // Warm first, so that the timeout measures the handler alone.
        String before = json(invoke(lambda, fn, "{\"op\":\"sleep\",\"seconds\":0}")).get("stream").asText();

        InvokeResponse response = invokeTail(lambda, fn, "{\"op\":\"sleep\",\"seconds\":3}");
        String id = requestId(response);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(json(response)).isEqualTo(json("{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"RequestId: "
                + id + " Error: Task timed out after 1.00 seconds\"}"));
        String log = tail(response);
        assertThat(log).containsPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z " + id
                + " Task timed out after 1\\.00 seconds");
        assertThat(reportLine(log, id)).endsWith("Status: timeout");
        // The timed-out environment's process tree is gone, and nothing replaced it yet.
        await().atMost(WAIT).untilAsserted(() -> assertThat(E2e.processesOf(fn)).isEmpty());

        InvokeResponse next = invoke(lambda, fn, "{\"op\":\"sleep\",\"seconds\":0}");
        assertThat(next.functionError()).isNull();
        assertThat(json(next).get("stream").asText()).isNotEqualTo(before);
    }

    @Test
    void sysExitInTheHandler_isRuntimeExitError_andTheNextInvokeGetsANewEnvironment() {
        String fn = unique("py-exit");
        E2e.create(lambda, fn, "python3.12", "app.handler", appZip(), b -> b.timeout(10));
        String before = json(invoke(lambda, fn, "{\"op\":\"count\"}")).get("stream").asText();

        InvokeResponse response = invoke(lambda, fn, "{\"op\":\"exit\",\"code\":3}");

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(json(response)).isEqualTo(json("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: "
                + requestId(response) + " Error: Runtime exited with error: exit status 3\"}"));
        JsonNode after = json(invoke(lambda, fn, "{\"op\":\"count\"}"));
        assertThat(after.get("count").asInt()).isEqualTo(1);
        assertThat(after.get("stream").asText()).isNotEqualTo(before);
    }

    @Test
    void sigkillOfTheRuntime_isRuntimeExitErrorSignalKilled() {
        InvokeResponse response = invoke(lambda, main, "{\"op\":\"kill\"}");

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(json(response).get("errorType").asText()).isEqualTo("Runtime.ExitError");
        assertThat(json(response).get("errorMessage").asText())
                .isEqualTo("RequestId: " + requestId(response) + " Error: Runtime exited with error: signal: killed");
        assertThat(invoke(lambda, main, "{\"again\":1}").functionError()).isNull();
    }

    @Test
    void allocatingPastMemorySize_isRuntimeOutOfMemory() {
        String fn = unique("py-oom");
        E2e.create(lambda, fn, "python3.12", "app.handler", appZip(), b -> b.memorySize(128).timeout(20));

        InvokeResponse response = invokeTail(lambda, fn, "{\"op\":\"oom\",\"mb\":400}");

        assertThat(response.functionError()).isEqualTo("Unhandled");
        JsonNode error = json(response);
        assertThat(error.get("errorType").asText()).isEqualTo("Runtime.OutOfMemory");
        assertThat(error.get("errorMessage").asText())
                .isEqualTo("RequestId: " + requestId(response) + " Error: Runtime exited with error: signal: killed");
        assertThat(reportLine(tail(response), requestId(response)))
                .contains("Max Memory Used: 128 MB").endsWith("Status: error\tError Type: Runtime.OutOfMemory");
        assertThat(invoke(lambda, fn, "{\"after\":\"oom\"}").functionError()).isNull();
    }

    // ---- the sandbox ---------------------------------------------------------------------------------

    @Test
    void tmp_isWritable_andLimitedToEphemeralStorage() {
        String fn = unique("py-tmp");
        // Memory above the /tmp size: on Hearth /tmp is a tmpfs whose pages count against the memory limit.
        E2e.create(lambda, fn, "python3.12", "app.handler", appZip(), b -> b.memorySize(1024).timeout(20)
                .ephemeralStorage(s -> s.size(512)));

        JsonNode result = json(invoke(lambda, fn,
                "{\"op\":\"tmp\",\"fits\":" + 64 * MIB + ",\"too_big\":" + 600 * MIB + "}"));

        assertThat(result.get("small").asText()).isEqualTo("hello /tmp");
        assertThat(result.get("fits").get("ok").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.get("too_big").get("ok").asBoolean()).as(result.toString()).isFalse();
        assertThat(result.get("too_big").get("error").asText()).isEqualTo("ENOSPC");
    }

    @Test
    void code_isReadOnly() {
        JsonNode result = json(invoke(lambda, main, "{\"op\":\"write\",\"path\":\"/var/task/new.txt\"}"));
        JsonNode overwrite = json(invoke(lambda, main, "{\"op\":\"write\",\"path\":\"/var/task/app.py\"}"));

        assertThat(result.get("ok").asBoolean()).isFalse();
        assertThat(result.get("error").asText()).isIn("OSError", "PermissionError");
        assertThat(result.get("errno").asInt()).isIn(30 /* EROFS */, 13 /* EACCES */);
        assertThat(overwrite.get("ok").asBoolean()).isFalse();
        assertThat(overwrite.get("errno").asInt()).isIn(30, 13);
    }

    @Test
    void isolation_hidesTheNodesDataDirRootAndOtherProcesses_andRunsUnprivileged() {
        Path db = node.dataDir().resolve("hearth.db");
        assertThat(db).exists();
        JsonNode dataDir = json(invoke(lambda, main, "{\"op\":\"listdir\",\"path\":\"" + node.dataDir() + "\"}"));
        JsonNode database = json(invoke(lambda, main, "{\"op\":\"read\",\"path\":\"" + db + "\"}"));
        JsonNode root = json(invoke(lambda, main, "{\"op\":\"listdir\",\"path\":\"/root\"}"));
        JsonNode whoami = json(invoke(lambda, main, "{\"op\":\"whoami\"}"));

        assertThat(dataDir.get("ok").asBoolean()).as(dataDir.toString()).isFalse();
        assertThat(dataDir.get("error").asText()).isIn("PermissionError", "FileNotFoundError");
        assertThat(database.get("ok").asBoolean()).as(database.toString()).isFalse();
        assertThat(database.get("error").asText()).isIn("PermissionError", "FileNotFoundError");
        assertThat(root.get("ok").asBoolean()).as(root.toString()).isFalse();
        assertThat(root.get("error").asText()).isIn("PermissionError", "FileNotFoundError");
        assertThat(whoami.get("uid").asInt()).isNotZero();
        assertThat(whoami.get("euid").asInt()).isNotZero();
        // Its own pid namespace: a handful of pids (bubblewrap's init, the runtime), none of the host's.
        List<Integer> pids = new ArrayList<>();
        whoami.get("pids").forEach(p -> pids.add(p.asInt()));
        assertThat(pids).contains(whoami.get("pid").asInt()).hasSizeLessThanOrEqualTo(4);
        assertThat(pids).doesNotContain((int) ProcessHandle.current().pid());
    }

    @Test
    void runtimeApiOfAnotherEnvironment_cannotBeUsedByAFunction() {
        String victim = unique("py-victim");
        E2e.create(lambda, victim, "python3.12", "app.handler", appZip(), b -> b.timeout(10));
        String api = json(invoke(lambda, victim, "{\"op\":\"env\"}")).get("AWS_LAMBDA_RUNTIME_API").asText();
        JsonNode warm = json(invoke(lambda, victim, "{\"op\":\"count\"}"));
        assertThat(warm.get("count").asInt()).isEqualTo(2);

        // Another function, sharing the host's loopback, long-polls the victim's Runtime API.
        JsonNode spy = json(invoke(lambda, main, "{\"op\":\"steal\",\"api\":\"" + api + "\",\"timeout\":2}"));

        assertThat(spy.get("stolen").asBoolean()).as(spy.toString()).isFalse();
        JsonNode after = json(invoke(lambda, victim, "{\"op\":\"count\"}"));
        assertThat(after.get("stream")).as("the victim's warm environment survives the spy (spy saw %s)", spy)
                .isEqualTo(warm.get("stream"));
        assertThat(after.get("count").asInt()).isEqualTo(3);
    }

    @Test
    void pidLimit_stopsAForkBombInsideTheSandbox_andTheEnvironmentSurvives() {
        JsonNode result = json(invoke(lambda, main, "{\"op\":\"threads\",\"max\":5000}"));

        assertThat(result.get("started").asInt()).as(result.toString()).isBetween(100, 4999);
        assertThat(result.get("error").asText()).contains("can't start new thread");
        assertThat(invoke(lambda, main, "{\"after\":\"threads\"}").functionError()).isNull();
    }

    // ---- limits and API errors -----------------------------------------------------------------------

    @Test
    void requestLargerThan6MiB_is413() {
        String payload = "\"" + "a".repeat(6 * 1024 * 1024 - 1) + "\""; // 6 MiB + 1 byte of JSON

        assertThatThrownBy(() -> invoke(lambda, main, payload))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Request must be smaller than 6291456 bytes for the InvokeFunction operation");
                });
    }

    @Test
    void responseJustUnder6MiB_succeeds_butOneOf7MB_isFunctionResponseSizeTooLarge() {
        int justUnder = 6 * 1024 * 1024 - 100;
        InvokeResponse fits = invoke(lambda, main, "{\"op\":\"big\",\"size\":" + justUnder + "}");
        assertThat(fits.functionError()).isNull();
        assertThat(fits.payload().asByteArray()).hasSize(justUnder + 2);

        InvokeResponse tooBig = invoke(lambda, main, "{\"op\":\"big\",\"size\":7000000}");
        assertThat(tooBig.statusCode()).isEqualTo(200);
        assertThat(tooBig.functionError()).isEqualTo("Unhandled");
        assertThat(json(tooBig)).isEqualTo(json("{\"errorMessage\":\"Response payload size exceeded maximum allowed"
                + " payload size (6291556 bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}"));
        assertThat(invoke(lambda, main, "{\"after\":\"big\"}").functionError()).isNull();
    }

    @Test
    void nonJsonPayload_is400InvalidRequestContent() {
        assertThatThrownBy(() -> invoke(lambda, main, "this is not json"))
                .isInstanceOfSatisfying(InvalidRequestContentException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage())
                            .startsWith("Could not parse request body into json: Could not parse payload into json: Unrecognized token 'this'")
                            .contains("[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: ");
                });
    }

    @Test
    void missingFunction_is404WithTheLatestQualifiedArn() {
        String name = unique("nope");

        assertThatThrownBy(() -> invoke(lambda, name, "{}"))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Function not found: " + arn(name) + ":$LATEST");
                });
    }

    @Test
    void dryRun_is204_andRunsNothing() {
        InvokeResponse response = lambda.invoke(b -> b.functionName(main).invocationType(InvocationType.DRY_RUN));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.functionError()).isNull();
    }

    @Test
    void eventInvocation_isAccepted_with202AndNoPayload() {
        // What then happens to the event is AsyncInvokeTest's subject.
        InvokeResponse response = lambda.invoke(b -> b.functionName(main).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{}")));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.payload().asByteArray()).isEmpty();
    }

    // ---- updates and deletion ------------------------------------------------------------------------

    @Test
    void updatesAndDelete_takeEffectOnTheNextInvoke_andDeleteStopsTheEnvironment() {
        String fn = unique("py-update");
        String v1 = "import os\ndef handler(e, c):\n    return {'code': 'v1', 'value': os.environ.get('VALUE')}\n";
        String v2 = "import os\ndef handler(e, c):\n    return {'code': 'v2', 'value': os.environ.get('VALUE')}\n";
        E2e.create(lambda, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", v1)),
                b -> b.timeout(10).environment(e -> e.variables(Map.of("VALUE", "one"))));
        assertThat(json(invoke(lambda, fn, "{}"))).isEqualTo(json("{\"code\":\"v1\",\"value\":\"one\"}"));

        lambda.updateFunctionCode(b -> b.functionName(fn).zipFile(SdkBytes.fromByteArray(E2e.zip(Map.of("app.py", v2)))));
        E2e.awaitReady(lambda, fn);
        assertThat(json(invoke(lambda, fn, "{}"))).isEqualTo(json("{\"code\":\"v2\",\"value\":\"one\"}"));

        lambda.updateFunctionConfiguration(b -> b.functionName(fn).environment(e -> e.variables(Map.of("VALUE", "two"))));
        E2e.awaitReady(lambda, fn);
        assertThat(json(invoke(lambda, fn, "{}"))).isEqualTo(json("{\"code\":\"v2\",\"value\":\"two\"}"));
        // Environments of the replaced configurations are shut down; the current one stays warm.
        await().atMost(WAIT).untilAsserted(() -> assertThat(E2e.processesOf(fn)).isNotEmpty().hasSizeLessThanOrEqualTo(2));

        lambda.deleteFunction(b -> b.functionName(fn));

        assertThatThrownBy(() -> invoke(lambda, fn, "{}")).isInstanceOf(ResourceNotFoundException.class);
        await().atMost(WAIT).untilAsserted(() -> assertThat(E2e.processesOf(fn)).isEmpty());
    }

    // ---- concurrency and keep-alive ------------------------------------------------------------------

    @Test
    void concurrentInvokes_eachGetTheirOwnEnvironment() throws Exception {
        String fn = unique("py-concurrent");
        E2e.create(lambda, fn, "python3.12", "app.handler", appZip(), b -> b.timeout(20));
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<InvokeResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(callers.submit(() -> invoke(lambda, fn, "{\"op\":\"sleep\",\"seconds\":1}")));
            }
            Set<String> streams = new HashSet<>();
            for (Future<InvokeResponse> call : calls) {
                InvokeResponse response = call.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(response.functionError()).as(text(response)).isNull();
                JsonNode body = json(response);
                streams.add(body.get("stream").asText());
                // Each sees only its own sandbox's processes.
                assertThat(body.get("pids").size()).isLessThanOrEqualTo(4);
            }
            assertThat(streams).hasSize(3);
            assertThat(E2e.processesOf(fn)).isNotEmpty();
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void keepAlive_reapsIdleEnvironments_andTheNextInvokeIsColdAgain() {
        Path dataDir = E2e.tempDataDir("hearth-e2e-keepalive");
        try (TestNode shortLived = TestNode.start(dataDir, c -> c.withKeepAlive(Duration.ofSeconds(2)));
             LambdaClient client = E2e.client(shortLived.endpoint())) {
            String fn = unique("py-keepalive");
            E2e.create(client, fn, "python3.12", "app.handler", appZip(), b -> b.timeout(10));
            InvokeResponse first = invokeTail(client, fn, "{\"op\":\"count\"}");
            assertThat(reportLine(tail(first), requestId(first))).contains("Init Duration");
            assertThat(E2e.processesOf(fn)).isNotEmpty();

            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(E2e.processesOf(fn)).isEmpty());

            InvokeResponse again = invokeTail(client, fn, "{\"op\":\"count\"}");
            assertThat(json(again).get("count").asInt()).isEqualTo(1);
            assertThat(reportLine(tail(again), requestId(again))).contains("Init Duration");
        } finally {
            E2e.deleteTree(dataDir);
        }
    }
}
