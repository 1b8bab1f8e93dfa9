package dev.hearth.environment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

import static dev.hearth.environment.Harness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An environment's life with scripted runtimes: cold start, warm reuse, timeouts, crashes, init failures,
 * shutdown — what the caller gets, what the report says, and what the log stream holds.
 */
class EnvironmentLifecycleTest {
    private static final String DURATION = "\\d+\\.\\d\\d";

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

    /** Answers every event with its payload, printing a line for each. */
    private static RuntimeScript echo() {
        return rt -> {
            while (true) {
                FakeRuntime.Event e = rt.next();
                rt.println("handling " + e.requestId());
                rt.respond(e.requestId(), e.text());
            }
        };
    }

    private static String text(InvokeOutcome outcome) {
        return switch (outcome) {
            case InvokeOutcome.Success s -> new String(s.body(), StandardCharsets.UTF_8);
            case InvokeOutcome.Failure f -> new String(f.body(), StandardCharsets.UTF_8);
        };
    }

    // ---- init and warm reuse ----------------------------------------------------------------------

    @Test
    void invoke_whileInitialising_isDeliveredOnTheFirstNext_andItsReportHasInitDuration() {
        CountDownLatch initDone = new CountDownLatch(1);
        Environment env = h.start(rt -> {
            rt.println("init line");
            initDone.await();
            echo().run(rt);
        });
        InvokeRequest request = h.request("{\"n\":1}");

        Invocation invocation = env.invoke(request);
        assertThat(env.isIdle()).isFalse();
        assertThat(env.initialized()).isNotDone();
        initDone.countDown();

        assertThat(text(await(invocation.outcome()))).isEqualTo("{\"n\":1}");
        InvokeReport report = await(invocation.report());
        assertThat(report.initDurationMillis()).isPresent();
        assertThat(report.reusable()).isTrue();
        assertThat(report.memorySizeMb()).isEqualTo(128);
        assertThat(report.billedDurationMillis()).isEqualTo(Math.max(1, (long) Math.ceil(report.durationMillis())));
        String id = request.requestId();
        assertThat(report.logTail()).matches(Pattern.compile(
                "START RequestId: " + id + " Version: \\$LATEST\n"
                        + "handling " + id + "\n"
                        + "END RequestId: " + id + "\n"
                        + "REPORT RequestId: " + id + "\tDuration: " + DURATION + " ms\tBilled Duration: \\d+ ms\t"
                        + "Memory Size: 128 MB\tMax Memory Used: 128 MB\tInit Duration: " + DURATION + " ms\t\n"));
        assertThat(env.initialized()).isCompleted();
    }

    @Test
    void twoInvocations_reuseTheWarmRuntime_andOnlyTheFirstReportHasInitDuration() {
        Environment env = h.start(rt -> {
            int count = 0;
            while (true) {
                FakeRuntime.Event e = rt.next();
                count++;
                rt.respond(e.requestId(), Integer.toString(count));
            }
        });
        await(env.initialized());
        assertThat(env.isIdle()).isTrue();

        Invocation first = env.invoke(h.request("{}"));
        assertThat(text(await(first.outcome()))).isEqualTo("1");
        InvokeReport firstReport = await(first.report());
        assertThat(env.isIdle()).isTrue();
        Invocation second = env.invoke(h.request("{}"));
        assertThat(text(await(second.outcome()))).isEqualTo("2");
        InvokeReport secondReport = await(second.report());

        assertThat(firstReport.initDurationMillis()).isPresent();
        assertThat(secondReport.initDurationMillis()).isEmpty();
        assertThat(secondReport.logTail()).doesNotContain("Init Duration").endsWith("Max Memory Used: 128 MB\t\n");
        assertThat(secondReport.reusable()).isTrue();
        assertThat(h.launcher.launched()).hasSize(1);
    }

    @Test
    void aProvisionedEnvironment_neverReportsInitDuration() {
        Environment env = h.start(h.spec().provisioned(), echo());

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(invocation.report()).initDurationMillis()).isEmpty();
    }

    @Test
    void invoke_whileAnotherInvocationIsInFlight_throws() {
        Environment env = h.start(rt -> {
            rt.next();
            rt.hang();
        });
        env.invoke(h.request("{}"));

        assertThatThrownBy(() -> env.invoke(h.request("{}"))).isInstanceOf(IllegalStateException.class);
        assertThat(env.isIdle()).isFalse();
    }

    @Test
    void lastUsedNanos_movesWhenAnInvocationFinishes() {
        Environment env = h.start(echo());
        long created = env.lastUsedNanos();

        await(env.invoke(h.request("{}")).report());

        assertThat(env.lastUsedNanos()).isGreaterThan(created);
    }

    @Test
    void aSecondLongPoll_replacesTheFirst_andGetsTheEvent() {
        CompletableFuture<Integer> rejected = new CompletableFuture<>();
        CompletableFuture<FakeRuntime.Event> delivered = new CompletableFuture<>();
        Environment env = h.start(rt -> {
            // A runtime that gave up on its first long poll and asked again on a new connection.
            CompletableFuture<FakeRuntime.Event> a = CompletableFuture.supplyAsync(() -> next(rt));
            CompletableFuture<FakeRuntime.Event> b = CompletableFuture.supplyAsync(() -> next(rt));
            FakeRuntime.Event firstBack = (FakeRuntime.Event) CompletableFuture.anyOf(a, b).join();
            rejected.complete(firstBack.status());
            FakeRuntime.Event e = (firstBack == a.getNow(null) ? b : a).join();
            delivered.complete(e);
            rt.respond(e.requestId(), "\"ok\"");
            rt.next();
        });

        assertThat(await(rejected)).isEqualTo(403);
        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(await(delivered).status()).isEqualTo(200);
        assertThat(text(await(invocation.outcome()))).isEqualTo("\"ok\"");
    }

    private static FakeRuntime.Event next(FakeRuntime rt) {
        try {
            return rt.next();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- failures ---------------------------------------------------------------------------------

    @Test
    void anInvocationPastItsDeadline_isSandboxTimedout_andTheEnvironmentStops() {
        Environment env = h.start(h.spec().timeoutSeconds(1), rt -> {
            rt.next();
            rt.println("still working");
            rt.hang();
        });
        InvokeRequest request = h.request("{}", Duration.ofMillis(300));

        Invocation invocation = env.invoke(request);

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Sandbox.Timedout");
        assertThat(text(failure)).isEqualTo("{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"RequestId: "
                + request.requestId() + " Error: Task timed out after 1.00 seconds\"}");
        InvokeReport report = await(invocation.report());
        assertThat(report.reusable()).isFalse();
        String id = request.requestId();
        assertThat(report.logTail()).matches(Pattern.compile(
                "START RequestId: " + id + " Version: \\$LATEST\n"
                        + "still working\n"
                        + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z " + id + " Task timed out after 1.00 seconds\n"
                        + "END RequestId: " + id + "\n"
                        + "REPORT RequestId: " + id + "\tDuration: " + DURATION + " ms\tBilled Duration: \\d+ ms\t"
                        + "Memory Size: 128 MB\tMax Memory Used: 128 MB\tInit Duration: " + DURATION + " ms\t"
                        + "Status: timeout\n"));
        assertThat(env.isStopped()).isTrue();
        await(env.stopped());
        assertThat(h.launcher.last().kills()).isPositive();
        assertThatThrownBy(() -> env.invoke(h.request("{}"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDeadlinePassingWhileTheRuntimeStillInitialises_timesTheInvocationOut() {
        Environment env = h.start(h.spec().timeoutSeconds(1), rt -> {
            rt.println("slow init");
            rt.hang();
        });
        InvokeRequest request = h.request("{}", Duration.ofMillis(200));

        Invocation invocation = env.invoke(request);

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Sandbox.Timedout");
        assertThat(text(failure)).contains("Task timed out after 1.00 seconds");
        InvokeReport report = await(invocation.report());
        assertThat(report.logTail()).startsWith("START RequestId: " + request.requestId()).endsWith("Status: timeout\n");
        await(env.stopped());
        assertThat(env.initialized()).isCompletedExceptionally();
    }

    @Test
    void aRuntimeExitingMidInvocation_isRuntimeExitError() {
        Environment env = h.start(rt -> {
            rt.next();
            rt.eprintln("fatal: giving up");
            throw rt.exit(1);
        });
        InvokeRequest request = h.request("{}");

        Invocation invocation = env.invoke(request);

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        String id = request.requestId();
        assertThat(failure.errorType()).isEqualTo("Runtime.ExitError");
        assertThat(text(failure)).isEqualTo("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: " + id
                + " Error: Runtime exited with error: exit status 1\"}");
        InvokeReport report = await(invocation.report());
        assertThat(report.reusable()).isFalse();
        assertThat(report.logTail()).contains(
                "fatal: giving up\n",
                "RequestId: " + id + " Error: Runtime exited with error: exit status 1\nRuntime.ExitError\nEND RequestId: " + id + "\n");
        assertThat(report.logTail()).endsWith("\tStatus: error\tError Type: Runtime.ExitError\n");
        assertThat(env.isStopped()).isTrue();
    }

    @Test
    void aRuntimeExitingWithStatusZero_exitedWithoutProvidingAReason() {
        Environment env = h.start(rt -> rt.next());
        InvokeRequest request = h.request("{}");

        Invocation invocation = env.invoke(request);

        assertThat(text(await(invocation.outcome()))).isEqualTo("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":"
                + "\"RequestId: " + request.requestId() + " Error: Runtime exited without providing a reason\"}");
    }

    @Test
    void aRuntimeKilledAtTheMemoryLimit_isRuntimeOutOfMemory() {
        Environment env = h.start(rt -> {
            rt.next();
            throw rt.outOfMemory();
        });
        InvokeRequest request = h.request("{}");

        Invocation invocation = env.invoke(request);

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Runtime.OutOfMemory");
        assertThat(text(failure)).isEqualTo("{\"errorType\":\"Runtime.OutOfMemory\",\"errorMessage\":\"RequestId: "
                + request.requestId() + " Error: Runtime exited with error: signal: killed\"}");
        assertThat(await(invocation.report()).logTail()).endsWith("Status: error\tError Type: Runtime.OutOfMemory\n");
    }

    @Test
    void aRuntimeExitingAfterItsResponse_keepsTheAnswer_butTheReportSaysError() {
        Environment env = h.start(rt -> {
            FakeRuntime.Event e = rt.next();
            rt.respond(e.requestId(), "\"done\"");
            throw rt.exit(3);
        });

        Invocation invocation = env.invoke(h.request("{}"));

        assertThat(text(await(invocation.outcome()))).isEqualTo("\"done\"");
        InvokeReport report = await(invocation.report());
        assertThat(report.reusable()).isFalse();
        assertThat(report.logTail()).contains("Runtime exited with error: exit status 3")
                .endsWith("Status: error\tError Type: Runtime.ExitError\n");
        await(env.stopped());
    }

    @Test
    void aRuntimeExitingDuringInit_failsTheWaitingInvocation_andTheEnvironment() {
        Environment env = h.start(rt -> {
            rt.println("cannot start");
            throw rt.exit(2);
        });
        InvokeRequest request = h.request("{}");

        Invocation invocation = env.invoke(request);

        assertThat(text(await(invocation.outcome()))).isEqualTo("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":"
                + "\"RequestId: " + request.requestId() + " Error: Runtime exited with error: exit status 2\"}");
        InvokeReport report = await(invocation.report());
        assertThat(report.initDurationMillis()).isPresent();
        assertThat(report.logTail()).startsWith("START RequestId: " + request.requestId());
        await(env.stopped());
        assertThat(env.isStopped()).isTrue();
        assertThat(env.initialized()).isCompletedExceptionally();
        assertThat(h.lines(env)).anySatisfy(line -> assertThat(line).matches(
                "INIT_REPORT Init Duration: " + DURATION + " ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError"));
    }

    @Test
    void startsBeyondTheStartGate_waitForAnInitToEnd_andEveryOneGetsItsPermitBack_afterSuccessOrTimeout() {
        h.close();
        h = new Harness(dir, s -> s.withStartGate(new StartGate(1)).withInitTimeout(Duration.ofSeconds(1)));
        Environment hung = h.start(rt -> rt.hang());
        long before = System.nanoTime();
        // One start at a time: the next sandbox is launched only once the hung init has timed out.
        Environment first = h.start(echo());
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThan(Duration.ofMillis(500));
        Environment second = h.start(echo());

        await(first.initialized());
        await(second.initialized());
        assertThat(hung.initialized()).isCompletedExceptionally();
        assertThat(text(await(second.invoke(h.request("{\"n\":2}")).outcome()))).isEqualTo("{\"n\":2}");
        Environment third = h.start(echo());
        await(third.initialized());
    }

    @Test
    void aRuntimeThatNeverCallsNext_hitsTheInitTimeout() {
        h.close();
        h = new Harness(dir, s -> s.withInitTimeout(Duration.ofMillis(300)));
        Environment env = h.start(rt -> rt.hang());
        InvokeRequest request = h.request("{}");

        Invocation invocation = env.invoke(request);

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Sandbox.Timedout");
        assertThat(text(failure)).isEqualTo("{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"RequestId: "
                + request.requestId() + " Error: Task timed out after 0.30 seconds\"}");
        assertThat(await(invocation.report()).logTail()).endsWith("Status: timeout\n");
        await(env.stopped());
        assertThat(env.initialized()).isCompletedExceptionally();
        assertThat(h.launcher.last().kills()).isPositive();
        assertThat(h.lines(env)).anySatisfy(line -> assertThat(line).matches(
                "INIT_REPORT Init Duration: " + DURATION + " ms\tPhase: init\tStatus: timeout"));
    }

    @Test
    void aRuntimeThatIsNotAvailable_failsEveryInvocationWithInvalidEntrypoint() {
        h.runtimes.unavailable("python3.12 needs python3, and this machine has none");

        Environment env = h.factory.start(h.spec().build());
        Invocation invocation = env.invoke(h.request("{}"));

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Runtime.InvalidEntrypoint");
        assertThat(text(failure)).contains("python3.12 needs python3, and this machine has none");
        assertThat(await(invocation.report()).reusable()).isFalse();
        await(env.stopped());
        assertThat(env.isStopped()).isTrue();
        assertThat(env.initialized()).isCompletedExceptionally();
        Invocation again = env.invoke(h.request("{}"));
        assertThat(((InvokeOutcome.Failure) await(again.outcome())).errorType()).isEqualTo("Runtime.InvalidEntrypoint");
        assertThat(h.launcher.launched()).isEmpty();
    }

    @Test
    void aSandboxThatCannotLaunch_failsTheInvocationWithInvalidEntrypoint() {
        h.launcher.failWith(new IOException("fork/exec /var/task/bootstrap: no such file or directory"));

        Environment env = h.factory.start(h.spec().build());
        InvokeRequest request = h.request("{}");
        Invocation invocation = env.invoke(request);

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Runtime.InvalidEntrypoint");
        assertThat(text(failure)).isEqualTo("{\"errorType\":\"Runtime.InvalidEntrypoint\",\"errorMessage\":\"RequestId: "
                + request.requestId() + " Error: fork/exec /var/task/bootstrap: no such file or directory\"}");
    }

    @Test
    void shutdown_ofAnIdleEnvironment_stopsIt() {
        Environment env = h.start(echo());
        await(env.initialized());

        env.shutdown("function updated");

        await(env.stopped());
        assertThat(env.isStopped()).isTrue();
        assertThat(env.isIdle()).isFalse();
        assertThat(h.launcher.last().closes()).isPositive();
        assertThatThrownBy(() -> env.invoke(h.request("{}"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shutdown_duringAnInvocation_failsItWithSandboxFailure() {
        CountDownLatch handling = new CountDownLatch(1);
        Environment env = h.start(rt -> {
            rt.next();
            handling.countDown();
            rt.hang();
        });
        InvokeRequest request = h.request("{}");
        Invocation invocation = env.invoke(request);
        await().until(() -> handling.getCount() == 0);

        env.shutdown("function deleted");

        InvokeOutcome.Failure failure = (InvokeOutcome.Failure) await(invocation.outcome());
        assertThat(failure.errorType()).isEqualTo("Sandbox.Failure");
        assertThat(text(failure)).contains("RequestId: " + request.requestId()
                + " Error: Execution environment shut down: function deleted");
        assertThat(await(invocation.report()).reusable()).isFalse();
        await(env.stopped());
    }

    @Test
    void closingTheFactory_stopsEveryEnvironment_andRefusesNewOnes() {
        Environment a = h.start(echo());
        Environment b = h.start(echo());

        h.factory.close();

        assertThat(a.stopped()).isCompleted();
        assertThat(b.stopped()).isCompleted();
        assertThatThrownBy(() -> h.factory.start(h.spec().build())).isInstanceOf(IllegalStateException.class);
    }

    // ---- logs -------------------------------------------------------------------------------------

    @Test
    void theLogStream_isNamedAsAwsNamesIt_andFramesEachInvocation() {
        Environment env = h.start(echo());
        InvokeRequest request = h.request("{}");

        await(env.invoke(request).report());
        List<String> lines = h.lines(env);

        String stream = h.logs.streams(Harness.GROUP).getFirst();
        assertThat(stream).matches("\\d{4}/\\d\\d/\\d\\d/\\[\\$LATEST][0-9a-f]{32}").endsWith(env.id());
        assertThat(h.launcher.last().spec().environment()).containsEntry("AWS_LAMBDA_LOG_STREAM_NAME", stream);
        String id = request.requestId();
        assertThat(lines.getFirst()).matches("INIT_START Runtime Version: python:3\\.11\\.2\tRuntime Version ARN: "
                + "arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}");
        assertThat(lines.subList(1, lines.size())).satisfiesExactly(
                start -> assertThat(start).isEqualTo("START RequestId: " + id + " Version: $LATEST"),
                output -> assertThat(output).isEqualTo("handling " + id),
                end -> assertThat(end).isEqualTo("END RequestId: " + id),
                report -> assertThat(report).matches("REPORT RequestId: " + id + "\tDuration: " + DURATION
                        + " ms\tBilled Duration: \\d+ ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tInit Duration: "
                        + DURATION + " ms\t"));
    }

    @Test
    void maxMemoryUsed_comesFromTheSandbox_roundedUpToWholeMegabytes() {
        Environment env = h.start(echo());
        h.launcher.last().reportMaxMemory(66L * 1024 * 1024 + 1);

        InvokeReport report = await(env.invoke(h.request("{}")).report());

        assertThat(report.maxMemoryUsedMb()).isEqualTo(67);
        assertThat(report.logTail()).contains("\tMax Memory Used: 67 MB\t");
    }

    @Test
    void theLogTail_isTheLast4KbOfTheInvocationLog() {
        Environment env = h.start(rt -> {
            while (true) {
                FakeRuntime.Event e = rt.next();
                for (int i = 0; i < 200; i++) {
                    rt.println("line " + i + " " + "é".repeat(60));
                }
                rt.respond(e.requestId(), "{}");
            }
        });

        InvokeReport report = await(env.invoke(h.request("{}")).report());

        assertThat(report.logTail().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096).isGreaterThan(4000);
        assertThat(report.logTail()).doesNotContain("START").contains("line 199 ").endsWith("ms\t\n");
    }

    @Test
    void functionOutput_betweenInvocations_goesToTheStreamButNotIntoATail() {
        Environment env = h.start(rt -> {
            rt.println("during init");
            echo().run(rt);
        });

        InvokeReport report = await(env.invoke(h.request("{}")).report());

        assertThat(report.logTail()).doesNotContain("during init");
        assertThat(h.lines(env)).contains("during init");
    }
}
