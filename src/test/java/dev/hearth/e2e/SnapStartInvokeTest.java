package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyConfigNotFoundException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.SnapStartApplyOn;
import software.amazon.awssdk.services.lambda.model.State;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.hearth.e2e.E2e.WAIT;
import static dev.hearth.e2e.E2e.json;
import static dev.hearth.e2e.E2e.reportLine;
import static dev.hearth.e2e.E2e.requestId;
import static dev.hearth.e2e.E2e.tail;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Process tests of SnapStart for Python: a published version's init runs once, in its template; every
 * environment of the version is a fork of it, with the hooks run as AWS's runtime runs them, a private
 * /tmp, a cgroup of its own, and a REPORT with Restore Duration. The fork-specific checks need
 * bubblewrap (without it SnapStart versions start as ordinary cold starts).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SnapStartInvokeTest {

    static final String APP = """
            import errno, os, time, uuid
            from snapshot_restore_py import register_before_snapshot, register_after_restore

            INIT_ID = uuid.uuid4().hex
            print("INIT", INIT_ID)
            # Memory init holds for good (written, so resident): part of the snapshot.
            BALLAST = b"b" * (int(os.environ.get("BALLAST_MB", "0")) << 20)
            # Left by init, readable by the template's uid alone: each environment gets its own copy.
            with open(os.open("/tmp/from-init", os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write(INIT_ID)
            ORDER = []
            # What a client made during init keeps: the address and token the template was given.
            INIT_CREDENTIALS = (os.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
                                os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"))

            def credentials(uri, token):
                import json, urllib.request, urllib.error
                if uri is None:
                    return None
                try:
                    with urllib.request.urlopen(urllib.request.Request(uri, headers={"Authorization": token})) as r:
                        return json.loads(r.read())
                except urllib.error.HTTPError as e:
                    return e.code

            @register_before_snapshot
            def first_before():
                ORDER.append("b1")

            def tagged(tag):
                ORDER.append("b2" + tag)

            register_before_snapshot(tagged, "!")

            @register_after_restore
            def first_after():
                ORDER.append("a1")

            register_after_restore(ORDER.append, "a2")

            def boom():
                raise ValueError("hook says no")

            if os.environ.get("FAIL") == "before":
                register_before_snapshot(boom)
            if os.environ.get("FAIL") == "after":
                register_after_restore(boom)

            def handler(event, context):
                op = event.get("op")
                if op == "die":
                    os._exit(3)
                if op == "hog":
                    hog = b"x" * (event["mb"] * 1024 * 1024)
                    return len(hog)
                if op == "sleep":
                    print("SLEEPING", os.getpid(), flush=True)
                    time.sleep(event["s"])
                if op == "kill":
                    try:
                        os.kill(event["pid"], 9)
                        return "killed"
                    except OSError as e:
                        return errno.errorcode[e.errno]
                if op == "credentials":
                    uri, token = os.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"), os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
                    return {"static": "AWS_ACCESS_KEY_ID" in os.environ or "AWS_SESSION_TOKEN" in os.environ,
                            "uri": uri, "own": credentials(uri, token), "init": credentials(*INIT_CREDENTIALS),
                            "wrongToken": credentials(uri, "not-the-token")}
                if op == "restore":
                    import urllib.request, urllib.error
                    url = "http://%s/2018-06-01/runtime/restore/next" % os.environ["AWS_LAMBDA_RUNTIME_API"]
                    try:
                        return urllib.request.urlopen(url).status
                    except urllib.error.HTTPError as e:
                        return [e.code, e.read().decode()]
                tmp = sorted(os.listdir("/tmp"))
                open("/tmp/mine-%d" % os.getpid(), "w").close()
                with open("/tmp/from-init") as f:
                    from_init = f.read()
                return {"init": INIT_ID, "order": ORDER, "pid": os.getpid(), "env": dict(os.environ), "tmp": tmp,
                        "uid": os.getuid(), "fromInit": from_init}
            """;

    static Path dataDir;
    static TestNode node;
    static LambdaClient lambda;

    @BeforeAll
    static void start() {
        dataDir = E2e.tempDataDir("hearth-e2e-snapstart");
        node = TestNode.start(dataDir);
        lambda = E2e.client(node.endpoint());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        E2e.deleteTree(dataDir);
    }

    private static boolean forks() {
        return node.node().isolation().bubblewrap();
    }

    /** A SnapStart function with {@code variables}, version 1 published and awaited (Active or Failed). */
    private static String published(String prefix, int memoryMb, Map<String, String> variables) {
        String fn = unique(prefix);
        E2e.create(lambda, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", APP)), b -> b.memorySize(memoryMb).timeout(10)
                .snapStart(s -> s.applyOn(SnapStartApplyOn.PUBLISHED_VERSIONS))
                .environment(e -> e.variables(variables)));
        lambda.publishVersion(b -> b.functionName(fn));
        await("version 1 of " + fn + " settled").atMost(WAIT).until(() -> version1(fn).state() != State.PENDING);
        return fn;
    }

    private static GetFunctionConfigurationResponse version1(String fn) {
        return lambda.getFunctionConfiguration(b -> b.functionName(fn).qualifier("1"));
    }

    private static InvokeResponse invoke(String fn, String qualifier, String payload) {
        return lambda.invoke(b -> b.functionName(fn).qualifier(qualifier).logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String(payload)));
    }

    private static long initLines(String fn) {
        return E2e.logStreams(dataDir, fn).values().stream().flatMap(List::stream)
                .filter(line -> line.startsWith("INIT ")).count();
    }

    @Test
    void aSnapStartVersion_initialisesOnce_andEachEnvironmentIsRestoredWithTheHooksAndAPrivateTmp() {
        String fn = published("py-snap", 256, Map.of());
        assertThat(version1(fn).state()).isEqualTo(State.ACTIVE);
        assertThat(version1(fn).snapStart().optimizationStatusAsString()).isEqualTo("On");

        InvokeResponse first = invoke(fn, "1", "{}");
        assertThat(first.functionError()).isNull();
        JsonNode a = json(first);
        String report = reportLine(tail(first), requestId(first));
        assertThat(report).contains("\tRestore Duration: ").contains("\tBilled Restore Duration: ")
                .doesNotContain("Init Duration");
        await().atMost(WAIT).untilAsserted(() -> assertThat(E2e.logStreams(dataDir, fn).values().stream()
                .flatMap(List::stream)).anyMatch(l -> l.startsWith("RESTORE_REPORT Restore Duration: "))
                .anyMatch(l -> l.startsWith("INIT_REPORT Init Duration: ")));

        InvokeResponse died = invoke(fn, "1", "{\"op\":\"die\"}");
        assertThat(died.functionError()).isEqualTo("Unhandled");
        JsonNode b = json(invoke(fn, "1", "{}"));

        // One init (in the template), its before-snapshot hooks last-registered first, once; the
        // after-restore hooks in registration order in every environment.
        assertThat(b.get("init").asText()).isEqualTo(a.get("init").asText());
        assertThat(a.get("order")).hasToString("[\"b2!\",\"b1\",\"a1\",\"a2\"]");
        assertThat(b.get("order")).hasToString("[\"b2!\",\"b1\",\"a1\",\"a2\"]");
        await().atMost(WAIT).untilAsserted(() -> assertThat(initLines(fn)).isEqualTo(1));
        assertThat(a.get("env").get("AWS_LAMBDA_INITIALIZATION_TYPE").asText()).isEqualTo("snap-start");
        assertThat(a.get("env").has("AWS_LAMBDA_LOG_STREAM_NAME")).isFalse();
        assertThat(a.get("env").has("HEARTH_SNAPSHOT_FORK")).isFalse();
        assertThat(a.get("uid").asInt()).isNotZero();
        assertThat(a.get("env").get("AWS_LAMBDA_RUNTIME_API").asText())
                .isNotEqualTo(b.get("env").get("AWS_LAMBDA_RUNTIME_API").asText());

        assumeTrue(forks(), "bubblewrap is missing: SnapStart versions start as ordinary cold starts");
        assertThat(b.get("pid").asInt()).isNotEqualTo(a.get("pid").asInt());
        // The first environment's file is invisible to the second and to the template; what init left is
        // in both (a copy each, readable though only the template's uid could read the original).
        assertThat(a.get("tmp")).hasToString("[\"from-init\"]");
        assertThat(b.get("tmp")).hasToString("[\"from-init\"]");
        assertThat(b.get("fromInit").asText()).isEqualTo(a.get("init").asText());
        for (long pid : E2e.processesOf(fn)) {
            Path tmp = Path.of("/proc", Long.toString(pid), "root", "tmp");
            if (Files.exists(tmp.resolve(".hearth-fork"))) {
                assertThat(list(tmp)).containsExactly(".hearth-fork", "from-init");
            }
        }
    }

    @Test
    void aSnapStartEnvironment_getsCredentialsFromTheCredentialsApi_notFromItsVariables() {
        String fn = published("py-snap-creds", 256, Map.of());
        String accessKeyId = json(invoke(fn, "$LATEST", "{}")).get("env").get("AWS_ACCESS_KEY_ID").asText();

        JsonNode restored = json(invoke(fn, "1", "{\"op\":\"credentials\"}"));

        assertThat(restored.get("static").asBoolean()).isFalse();
        assertThat(restored.get("uri").asText()).matches("http://127\\.0\\.0\\.1:\\d+/2021-04-23/credentials");
        assertThat(restored.get("own").get("AccessKeyId").asText()).isEqualTo(accessKeyId);
        assertThat(restored.get("own").get("SecretAccessKey").asText()).isNotEmpty();
        assertThat(restored.get("own").get("Token").asText()).isNotEmpty();
        assertThat(Instant.parse(restored.get("own").get("Expiration").asText())).isAfter(Instant.now().plusSeconds(3600));
        // A client made during init asks the template's endpoint, which still answers after the restore.
        assertThat(restored.get("init").get("AccessKeyId").asText()).isEqualTo(accessKeyId);
        assertThat(restored.get("wrongToken").asInt()).isEqualTo(404);
        assertThat(json(invoke(fn, "$LATEST", "{\"op\":\"credentials\"}")).get("static").asBoolean()).isTrue();
    }

    @Test
    void provisionedConcurrency_isRefusedOnASnapStartVersion_andOnAnAliasOfOne_andChangesNothing() {
        String fn = published("py-snap-pc", 256, Map.of());
        lambda.createAlias(b -> b.functionName(fn).name("live").functionVersion("1"));

        for (String qualifier : List.of("1", "live")) {
            assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(b -> b.functionName(fn).qualifier(qualifier)
                    .provisionedConcurrentExecutions(1)))
                    .isInstanceOf(InvalidParameterValueException.class)
                    .hasMessageContaining("SnapStart");
            assertThatThrownBy(() -> lambda.getProvisionedConcurrencyConfig(b -> b.functionName(fn).qualifier(qualifier)))
                    .isInstanceOf(ProvisionedConcurrencyConfigNotFoundException.class);
        }
        assertThat(lambda.listProvisionedConcurrencyConfigs(b -> b.functionName(fn)).provisionedConcurrencyConfigs())
                .isEmpty();
    }

    @Test
    void anAliasWithProvisionedConcurrency_cannotMoveToASnapStartVersion_andStaysAsItWas() {
        String fn = unique("py-snap-pc-alias");
        E2e.create(lambda, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", APP)),
                b -> b.memorySize(128).timeout(10));
        lambda.publishVersion(b -> b.functionName(fn));
        lambda.createAlias(b -> b.functionName(fn).name("live").functionVersion("1"));
        lambda.putProvisionedConcurrencyConfig(b -> b.functionName(fn).qualifier("live")
                .provisionedConcurrentExecutions(1));
        lambda.updateFunctionConfiguration(b -> b.functionName(fn)
                .snapStart(s -> s.applyOn(SnapStartApplyOn.PUBLISHED_VERSIONS)));
        E2e.awaitReady(lambda, fn);
        lambda.publishVersion(b -> b.functionName(fn));
        await("version 2 settled").atMost(WAIT).until(() -> lambda.getFunctionConfiguration(
                b -> b.functionName(fn).qualifier("2")).state() != State.PENDING);

        assertThatThrownBy(() -> lambda.updateAlias(b -> b.functionName(fn).name("live").functionVersion("2")))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("SnapStart");
        assertThatThrownBy(() -> lambda.updateAlias(b -> b.functionName(fn).name("live")
                .routingConfig(r -> r.additionalVersionWeights(Map.of("2", 0.5)))))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("SnapStart");

        var alias = lambda.getAlias(b -> b.functionName(fn).name("live"));
        assertThat(alias.functionVersion()).isEqualTo("1");
        assertThat(alias.routingConfig()).isNull();
        assertThat(lambda.getProvisionedConcurrencyConfig(b -> b.functionName(fn).qualifier("live"))
                .requestedProvisionedConcurrentExecutions()).isEqualTo(1);
        // Without a provisioned configuration the same move is an ordinary alias update.
        lambda.deleteProvisionedConcurrencyConfig(b -> b.functionName(fn).qualifier("live"));
        assertThat(lambda.updateAlias(b -> b.functionName(fn).name("live").functionVersion("2")).functionVersion())
                .isEqualTo("2");
    }

    @Test
    void whatAfterRestoreHooksPrint_isInTheLogBetweenRestoreStartAndRestoreReport() {
        assumeTrue(forks(), "bubblewrap is missing: SnapStart versions start as ordinary cold starts");
        String fn = unique("py-snap-print");
        String app = "import time\nfrom snapshot_restore_py import register_after_restore\n"
                + "register_after_restore(print, 'restored')\n"
                + "def handler(event, context):\n    time.sleep(0.3)\n    return event\n";
        E2e.create(lambda, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", app)), b -> b.memorySize(128)
                .timeout(10).snapStart(s -> s.applyOn(SnapStartApplyOn.PUBLISHED_VERSIONS)));
        lambda.publishVersion(b -> b.functionName(fn));
        await("version 1 of " + fn + " settled").atMost(WAIT).until(() -> version1(fn).state() != State.PENDING);

        // Concurrent invokes, each restored into an environment of its own.
        List<java.util.concurrent.CompletableFuture<InvokeResponse>> calls = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> java.util.concurrent.CompletableFuture.supplyAsync(() -> invoke(fn, "1", "{}"),
                        java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()))
                .toList();
        calls.forEach(call -> assertThat(call.join().functionError()).isNull());

        await().atMost(WAIT).untilAsserted(() -> {
            List<List<String>> restored = E2e.logStreams(dataDir, fn).values().stream()
                    .filter(lines -> lines.stream().anyMatch(l -> l.startsWith("RESTORE_START ")))
                    .toList();
            assertThat(restored).hasSize(4).allSatisfy(lines -> {
                assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("REPORT "));
                List<String> restore = lines.subList(0, java.util.stream.IntStream.range(0, lines.size())
                        .filter(i -> lines.get(i).startsWith("RESTORE_REPORT ")).findFirst().orElseThrow());
                assertThat(restore).first().asString().startsWith("RESTORE_START ");
                assertThat(restore).contains("restored");
            });
        });
    }

    @Test
    void latest_isUnaffected_byTheSnapStartSetting() {
        String fn = published("py-snap-latest", 256, Map.of());
        InvokeResponse latest = invoke(fn, "$LATEST", "{}");
        // Outside SnapStart (and once restored) restore/next is not a transition the runtime may make.
        assertThat(E2e.text(invoke(fn, "$LATEST", "{\"op\":\"restore\"}"))).contains("403")
                .contains("InvalidStateTransition");
        assertThat(E2e.text(invoke(fn, "1", "{\"op\":\"restore\"}"))).contains("403")
                .contains("InvalidStateTransition");
        JsonNode body = json(latest);
        assertThat(body.get("env").get("AWS_LAMBDA_INITIALIZATION_TYPE").asText()).isEqualTo("on-demand");
        assertThat(body.get("order")).hasToString("[]");
        assertThat(reportLine(tail(latest), requestId(latest))).contains("Init Duration").doesNotContain("Restore");
        assertThat(lambda.getFunctionConfiguration(b -> b.functionName(fn)).snapStart().optimizationStatusAsString())
                .isEqualTo("Off");
    }

    @Test
    void eachEnvironment_hasItsOwnCgroupAndLimit_soOneRunningOutOfMemoryLeavesTheOthers() throws Exception {
        assumeTrue(forks(), "bubblewrap is missing");
        String fn = published("py-snap-oom", 128, Map.of());
        invoke(fn, "1", "{}");
        CompletableFuture<InvokeResponse> sleeper = CompletableFuture.supplyAsync(() ->
                invoke(fn, "1", "{\"op\":\"sleep\",\"s\":1}"));
        InvokeResponse hog = invoke(fn, "1", "{\"op\":\"hog\",\"mb\":400}");
        assertThat(hog.functionError()).isEqualTo("Unhandled");
        assertThat(json(hog).get("errorType").asText()).isIn("Runtime.OutOfMemory", "Runtime.ExitError");
        InvokeResponse survived = sleeper.get(60, TimeUnit.SECONDS);
        assertThat(survived.functionError()).as(E2e.text(survived) + tail(survived) + tail(hog)).isNull();

        // The template and the surviving environment: each in a cgroup of its own, the template's limited to
        // MemorySize, the environment's to MemorySize less what the template holds (its snapshot).
        List<String> memoryCgroups = new ArrayList<>();
        for (long pid : E2e.processesOf(fn)) {
            String cgroup = Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                    .filter(l -> l.contains(":memory:")).findFirst().orElse("");
            memoryCgroups.add(cgroup.substring(cgroup.indexOf(":memory:") + 8));
        }
        assertThat(memoryCgroups).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
        List<Long> limits = new ArrayList<>();
        for (String cgroup : memoryCgroups) {
            Path limit = Path.of("/sys/fs/cgroup/memory" + cgroup, "memory.limit_in_bytes");
            if (Files.exists(limit)) {
                limits.add(Long.parseLong(Files.readString(limit).trim()));
            }
        }
        if (!limits.isEmpty()) {
            assertThat(limits).allMatch(l -> l <= 128L * 1024 * 1024).contains(128L * 1024 * 1024)
                    .anyMatch(l -> l < 128L * 1024 * 1024);
        }
    }

    @Test
    void aRestoredEnvironment_reportsTheSnapshotsMemoryAsItsOwn_inMaxMemoryUsed() {
        assumeTrue(forks() && !node.node().isolation().cgroups().equals("none"), "needs bubblewrap and cgroups");
        String fn = published("py-snap-mem", 128, Map.of("BALLAST_MB", "60"));
        assertThat(version1(fn).state()).isEqualTo(State.ACTIVE);

        InvokeResponse restored = invoke(fn, "1", "{}");

        assertThat(restored.functionError()).as(E2e.text(restored)).isNull();
        String report = reportLine(tail(restored), requestId(restored));
        assertThat(report).contains("Restore Duration");
        assertThat(maxMemoryUsedMb(report)).as(report).isBetween(60L, 128L);
    }

    @Test
    void aRestoredEnvironment_isOneEnvironmentOfMemorySize_withItsSnapshot_soAllocatingPastItIsOutOfMemory() {
        assumeTrue(forks() && !node.node().isolation().cgroups().equals("none"), "needs bubblewrap and cgroups");
        String fn = published("py-snap-mem-oom", 128, Map.of("BALLAST_MB", "60"));
        assertThat(version1(fn).state()).isEqualTo(State.ACTIVE);

        InvokeResponse restored = invoke(fn, "1", "{\"op\":\"hog\",\"mb\":100}");

        assertThat(restored.functionError()).as(E2e.text(restored)).isEqualTo("Unhandled");
        assertThat(json(restored).get("errorType").asText()).isEqualTo("Runtime.OutOfMemory");
        assertThat(json(restored).get("errorMessage").asText())
                .isEqualTo("RequestId: " + requestId(restored) + " Error: Runtime exited with error: signal: killed");
        assertThat(reportLine(tail(restored), requestId(restored))).contains("Restore Duration")
                .contains("Max Memory Used: 128 MB").endsWith("Status: error\tError Type: Runtime.OutOfMemory");

        // The same init and allocation fit in an ordinary environment of a larger size.
        lambda.updateFunctionConfiguration(b -> b.functionName(fn).memorySize(512));
        await().atMost(WAIT).until(() -> lambda.getFunctionConfiguration(b -> b.functionName(fn))
                .lastUpdateStatusAsString().equals("Successful"));
        InvokeResponse latest = invoke(fn, "$LATEST", "{\"op\":\"hog\",\"mb\":100}");
        assertThat(latest.functionError()).as(E2e.text(latest) + tail(latest)).isNull();
        assertThat(E2e.text(latest)).isEqualTo(Long.toString(100L << 20));
    }

    private static long maxMemoryUsedMb(String report) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Max Memory Used: (\\d+) MB").matcher(report);
        assertThat(m.find()).as(report).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void oneRestoredEnvironment_cannotKillAnothersProcess() throws Exception {
        assumeTrue(forks() && nodeIsRoot(), "own host ids for forked children need bubblewrap and a root node");
        String fn = published("py-snap-kill", 256, Map.of());
        CompletableFuture<InvokeResponse> sleeper = CompletableFuture.supplyAsync(() ->
                invoke(fn, "1", "{\"op\":\"sleep\",\"s\":2}"));
        // Its pid as the sandbox sees it: the second environment shares that pid namespace.
        String sleeping = await().atMost(WAIT).until(() -> E2e.logStreams(dataDir, fn).values().stream()
                .flatMap(List::stream).filter(l -> l.startsWith("SLEEPING ")).findFirst().orElse(null),
                java.util.Objects::nonNull);
        int pid = Integer.parseInt(sleeping.substring("SLEEPING ".length()).trim());

        InvokeResponse kill = invoke(fn, "1", "{\"op\":\"kill\",\"pid\":" + pid + "}");

        assertThat(E2e.text(kill)).as(tail(kill)).isEqualTo("\"EPERM\"");
        InvokeResponse survived = sleeper.get(60, TimeUnit.SECONDS);
        assertThat(survived.functionError()).as(E2e.text(survived) + tail(survived)).isNull();
    }

    private static boolean nodeIsRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.substring(4).trim().split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aFailingBeforeSnapshotHook_failsTheVersion_withTheReason() {
        String fn = published("py-snap-before", 256, Map.of("FAIL", "before"));
        GetFunctionConfigurationResponse v = version1(fn);
        assertThat(v.state()).isEqualTo(State.FAILED);
        assertThat(v.stateReasonCodeAsString()).isEqualTo("FunctionError");
        assertThat(v.stateReason()).contains("Runtime.BeforeSnapshotError").contains("hook says no");
        assertThatThrownBy(() -> invoke(fn, "1", "{}")).isInstanceOf(ResourceConflictException.class);
    }

    @Test
    void aFailingAfterRestoreHook_failsTheInvocation_withAfterRestoreError() {
        String fn = published("py-snap-after", 256, Map.of("FAIL", "after"));
        assertThat(version1(fn).state()).isEqualTo(State.ACTIVE);
        InvokeResponse response = invoke(fn, "1", "{}");
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(json(response).get("errorType").asText()).isEqualTo("Runtime.AfterRestoreError");
        assertThat(json(response).get("errorMessage").asText()).contains("hook says no");
    }

    @Test
    void deletingTheVersion_killsItsTemplate_andARestartedNodeMakesItAgain() {
        assumeTrue(forks(), "bubblewrap is missing");
        String kept = published("py-snap-kept", 256, Map.of());
        String gone = published("py-snap-gone", 256, Map.of());
        assertThat(E2e.processesOf(gone)).isNotEmpty();
        lambda.deleteFunction(b -> b.functionName(gone).qualifier("1"));
        await().atMost(WAIT).until(() -> E2e.processesOf(gone).isEmpty());

        String before = json(invoke(kept, "1", "{}")).get("init").asText();
        node.close();
        node = TestNode.start(dataDir);
        lambda = E2e.client(node.endpoint());
        InvokeResponse after = invoke(kept, "1", "{}");
        assertThat(after.functionError()).isNull();
        assertThat(json(after).get("init").asText()).isNotEqualTo(before);
        assertThat(reportLine(tail(after), requestId(after))).contains("Restore Duration").doesNotContain("Init Duration");
    }

    /**
     * Where environments cannot be forked (here: a launcher that offers no fork server and says it has no
     * bubblewrap), a SnapStart version is Active at once and every environment is an ordinary cold start of
     * type snap-start that runs both kinds of hooks itself.
     */
    @Test
    void withoutForks_aSnapStartVersion_startsOrdinarily_andEachEnvironmentRunsBothHooks() {
        Path dir = E2e.tempDataDir("hearth-e2e-snapstart-plain");
        try (dev.hearth.boot.Node plain = dev.hearth.boot.Node.start(
                dev.hearth.config.HearthConfig.defaults(dir).withPort(0), java.time.Clock.systemUTC(),
                dev.hearth.core.Ids.random(), NoForks::new)) {
            LambdaClient other = E2e.client(plain.endpoint());
            String fn = unique("py-snap-plain");
            E2e.create(other, fn, "python3.12", "app.handler", E2e.zip(Map.of("app.py", APP)), b -> b.timeout(10)
                    .snapStart(s -> s.applyOn(SnapStartApplyOn.PUBLISHED_VERSIONS)));
            other.publishVersion(b -> b.functionName(fn));
            await().atMost(WAIT).until(() -> other.getFunctionConfiguration(b -> b.functionName(fn).qualifier("1"))
                    .state() == State.ACTIVE);
            InvokeResponse first = other.invoke(b -> b.functionName(fn).qualifier("1").logType(LogType.TAIL)
                    .payload(SdkBytes.fromUtf8String("{}")));
            JsonNode body = json(first);
            assertThat(body.get("order")).hasToString("[\"b2!\",\"b1\",\"a1\",\"a2\"]");
            assertThat(body.get("env").get("AWS_LAMBDA_INITIALIZATION_TYPE").asText()).isEqualTo("snap-start");
            assertThat(reportLine(tail(first), requestId(first))).contains("Init Duration").doesNotContain("Restore");
        } finally {
            E2e.deleteTree(dir);
        }
    }

    /** The node's real launcher, minus fork servers, reporting no bubblewrap. */
    private record NoForks(dev.hearth.sandbox.SandboxLauncher real) implements dev.hearth.sandbox.SandboxLauncher {
        @Override
        public dev.hearth.sandbox.Sandbox launch(dev.hearth.sandbox.SandboxSpec spec) throws IOException {
            return real.launch(spec);
        }

        @Override
        public dev.hearth.sandbox.Isolation isolation() {
            dev.hearth.sandbox.Isolation i = real.isolation();
            return new dev.hearth.sandbox.Isolation(false, i.cgroups(), i.unprivilegedUid(), i.advice());
        }

        @Override
        public void close() {
            real.close();
        }
    }

    private static List<String> list(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
