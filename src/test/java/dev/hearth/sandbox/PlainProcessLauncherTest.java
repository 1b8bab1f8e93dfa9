package dev.hearth.sandbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Process tests of the fallback: a plain child process, with and without cgroups. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PlainProcessLauncherTest {


    @TempDir
    Path data;
    private SandboxLauncher launcher;

    private SandboxLauncher plain(Cgroups cgroups) {
        return plain(cgroups, ResourceLimits.INIT_BOOST);
    }

    private SandboxLauncher plain(Cgroups cgroups, Duration initBoost) {
        Path empty = Runs.emptyDir(data, "empty");
        launcher = new ProcessLauncher(new PlainCommand(HostProbe.which("setpriv"), empty), cgroups,
                new Isolation(false, cgroups.version(), -1, cgroups.advice()), Runtime.getRuntime().availableProcessors(),
                initBoost, this::nativeProcesses);
        return launcher;
    }

    /** Native spawns where the machine allows them; {@link JdkProcessLauncherTest} runs the same tests on the JDK's. */
    boolean nativeProcesses() {
        return dev.hearth.os.Linux.nativeProcesses();
    }

    @Test
    void outputPipes_areOfferedExactlyWhenProcessesAreSpawnedNatively() throws Exception {
        Path task = Runs.taskDir(data, "task", "echo hi");
        try (Sandbox sandbox = plain().launch(Runs.script(task, task))) {
            assertThat(sandbox.outputPipes().isPresent()).isEqualTo(nativeProcesses());
            assertThat(new BufferedReader(new InputStreamReader(sandbox.stdout())).readLine()).isEqualTo("hi");
            assertThat(sandbox.exit().get(2, TimeUnit.SECONDS).describe()).isEqualTo("exit status 0");
        }
    }

    private static Cgroups cgroupsOrSkip() {
        Cgroups cgroups = Cgroups.open(CgroupMounts.read(), "node-" + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        assumeTrue(!cgroups.version().equals("none"), "no cgroups here: " + cgroups.advice());
        return cgroups;
    }

    private SandboxLauncher plain() {
        return plain(new NoCgroups(List.of()));
    }

    @AfterEach
    void close() {
        if (launcher != null) {
            launcher.close();
        }
    }

    @Test
    void launch_runsInTheTaskDir_withLambdaPathsRewrittenToTheHost() throws Exception {
        Path task = Runs.taskDir(data, "task", "pwd; echo \"$LAMBDA_TASK_ROOT|$LAMBDA_RUNTIME_DIR|$PATH\"; echo err >&2");
        Path runtime = Runs.emptyDir(data, "runtime");
        Map<String, String> env = Map.of("LAMBDA_TASK_ROOT", "/var/task", "LAMBDA_RUNTIME_DIR", "/var/runtime",
                "PATH", "/usr/bin:/bin:/opt/bin");

        Runs.Result r = Runs.run(plain(), Runs.spec(task, runtime, List.of("/var/task/run.sh"), env));

        assertThat(r.stdout()).isEqualTo(task + "\n" + task + "|" + runtime + "|/usr/bin:/bin:" + data.resolve("empty") + "/bin\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.status().describe()).isEqualTo("exit status 0");
    }

    @Test
    void environment_isExactlyTheSpecs_plusPwd() throws Exception {
        Path task = Runs.taskDir(data, "task", "");
        Runs.Result r = Runs.run(plain(), Runs.spec(task, task, List.of("/usr/bin/env"), Map.of("A", "1", "B", "/opt")));

        assertThat(r.stdout().lines().sorted().toList())
                .containsExactly("A=1", "B=" + data.resolve("empty"), "PWD=" + task);
    }

    @Test
    void layersDir_standsInForOpt() throws Exception {
        Path task = Runs.taskDir(data, "task", "cat /opt/hello.txt");
        Path layers = Runs.taskDir(data, "layers", "");
        java.nio.file.Files.writeString(layers.resolve("hello.txt"), "from a layer\n");
        SandboxSpec spec = Runs.spec(task, task, List.of("/bin/sh", "-c", "cat \"$F\""), Map.of("F", "/opt/hello.txt"));
        spec = new SandboxSpec(spec.id(), spec.command(), spec.environment(), task, task, Optional.of(layers),
                List.of(), 16, 128, 64);

        assertThat(Runs.run(plain(), spec).stdout()).isEqualTo("from a layer\n");
    }

    @Test
    void exitStatus_reportsCodesAndSignals() throws Exception {
        Path runtime = Runs.emptyDir(data, "runtime");
        SandboxLauncher l = plain();

        assertThat(Runs.run(l, Runs.script(Runs.taskDir(data, "a", "exit 4"), runtime)).status().describe())
                .isEqualTo("exit status 4");
        assertThat(Runs.run(l, Runs.script(Runs.taskDir(data, "b", "kill -SEGV $$"), runtime)).status().describe())
                .isEqualTo("signal: segmentation fault");
    }

    @Test
    void kill_endsTheProcessAndItsChildren() throws Exception {
        Path task = Runs.taskDir(data, "task", "sleep 30 & sleep 30 & echo started; wait");
        Sandbox sandbox = plain().launch(Runs.script(task, task));
        try (sandbox) {
            assertThat(new BufferedReader(new InputStreamReader(sandbox.stdout())).readLine()).isEqualTo("started");
            List<ProcessHandle> tree = ProcessHandle.of(sandbox.pid()).orElseThrow().descendants().toList();
            assertThat(tree).hasSizeGreaterThanOrEqualTo(2);

            sandbox.kill();

            assertThat(sandbox.exit().get(2, TimeUnit.SECONDS).describe()).isEqualTo("signal: killed");
            await().atMost(Duration.ofSeconds(2)).until(() -> tree.stream().allMatch(Runs::dead));
        }
    }

    @Test
    void withCgroups_kill_endsEvenAProcessThatLeftTheTreeButNotItsCgroup() throws Exception {
        Path task = Runs.taskDir(data, "task", "(setsid sleep 30 & echo $!); echo started; exec sleep 30");
        Sandbox sandbox = plain(cgroupsOrSkip()).launch(Runs.script(task, task));
        try (sandbox) {
            BufferedReader out = new BufferedReader(new InputStreamReader(sandbox.stdout()));
            ProcessHandle orphan = ProcessHandle.of(Long.parseLong(out.readLine())).orElseThrow();
            assertThat(out.readLine()).isEqualTo("started");
            assertThat(ProcessHandle.of(sandbox.pid()).orElseThrow().descendants()).doesNotContain(orphan);

            sandbox.kill();

            assertThat(sandbox.exit().get(2, TimeUnit.SECONDS).describe()).isEqualTo("signal: killed");
            await().atMost(Duration.ofSeconds(2)).until(() -> Runs.dead(orphan));
        }
    }

    @Test
    void withCgroups_limitsMemory_andMeasuresIt() throws Exception {
        SandboxLauncher l = plain(cgroupsOrSkip());
        Path task = Runs.taskDir(data, "task", "exec /usr/bin/python3 -c 'b = b\"x\" * (300 * 1024 * 1024)'");

        Runs.Result r = Runs.run(l, Runs.script(task, task));

        assertThat(r.status().oomKilled()).as(r.toString()).isTrue();
        assertThat(r.status().describe()).isEqualTo("signal: killed");
        assertThat(r.sandbox().maxMemoryUsedBytes().orElseThrow()).isGreaterThan(100L << 20);
        assertThat(l.isolation().bubblewrap()).isFalse();
    }

    @Test
    void withCgroups_cpuIsUnthrottledDuringStartUp_thenSettlesToTheMemoryShare() throws Exception {
        Cgroups cgroups = cgroupsOrSkip();
        assumeTrue(cgroups.version().equals("v1"), "reads v1 cgroup files");
        Path task = Runs.taskDir(data, "task", "echo up; sleep 30");
        Sandbox sandbox = plain(cgroups, Duration.ofMillis(300)).launch(Runs.script(task, task));
        try (sandbox) {
            assertThat(new BufferedReader(new InputStreamReader(sandbox.stdout())).readLine()).isEqualTo("up");
            Path quota = Runs.cgroupDirsOf(sandbox.pid()).stream().map(d -> d.resolve("cpu.cfs_quota_us"))
                    .filter(java.nio.file.Files::exists).findFirst().orElseThrow();
            int cores = Runtime.getRuntime().availableProcessors();

            // Unthrottled: no quota at all (a new cgroup's -1) where the allowance would cover every online CPU.
            long startUp = Long.parseLong(java.nio.file.Files.readString(quota).trim());
            assertThat(startUp == -1 || startUp >= cores * 100_000L).as("start-up quota %d", startUp).isTrue();
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(quota).hasContent("7236"));
        }
    }
}
