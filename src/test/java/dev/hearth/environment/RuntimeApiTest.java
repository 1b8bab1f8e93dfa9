package dev.hearth.environment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static dev.hearth.environment.Harness.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Runtime API ({@code 2018-06-01}) as a runtime sees it: scripted runtimes make real HTTP calls to an
 * environment's endpoint, and each test checks the status, the body and what the caller gets.
 */
class RuntimeApiTest {
    private static final String INVALID_REQUEST_ID = "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}";
    private static final String TOO_LARGE = "{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes).\","
            + "\"errorType\":\"RequestEntityTooLarge\"}";
    private static final String RESPONSE_TOO_LARGE = "{\"errorMessage\":\"Response payload size exceeded maximum allowed"
            + " payload size (6291556 bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}";

    @TempDir
    Path dir;
    private Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(dir);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    // ---- GET /next --------------------------------------------------------------------------------

    @Test
    void next_deliversPayloadUnchangedWithEveryInvokeHeader() {
        CompletableFuture<FakeRuntime.Event> event = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            event.complete(e);
            rt.respond(e.requestId(), "{}");
            rt.next();
        });
        InvokeRequest base = h.request("{\"key\": [1, 2, \"ü\"]}");
        InvokeRequest request = new InvokeRequest(base.requestId(), base.payload(), Harness.ARN + ":live",
                base.deadlineEpochMillis(), Optional.of("{\"custom\":{\"a\":\"b\"}}"),
                Optional.of("{\"cognitoIdentityId\":\"id\",\"cognitoIdentityPoolId\":\"pool\"}"),
                Optional.of("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"));

        env.invoke(request);
        FakeRuntime.Event e = await(event);

        assertThat(e.status()).isEqualTo(200);
        assertThat(e.body()).isEqualTo(request.payload());
        assertThat(e.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).contains(request.requestId());
        assertThat(e.headers().firstValue("Lambda-Runtime-Deadline-Ms")).contains(Long.toString(request.deadlineEpochMillis()));
        assertThat(e.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn")).contains(Harness.ARN + ":live");
        assertThat(e.headers().firstValue("Lambda-Runtime-Trace-Id")).isEqualTo(request.traceId());
        assertThat(e.headers().firstValue("Lambda-Runtime-Client-Context")).isEqualTo(request.clientContext());
        assertThat(e.headers().firstValue("Lambda-Runtime-Cognito-Identity")).isEqualTo(request.cognitoIdentity());
        assertThat(e.headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void next_withoutOptionalContext_omitsTheirHeaders() {
        CompletableFuture<FakeRuntime.Event> event = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            event.complete(rt.next());
            rt.hang();
        });

        env.invoke(h.request("{}"));
        FakeRuntime.Event e = await(event);

        assertThat(e.headers().map()).doesNotContainKeys("lambda-runtime-trace-id", "lambda-runtime-client-context",
                "lambda-runtime-cognito-identity");
    }

    @Test
    void next_whileAnInvocationAwaitsItsResult_answers403() {
        CompletableFuture<FakeRuntime.Reply> second = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            second.complete(rt.get("/2018-06-01/runtime/invocation/next"));
            rt.respond(e.requestId(), "{}");
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        FakeRuntime.Reply reply = await(second);
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.body()).isEqualTo("{\"errorMessage\":\"State transition from Running to Ready failed for runtime."
                + " Error: State transition is not allowed\",\"errorType\":\"InvalidStateTransition\"}");
        assertThat(await(invocation.outcome())).isInstanceOf(InvokeOutcome.Success.class);
    }

    // ---- POST /response ---------------------------------------------------------------------------

    @Test
    void response_answers202_andTheCallerGetsTheBodyAndContentType() {
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            reply.complete(rt.post("/2018-06-01/runtime/invocation/" + e.requestId() + "/response",
                    "plain words".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain"));
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(reply).status()).isEqualTo(202);
        assertThat(await(reply).body()).isEqualTo("{\"status\":\"OK\"}");
        assertThat(await(reply).headers().firstValue("content-type")).contains("application/json");
        InvokeOutcome.Success success = (InvokeOutcome.Success) await(invocation.outcome());
        assertThat(new String(success.body(), StandardCharsets.UTF_8)).isEqualTo("plain words");
        assertThat(success.contentType()).isEqualTo("text/plain");
    }

    @Test
    void response_withoutContentType_isApplicationJson() {
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            rt.respond(e.requestId(), "null");
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(((InvokeOutcome.Success) await(invocation.outcome())).contentType()).isEqualTo("application/json");
    }

    @Test
    void response_forAnotherRequestId_answers400_andTheInvocationStaysOpen() {
        CompletableFuture<FakeRuntime.Reply> wrong = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            wrong.complete(rt.respond("00000000-0000-0000-0000-000000000000", "\"forged\""));
            rt.respond(e.requestId(), "\"real\"");
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(wrong).status()).isEqualTo(400);
        assertThat(await(wrong).body()).isEqualTo(INVALID_REQUEST_ID);
        assertThat(new String(((InvokeOutcome.Success) await(invocation.outcome())).body())).isEqualTo("\"real\"");
    }

    @Test
    void response_twice_answers403_andTheFirstAnswerStands() {
        CompletableFuture<FakeRuntime.Reply> again = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            rt.respond(e.requestId(), "\"first\"");
            again.complete(rt.respond(e.requestId(), "\"second\""));
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(again).status()).isEqualTo(403);
        assertThat(await(again).body()).contains("\"errorType\":\"InvalidStateTransition\"")
                .contains("State transition from RuntimeResponseSentState to InvocationResponse failed for runtime.");
        assertThat(new String(((InvokeOutcome.Success) await(invocation.outcome())).body())).isEqualTo("\"first\"");
    }

    @Test
    void response_withNoInvocationEverDelivered_answers403() {
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        h.start(rt -> {
            reply.complete(rt.respond("00000000-0000-0000-0000-000000000000", "{}"));
            rt.next();
        });

        assertThat(await(reply).status()).isEqualTo(403);
        assertThat(await(reply).body()).contains("State transition from Started to InvocationResponse");
    }

    @Test
    void response_overTheLimit_answers413_andTheCallerGetsResponseSizeTooLarge() {
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            reply.complete(rt.post("/2018-06-01/runtime/invocation/" + e.requestId() + "/response", bytes(6_291_557)));
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(reply).status()).isEqualTo(413);
        assertThat(await(reply).body()).isEqualTo(TOO_LARGE);
        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Function.ResponseSizeTooLarge");
        assertThat(new String(failure.body())).isEqualTo(RESPONSE_TOO_LARGE);
        assertThat(await(invocation.report()).reusable()).isTrue();
    }

    @Test
    void response_chunkedOverTheLimit_answers413() {
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            reply.complete(rt.postChunked("/2018-06-01/runtime/invocation/" + e.requestId() + "/response",
                    bytes(6_291_557)));
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(reply).status()).isEqualTo(413);
        assertThat(((InvokeOutcome.Failure) await(invocation.outcome())).errorType())
                .isEqualTo("Function.ResponseSizeTooLarge");
    }

    @Test
    void response_ofExactlyTheLimit_isAcceptedWhole() {
        byte[] body = bytes(6_291_556);
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            rt.post("/2018-06-01/runtime/invocation/" + e.requestId() + "/response", body);
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(((InvokeOutcome.Success) await(invocation.outcome())).body()).isEqualTo(body);
    }

    @Test
    void response_chunked_isAssembledInOrder() {
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            rt.postChunked("/2018-06-01/runtime/invocation/" + e.requestId() + "/response", body);
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(((InvokeOutcome.Success) await(invocation.outcome())).body()).isEqualTo(body);
    }

    @Test
    void response_withAnUnknownResponseMode_answers400_andTheCallerGetsInvalidResponseModeHeader() {
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            reply.complete(rt.post("/2018-06-01/runtime/invocation/" + e.requestId() + "/response", "{}".getBytes(),
                    "Lambda-Runtime-Function-Response-Mode", "buffered-please"));
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(reply).status()).isEqualTo(400);
        assertThat(await(reply).body()).isEqualTo(
                "{\"errorMessage\":\"Invalid function response mode\",\"errorType\":\"InvalidFunctionResponseMode\"}");
        assertThat(((InvokeOutcome.Failure) await(invocation.outcome())).errorType())
                .isEqualTo("Runtime.InvalidResponseModeHeader");
    }

    @Test
    void response_inStreamingMode_isDeliveredBuffered() {
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            rt.postChunked("/2018-06-01/runtime/invocation/" + e.requestId() + "/response", "streamed".getBytes(),
                    "Lambda-Runtime-Function-Response-Mode", "streaming", "Content-Type", "application/octet-stream");
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        InvokeOutcome.Success success = (InvokeOutcome.Success) await(invocation.outcome());
        assertThat(new String(success.body())).isEqualTo("streamed");
        assertThat(success.contentType()).isEqualTo("application/octet-stream");
    }

    // ---- POST /error ------------------------------------------------------------------------------

    @Test
    void error_answers202_andTheCallerGetsTheRuntimesBodyAndType() {
        String body = "{\"errorMessage\":\"boom\",\"errorType\":\"Exception\",\"requestId\":\"x\",\"stackTrace\":[\"  File a\"]}";
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            reply.complete(rt.error(e.requestId(), "Exception", body));
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(reply).status()).isEqualTo(202);
        assertThat(await(reply).body()).isEqualTo("{\"status\":\"OK\"}");
        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Exception");
        assertThat(new String(failure.body(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(await(invocation.report()).reusable()).isTrue();
    }

    @Test
    void error_withTheErrorCauseContentType_stripsErrorCauseFromTheCallersBody() {
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            rt.post("/2018-06-01/runtime/invocation/" + e.requestId() + "/error",
                    ("{\"errorMessage\":\"m\",\"errorType\":\"T\",\"stackTrace\":[],\"errorCause\":{\"paths\":[]}}").getBytes(),
                    "Lambda-Runtime-Function-Error-Type", "Runtime.UserException",
                    "Content-Type", "application/vnd.aws.lambda.error.cause+json");
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Runtime.UserException");
        assertThat(new String(failure.body())).isEqualTo("{\"errorMessage\":\"m\",\"errorType\":\"T\",\"stackTrace\":[]}");
    }

    @Test
    void error_withoutAnErrorTypeHeader_isRuntimeUnknown() {
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            rt.post("/2018-06-01/runtime/invocation/" + e.requestId() + "/error", "{}".getBytes());
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(((InvokeOutcome.Failure) await(invocation.outcome())).errorType()).isEqualTo("Runtime.Unknown");
    }

    @Test
    void error_forAnotherRequestId_answers400() {
        CompletableFuture<FakeRuntime.Reply> wrong = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            wrong.complete(rt.error("not-the-id", "Runtime.X", "{}"));
            rt.respond(e.requestId(), "{}");
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(wrong).status()).isEqualTo(400);
        assertThat(await(wrong).body()).isEqualTo(INVALID_REQUEST_ID);
        assertThat(await(invocation.outcome())).isInstanceOf(InvokeOutcome.Success.class);
    }

    @Test
    void error_afterTheResponse_answers403() {
        CompletableFuture<FakeRuntime.Reply> late = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            rt.respond(e.requestId(), "{}");
            late.complete(rt.error(e.requestId(), "Runtime.X", "{}"));
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(late).status()).isEqualTo(403);
        assertThat(await(invocation.outcome())).isInstanceOf(InvokeOutcome.Success.class);
    }

    @Test
    void error_overTheLimit_answers413_andTheCallerGetsResponseSizeTooLarge() {
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            reply.complete(rt.post("/2018-06-01/runtime/invocation/" + e.requestId() + "/error", bytes(6_291_557),
                    "Lambda-Runtime-Function-Error-Type", "Runtime.Huge"));
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(reply).status()).isEqualTo(413);
        assertThat(((InvokeOutcome.Failure) await(invocation.outcome())).errorType())
                .isEqualTo("Function.ResponseSizeTooLarge");
    }

    // ---- POST /init/error -------------------------------------------------------------------------

    @Test
    void initError_answers202_failsTheWaitingInvocationWithTheRuntimesError_andFailsTheEnvironment() {
        String body = "{\"errorMessage\":\"Unable to import module 'app'\",\"errorType\":\"Runtime.ImportModuleError\","
                + "\"requestId\":\"\",\"stackTrace\":[]}";
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            rt.println("[ERROR] Runtime.ImportModuleError: Unable to import module 'app'");
            reply.complete(rt.initError("Runtime.ImportModuleError", body));
            rt.exit(1);
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(reply).status()).isEqualTo(202);
        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Runtime.ImportModuleError");
        assertThat(new String(failure.body())).isEqualTo(body);
        InvokeReport report = await(invocation.report());
        assertThat(report.reusable()).isFalse();
        assertThat(report.logTail()).contains("\tStatus: error\tError Type: Runtime.ImportModuleError");
        assertThat(env.isStopped()).isTrue();
        assertThat(env.initialized()).isCompletedExceptionally();
        await(env.stopped());
        assertThat(h.lines(env)).anySatisfy(line -> assertThat(line)
                .matches("INIT_REPORT Init Duration: \\d+\\.\\d\\d ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError"));

        Invocation later = env.invoke(h.request("{}"));
        assertThat(new String(((InvokeOutcome.Failure) await(later.outcome())).body())).isEqualTo(body);
    }

    @Test
    void initError_withAnOddType_reportsItNormalisedButHandsItOnAsGiven() {
        Environment env = h.start(rt -> {
            rt.initError("MyCustomError", "{\"errorMessage\":\"no\",\"errorType\":\"MyCustomError\"}");
            rt.exit(1);
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(((InvokeOutcome.Failure) await(invocation.outcome())).errorType()).isEqualTo("MyCustomError");
        assertThat(await(invocation.report()).logTail()).contains("Status: error\tError Type: Runtime.Unknown");
    }

    @Test
    void initError_afterInit_answers403() {
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            reply.complete(rt.initError("Runtime.Late", "{}"));
            rt.respond(e.requestId(), "{}");
            rt.next();
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(reply).status()).isEqualTo(403);
        assertThat(await(reply).body()).contains("State transition from Running to InitError");
        assertThat(await(invocation.outcome())).isInstanceOf(InvokeOutcome.Success.class);
    }

    // ---- other paths ------------------------------------------------------------------------------

    @Test
    void ping_answers200() {
        CompletableFuture<FakeRuntime.Reply> reply = new CompletableFuture<>();
        h.start(rt -> {
            reply.complete(rt.get("/2018-06-01/ping"));
            rt.next();
        });

        assertThat(await(reply).status()).isEqualTo(200);
    }

    @Test
    void otherApiVersions_andUnknownPaths_answer404_andWrongMethods405() {
        CompletableFuture<int[]> statuses = new CompletableFuture<>();
        h.start(rt -> {
            statuses.complete(new int[] {
                    rt.post("/2020-01-01/extension/register", "{\"events\":[]}".getBytes()).status(),
                    rt.method("PUT", "/2022-07-01/telemetry").status(),
                    rt.get("/2018-06-01/runtime/nothing").status(),
                    rt.post("/2018-06-01/runtime/invocation/id/extra/response", new byte[0]).status(),
                    rt.post("/2018-06-01/runtime/invocation/next", new byte[0]).status(),
                    rt.get("/2018-06-01/runtime/init/error").status()});
            rt.next();
        });

        assertThat(await(statuses)).containsExactly(404, 404, 404, 404, 405, 405);
    }

    // ---- isolation --------------------------------------------------------------------------------

    @Test
    void aRuntime_cannotAnswerForAnotherEnvironment_andEachGetsOnlyItsOwnEvents() {
        CompletableFuture<String> idSeenByB = new CompletableFuture<>();
        CompletableFuture<String> idSeenByA = new CompletableFuture<>();
        CompletableFuture<FakeRuntime.Reply> forged = new CompletableFuture<>();
        CountDownLatch letBAnswer = new CountDownLatch(1);
        Environment a = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            idSeenByA.complete(e.requestId());
            forged.complete(rt.respond(idSeenByB.get(), "\"stolen\""));
            rt.respond(e.requestId(), "\"a\"");
            rt.next();
        });
        Environment b = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            idSeenByB.complete(e.requestId());
            letBAnswer.await();
            rt.respond(e.requestId(), "\"b\"");
            rt.next();
        });
        InvokeRequest forA = h.request("{}");
        InvokeRequest forB = h.request("{}");

        Invocation invocationA = a.invoke(forA);
        Invocation invocationB = b.invoke(forB);

        assertThat(await(forged).status()).isEqualTo(400);
        assertThat(await(idSeenByA)).isEqualTo(forA.requestId());
        assertThat(await(idSeenByB)).isEqualTo(forB.requestId());
        assertThat(invocationB.outcome()).isNotDone();
        letBAnswer.countDown();
        assertThat(new String(((InvokeOutcome.Success) await(invocationB.outcome())).body())).isEqualTo("\"b\"");
        assertThat(new String(((InvokeOutcome.Success) await(invocationA.outcome())).body())).isEqualTo("\"a\"");
        assertThat(h.launcher.launched().get(0).spec().environment().get("AWS_LAMBDA_RUNTIME_API"))
                .isNotEqualTo(h.launcher.launched().get(1).spec().environment().get("AWS_LAMBDA_RUNTIME_API"));
    }

    private static byte[] bytes(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        return body;
    }
}
