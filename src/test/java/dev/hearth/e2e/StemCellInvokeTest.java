package dev.hearth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.hearth.e2e.E2e.WAIT;
import static dev.hearth.e2e.E2e.invokeTail;
import static dev.hearth.e2e.E2e.json;
import static dev.hearth.e2e.E2e.reportLine;
import static dev.hearth.e2e.E2e.requestId;
import static dev.hearth.e2e.E2e.tail;
import static dev.hearth.e2e.E2e.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process tests of stem cells: a node that keeps Python sandboxes started ahead of cold starts, next to a
 * node without them. A function started from a cell must see exactly what one started cold sees, run its
 * init code in every new environment, see only its own code, and stay inside its own limits. Whether an
 * environment came from a cell is read from {@code /proc/self/environ}: that is the one place where a
 * cell's start-up environment still shows (see the report of issue 6).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StemCellInvokeTest {

    static final String APP = """
            import errno, os, sys, time, uuid

            INIT_ID = uuid.uuid4().hex
            print("INIT", INIT_ID)

            def probe():
                # What this environment can reach of the other processes it sees (a forked one sees its fork
                # server's pid namespace): their environment, /tmp, code, working directory, signals.
                me, others, readable, signalable = os.getpid(), [], [], []
                for name in os.listdir("/proc"):
                    if not name.isdigit() or int(name) == me:
                        continue
                    others.append(int(name))
                    for what in ("environ", "root/tmp", "root/var/task", "cwd"):
                        try:
                            path = "/proc/%s/%s" % (name, what)
                            open(path, "rb").read() if what == "environ" else os.listdir(path)
                            readable.append(path)
                        except OSError:
                            pass
                    try:
                        os.kill(int(name), 0)
                        signalable.append(int(name))
                    except OSError:
                        pass
                return {"others": others, "readable": readable, "signalable": signalable}

            def handler(event, context):
                if event.get("op") == "exit":
                    os._exit(3)
                if event.get("op") == "sleep":
                    time.sleep(event["s"])
                    return "slept"
                if event.get("op") == "hog":
                    hog = b"x" * (event["mb"] * 1024 * 1024)
                    return len(hog)
                try:
                    open("/var/task/written", "w").close()
                    task_write = "allowed"
                except OSError as e:
                    task_write = errno.errorcode[e.errno]
                tmp_before = sorted(os.listdir("/tmp"))
                open("/tmp/mine-" + INIT_ID, "w").close()
                with open("/proc/self/environ", "rb") as f:
                    start_env = f.read().split(b"\\0")
                from_cell = b"HEARTH_STEM_CELL=1" in start_env
                return {"env": dict(os.environ), "cwd": os.getcwd(), "uid": os.getuid(), "gid": os.getgid(),
                        "groups": os.getgroups(), "task": sorted(os.listdir("/var/task")), "tmp": tmp_before,
                        "taskWrite": task_write, "init": INIT_ID, "path": sys.path, "argv": sys.argv,
                        "modules": sorted(m for m in sys.modules if not m.startswith("app")),
                        "stdin": sys.stdin.read(), "opt": sorted(os.listdir("/opt")), "umask": os.umask(0o22),
                        "root": sorted(os.listdir("/")), "fromCell": from_cell, "pid": os.getpid(),
                        "forked": b"HEARTH_FORK_CELL=1" in start_env, "probe": probe(),
                        "zone": list(time.tzname), "offset": time.timezone, "local": time.strftime("%Z", time.localtime(0)),
                        "modes": [oct(os.stat(p).st_mode) for p in ("/var/task", "/var/task/app.py", "/opt", "/tmp")]}
            """;

    static final String NODE_APP = """
            const fs = require('fs');
            const INIT_ID = require('crypto').randomUUID();
            console.log('INIT', INIT_ID);

            exports.handler = async (event) => {
              let taskWrite;
              try {
                fs.writeFileSync('/var/task/written', 'x');
                taskWrite = 'allowed';
              } catch (e) {
                taskWrite = e.code;
              }
              const tmp = fs.readdirSync('/tmp').sort();
              fs.writeFileSync('/tmp/mine-' + INIT_ID, '');
              const fromCell = fs.readFileSync('/proc/self/environ').toString().split('\\0').includes('HEARTH_STEM_CELL=1');
              return { env: { ...process.env }, cwd: process.cwd(), uid: process.getuid(), gid: process.getgid(),
                groups: process.getgroups(), task: fs.readdirSync('/var/task').sort(), tmp, taskWrite, init: INIT_ID,
                argv: process.argv, execArgv: process.execArgv, paths: module.paths,
                zone: Intl.DateTimeFormat().resolvedOptions().timeZone, offset: new Date(0).getTimezoneOffset(),
                root: fs.readdirSync('/').sort(), fromCell, pid: process.pid, umask: process.umask() };
            };
            """;

    /** Differ between any two environments of one function, cell or not (GENERATION is this test's). */
    private static final List<String> PER_ENVIRONMENT = List.of("AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API",
            "_X_AMZN_TRACE_ID", "GENERATION");

    static TestNode cold;
    static TestNode cells;
    static LambdaClient coldLambda;
    static LambdaClient cellLambda;
    static final AtomicInteger GENERATION = new AtomicInteger();

    @BeforeAll
    static void start() {
        cold = TestNode.start(E2e.tempDataDir("hearth-e2e-cold"));
        cells = TestNode.start(E2e.tempDataDir("hearth-e2e-cells"), c -> c.withStemCells(2));
        coldLambda = E2e.client(cold.endpoint());
        cellLambda = E2e.client(cells.endpoint());
    }

    @AfterAll
    static void stop() {
        for (TestNode node : new TestNode[]{cold, cells}) {
            if (node != null) {
                Path dir = node.dataDir();
                node.close();
                E2e.deleteTree(dir);
            }
        }
    }

    private static byte[] zip(String marker) {
        return E2e.zip(Map.of("app.py", APP, marker + ".txt", marker));
    }

    /**
     * Invokes {@code fn} in a new environment (a new configuration gets new environments), as often as it
     * takes for one to come from a stem cell when {@code wantCell}; returns that invoke.
     */
    private static InvokeResponse coldInvoke(LambdaClient lambda, String fn, String payload, boolean wantCell) {
        AtomicReference<InvokeResponse> got = new AtomicReference<>();
        await("a cold start " + (wantCell ? "from a stem cell" : "without one")).atMost(WAIT).until(() -> {
            Map<String, String> variables = new HashMap<>();
            var current = lambda.getFunctionConfiguration(b -> b.functionName(fn)).environment();
            if (current != null) {
                variables.putAll(current.variables());
            }
            variables.put("GENERATION", "g" + GENERATION.incrementAndGet());
            lambda.updateFunctionConfiguration(b -> b.functionName(fn).environment(e -> e.variables(variables)));
            E2e.awaitReady(lambda, fn);
            InvokeResponse response = invokeTail(lambda, fn, payload);
            got.set(response);
            assertThat(reportLine(tail(response), requestId(response))).contains("Init Duration");
            return !payload.contains("\"look\"") || json(response).get("fromCell").asBoolean() == wantCell;
        });
        return got.get();
    }

    /** A new environment's view of itself; its init code's line is in its own log stream. */
    private static JsonNode look(LambdaClient lambda, String fn, boolean wantCell) {
        InvokeResponse response = coldInvoke(lambda, fn, "{\"op\":\"look\"}", wantCell);
        assertThat(response.functionError()).isNull();
        JsonNode body = json(response);
        Path dataDir = (lambda == cellLambda ? cells : cold).dataDir();
        String stream = body.get("env").get("AWS_LAMBDA_LOG_STREAM_NAME").asText();
        await().atMost(WAIT).untilAsserted(() -> assertThat(E2e.logStreams(dataDir, fn).get(stream))
                .anySatisfy(line -> assertThat(line).contains("INIT " + body.get("init").asText())));
        return body;
    }

    /**
     * What must be equal between a cold-started and a cell-started environment: all but per-environment
     * values, and the pid (a forked environment has the next free number in its fork server's pid namespace;
     * AWS gives no fixed pid either) and what it sees of other processes.
     */
    private static JsonNode comparable(JsonNode look) {
        ObjectNode copy = look.deepCopy();
        ObjectNode env = (ObjectNode) copy.get("env");
        PER_ENVIRONMENT.forEach(env::remove);
        copy.remove(List.of("init", "fromCell", "forked", "pid", "probe"));
        return copy;
    }

    @Test
    void aFunctionStartedFromAStemCell_seesExactlyWhatAColdStartedOneSees() {
        String fn = unique("py-cell-same");
        E2e.create(coldLambda, fn, "python3.12", "app.handler", zip("same"), b -> b.memorySize(256)
                .environment(e -> e.variables(Map.of("TZ", "Europe/Paris"))));
        E2e.create(cellLambda, fn, "python3.12", "app.handler", zip("same"), b -> b.memorySize(256)
                .environment(e -> e.variables(Map.of("TZ", "Europe/Paris"))));

        JsonNode coldStarted = look(coldLambda, fn, false);
        JsonNode fromCell = look(cellLambda, fn, true);

        assertThat(comparable(fromCell)).isEqualTo(comparable(coldStarted));
        // Python's cells are fork servers here (the tests run as root, with user namespaces).
        assertThat(fromCell.get("forked").asBoolean()).isTrue();
        assertThat(fromCell.get("env").has("HEARTH_STEM_CELL")).isFalse();
        assertThat(fromCell.get("env").has("HEARTH_FORK_CELL")).isFalse();
        assertThat(fromCell.get("env").get("AWS_LAMBDA_INITIALIZATION_TYPE").asText()).isEqualTo("on-demand");
        assertThat(fromCell.get("env").get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText()).isEqualTo("256");
        assertThat(fromCell.get("local").asText()).isEqualTo("CET");
        assertThat(fromCell.get("cwd").asText()).isEqualTo("/var/task");
        assertThat(fromCell.get("task")).hasToString("[\"app.py\",\"same.txt\"]");
        assertThat(fromCell.get("taskWrite").asText()).isEqualTo("EROFS");
        assertThat(fromCell.get("tmp")).isEmpty();
        assertThat(fromCell.get("stdin").asText()).isEmpty();
        assertThat(fromCell.get("uid").asInt()).isEqualTo(coldStarted.get("uid").asInt()).isNotZero();
    }

    @Test
    void aNodeFunctionStartedFromAStemCell_seesExactlyWhatAColdStartedOneSees() {
        String fn = unique("node-cell-same");
        byte[] code = E2e.zip(Map.of("index.js", NODE_APP, "same.txt", "same"));
        E2e.create(coldLambda, fn, "nodejs20.x", "index.handler", code, b -> b.memorySize(256)
                .environment(e -> e.variables(Map.of("TZ", "Europe/Paris"))));
        E2e.create(cellLambda, fn, "nodejs20.x", "index.handler", code, b -> b.memorySize(256)
                .environment(e -> e.variables(Map.of("TZ", "Europe/Paris"))));

        JsonNode coldStarted = look(coldLambda, fn, false);
        JsonNode fromCell = look(cellLambda, fn, true);

        assertThat(comparable(fromCell)).isEqualTo(comparable(coldStarted));
        assertThat(fromCell.get("env").has("HEARTH_STEM_CELL")).isFalse();
        assertThat(fromCell.get("zone").asText()).isEqualTo("Europe/Paris");
        assertThat(fromCell.get("cwd").asText()).isEqualTo("/var/task");
        assertThat(fromCell.get("task")).hasToString("[\"index.js\",\"same.txt\"]");
        assertThat(fromCell.get("taskWrite").asText()).isEqualTo("EROFS");
        assertThat(fromCell.get("tmp")).isEmpty();
    }

    @Test
    void aFunctionWithALayerStartedFromACell_seesItsLayerInOpt_asAColdStartedOneDoes() {
        String fn = unique("py-cell-layer");
        byte[] layer = E2e.zip(Map.of("python/shared.py", "X = 1", "data.txt", "layer"));
        String coldLayer = coldLambda.publishLayerVersion(b -> b.layerName(fn)
                .content(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(layer)))).layerVersionArn();
        String cellLayer = cellLambda.publishLayerVersion(b -> b.layerName(fn)
                .content(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(layer)))).layerVersionArn();
        E2e.create(coldLambda, fn, "python3.12", "app.handler", zip("layered"), b -> b.memorySize(256).layers(coldLayer));
        E2e.create(cellLambda, fn, "python3.12", "app.handler", zip("layered"), b -> b.memorySize(256).layers(cellLayer));

        JsonNode coldStarted = look(coldLambda, fn, false);
        JsonNode fromCell = look(cellLambda, fn, true);

        assertThat(fromCell.get("forked").asBoolean()).isTrue();
        assertThat(fromCell.get("opt")).hasToString("[\"data.txt\",\"python\"]");
        assertThat(fromCell.get("task")).hasToString("[\"app.py\",\"layered.txt\"]");
        assertThat(comparable(fromCell)).isEqualTo(comparable(coldStarted));
    }

    @Test
    void initCode_runsInEveryNewEnvironmentStartedFromACell() {
        String fn = unique("py-cell-init");
        E2e.create(cellLambda, fn, "python3.12", "app.handler", zip("init"), b -> b.memorySize(256));

        JsonNode first = look(cellLambda, fn, true);
        JsonNode second = look(cellLambda, fn, true);

        assertThat(second.get("init").asText()).isNotEqualTo(first.get("init").asText());
        // Each environment's own /tmp: the first one's file is not in the second's.
        assertThat(second.get("tmp")).isEmpty();
    }

    @Test
    void twoFunctionsStartedFromCells_seeOnlyTheirOwnCode() {
        String a = unique("py-cell-a");
        String b = unique("py-cell-b");
        E2e.create(cellLambda, a, "python3.12", "app.handler", zip("alpha"), c -> c.memorySize(256));
        E2e.create(cellLambda, b, "python3.12", "app.handler", zip("beta"), c -> c.memorySize(256));

        JsonNode seenByA = look(cellLambda, a, true);
        JsonNode seenByB = look(cellLambda, b, true);

        assertThat(seenByA.get("task")).hasToString("[\"alpha.txt\",\"app.py\"]");
        assertThat(seenByB.get("task")).hasToString("[\"app.py\",\"beta.txt\"]");
        assertThat(seenByA.get("root")).isEqualTo(seenByB.get("root"));
        List<String> root = new ArrayList<>();
        seenByA.get("root").forEach(n -> root.add(n.asText()));
        assertThat(root).doesNotContain("root", "home", "hearth-e2e-cells");
    }

    @Test
    void aFunctionStartedFromACell_isHeldToItsOwnMemoryLimit() {
        String fn = unique("py-cell-oom");
        E2e.create(cellLambda, fn, "python3.12", "app.handler", zip("oom"), b -> b.memorySize(1024));
        look(cellLambda, fn, true);
        // The cell waited under 128 MB: taking on 1024 MB lets the function use more than that…
        InvokeResponse big = invokeTail(cellLambda, fn, "{\"op\":\"hog\",\"mb\":300}");
        assertThat(big.functionError()).isNull();
        assertThat(E2e.text(big)).isEqualTo(Integer.toString(300 * 1024 * 1024));

        E2e.create(cellLambda, fn + "-small", "python3.12", "app.handler", zip("oom"), b -> b.memorySize(128));
        look(cellLambda, fn + "-small", true);
        // …and a 128 MB function is still stopped at its own limit.
        InvokeResponse tooBig = invokeTail(cellLambda, fn + "-small", "{\"op\":\"hog\",\"mb\":300}");
        assertThat(tooBig.functionError()).isEqualTo("Unhandled");
        assertThat(E2e.text(tooBig)).contains("Runtime.OutOfMemory");
    }

    @Test
    void aFunctionWhoseStartUpVariablesDiffer_startsWithoutACell_andSeesThem() {
        String fn = unique("py-cell-pythonpath");
        E2e.create(cellLambda, fn, "python3.12", "app.handler", zip("own"), b -> b.memorySize(256)
                .environment(e -> e.variables(Map.of("PYTHONPATH", "/var/task/lib"))));
        InvokeResponse response = invokeTail(cellLambda, fn, "{\"op\":\"look\"}");
        JsonNode body = json(response);
        assertThat(body.get("fromCell").asBoolean()).isFalse();
        assertThat(body.get("env").get("PYTHONPATH").asText()).isEqualTo("/var/task/lib");
        List<String> path = new ArrayList<>();
        body.get("path").forEach(n -> path.add(n.asText()));
        assertThat(path).contains("/var/task/lib");
    }
    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void environmentsForkedFromOneServer_cannotReachEachOther() {
        List<JsonNode> siblings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String fn = unique("py-fork-sibling" + i);
            E2e.create(cellLambda, fn, "python3.12", "app.handler", zip("sibling" + i), c -> c.memorySize(256));
            siblings.add(look(cellLambda, fn, true));
        }
        String probing = unique("py-fork-probe");
        E2e.create(cellLambda, probing, "python3.12", "app.handler", zip("probe"), c -> c.memorySize(256));
        JsonNode seen = look(cellLambda, probing, true);

        assertThat(seen.get("forked").asBoolean()).isTrue();
        // Its fork server, the server's pid 1 and spare or sibling children share its pid namespace…
        assertThat(seen.get("probe").get("others").size()).isGreaterThanOrEqualTo(3);
        // …and none of them lets it read its environment, /tmp, code or working directory, or signal it.
        assertThat(texts(seen.get("probe").get("readable"))).isEmpty();
        assertThat(texts(seen.get("probe").get("signalable"))).isEmpty();
        assertThat(seen.get("task")).hasToString("[\"app.py\",\"probe.txt\"]");
        assertThat(seen.get("opt")).isEmpty();
        assertThat(seen.get("tmp")).isEmpty();
        siblings.forEach(sibling -> assertThat(texts(sibling.get("probe").get("readable"))).isEmpty());
    }

    @Test
    void aForkedEnvironmentThatCrashesOrTimesOut_leavesItsServerAndSiblingsWorking() {
        String sibling = unique("py-fork-calm");
        String crashing = unique("py-fork-crash");
        E2e.create(cellLambda, sibling, "python3.12", "app.handler", zip("calm"), c -> c.memorySize(256));
        E2e.create(cellLambda, crashing, "python3.12", "app.handler", zip("crash"), c -> c.memorySize(128).timeout(1));
        look(cellLambda, sibling, true);
        look(cellLambda, crashing, true);

        InvokeResponse crashed = invokeTail(cellLambda, crashing, "{\"op\":\"exit\"}");
        assertThat(E2e.text(crashed)).contains("Runtime.ExitError");
        look(cellLambda, crashing, true);
        InvokeResponse timedOut = invokeTail(cellLambda, crashing, "{\"op\":\"sleep\",\"s\":3}");
        assertThat(E2e.text(timedOut)).contains("Task timed out");
        look(cellLambda, crashing, true);
        InvokeResponse oom = invokeTail(cellLambda, crashing, "{\"op\":\"hog\",\"mb\":300}");
        assertThat(E2e.text(oom)).contains("Runtime.OutOfMemory");

        // The sibling's warm environment still answers, and new environments still fork.
        InvokeResponse warm = invokeTail(cellLambda, sibling, "{\"op\":\"sleep\",\"s\":0}");
        assertThat(warm.functionError()).isNull();
        assertThat(reportLine(tail(warm), requestId(warm))).doesNotContain("Init Duration");
        assertThat(look(cellLambda, sibling, true).get("forked").asBoolean()).isTrue();
    }

    /** The fork servers among this JVM's descendants: forking Python processes whose parent is not one. */
    private static List<ProcessHandle> forkServers() {
        return ProcessHandle.current().descendants()
                .filter(p -> isForkCell(p.pid()) && p.parent().map(parent -> !isForkCell(parent.pid())).orElse(false))
                .toList();
    }

    private static boolean isForkCell(long pid) {
        try {
            byte[] environ = java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            return new String(environ, java.nio.charset.StandardCharsets.ISO_8859_1).contains("HEARTH_FORK_CELL=1\0");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aForkServerThatDies_isReplaced() {
        String fn = unique("py-fork-replace");
        E2e.create(cellLambda, fn, "python3.12", "app.handler", zip("replace"), c -> c.memorySize(256));
        look(cellLambda, fn, true);
        await().atMost(WAIT).until(() -> forkServers().size() >= 2);
        List<ProcessHandle> before = forkServers();

        before.forEach(ProcessHandle::destroyForcibly);

        await().atMost(WAIT).until(() -> {
            List<ProcessHandle> now = forkServers();
            return now.size() >= 2 && now.stream().noneMatch(before::contains);
        });
        assertThat(look(cellLambda, fn, true).get("forked").asBoolean()).isTrue();
    }

    @Test
    void aBurstOfColdStartsOfDifferentFunctions_allSucceedFromForks() throws Exception {
        int n = 8;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String fn = unique("py-fork-burst" + i);
            E2e.create(cellLambda, fn, "python3.12", "app.handler", zip("burst" + i), c -> c.memorySize(128));
            names.add(fn);
        }
        look(cellLambda, names.getFirst(), true); // the set-up is learnt, its servers started
        List<java.util.concurrent.Future<InvokeResponse>> running = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (String fn : names.subList(1, n)) {
                running.add(threads.submit(() -> invokeTail(cellLambda, fn, "{\"op\":\"look\"}")));
            }
            int forked = 0;
            for (int i = 0; i < running.size(); i++) {
                InvokeResponse response = running.get(i).get(2, TimeUnit.MINUTES);
                assertThat(response.functionError()).isNull();
                JsonNode body = json(response);
                assertThat(body.get("task")).hasToString("[\"app.py\",\"burst" + (i + 1) + ".txt\"]");
                forked += body.get("forked").asBoolean() ? 1 : 0;
            }
            assertThat(forked).isGreaterThanOrEqualTo(n - 2);
        }
    }
}
