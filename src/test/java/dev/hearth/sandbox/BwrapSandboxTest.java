package dev.hearth.sandbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Process tests against the real bubblewrap of this machine; skipped where there is none. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BwrapSandboxTest {

    @TempDir
    static Path data;
    static SandboxLauncher launcher;
    static Path runtimeDir;

    @BeforeAll
    static void detect() throws Exception {
        launcher = Sandboxes.detect(data.resolve("work"));
        assumeTrue(launcher.isolation().bubblewrap(), "bubblewrap not usable here: " + launcher.isolation().advice());
        runtimeDir = Runs.emptyDir(data, "runtime");
        Files.writeString(data.resolve("secret.txt"), "node data");
    }

    @AfterAll
    static void close() {
        if (launcher != null) {
            launcher.close();
        }
    }

    private Runs.Result sh(String script) throws Exception {
        return sh(script, 16, 128, 64);
    }

    private Runs.Result sh(String script, int tmpMb, int memoryMb, int pids) throws Exception {
        Path task = Runs.taskDir(data, "task-" + System.nanoTime(), script);
        return Runs.run(launcher, Runs.with(Runs.script(task, runtimeDir), tmpMb, memoryMb, pids));
    }

    @Test
    void launch_runsTheScriptInVarTask_andPassesItsOutputThrough() throws Exception {
        Runs.Result r = sh("echo hello; pwd; echo oops >&2");

        assertThat(r.stdout()).isEqualTo("hello\n/var/task\n");
        assertThat(r.stderr()).isEqualTo("oops\n");
        assertThat(r.status().exitCode()).hasValue(0);
        assertThat(r.status().describe()).isEqualTo("exit status 0");
    }

    @Test
    void environment_isExactlyTheSpecs_plusPwdAsOnLambda() throws Exception {
        Path task = Runs.taskDir(data, "task-env", "");
        Map<String, String> env = Map.of("A", "1", "LAMBDA_TASK_ROOT", "/var/task", "WITH SPACE", "x y");

        Runs.Result r = Runs.run(launcher, Runs.spec(task, runtimeDir, List.of("/usr/bin/env"), env));

        assertThat(r.stdout().lines().sorted().toList()).containsExactly("A=1", "LAMBDA_TASK_ROOT=/var/task", "PWD=/var/task",
                "WITH SPACE=x y");
    }

    @Test
    void lambdasLocale_enUsUtf8_isAvailableInside_evenWhenTheHostHasOnlyCUtf8() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/usr/lib/locale/C.utf8"))
                || Files.exists(Path.of("/usr/lib/locale/locale-archive")), "a host without UTF-8 locales");
        Path task = Runs.taskDir(data, "task-locale", "");
        Runs.Result r = Runs.run(launcher, Runs.spec(task, runtimeDir,
                List.of("/usr/bin/locale", "charmap"), Map.of("LANG", "en_US.UTF-8")));

        assertThat(r.stderr()).doesNotContain("Cannot set");
        assertThat(r.stdout().strip()).isEqualTo("UTF-8");
    }

    @Test
    void code_isReadOnly_andTmpIsWritable() throws Exception {
        Runs.Result r = sh("touch /var/task/new && echo task-writable; echo data > /tmp/f && cat /tmp/f;"
                + " touch /var/runtime/x && echo runtime-writable; touch /opt/x && echo opt-writable; ls -A /opt | wc -l");

        assertThat(r.stdout()).isEqualTo("data\n0\n");
        assertThat(r.stderr()).contains("Read-only file system");
    }

    @Test
    void tmp_isLimitedToTmpSizeMb() throws Exception {
        Runs.Result r = sh("dd if=/dev/zero of=/tmp/big bs=1M count=6 2>&1; echo rc=$?; du -m /tmp/big", 4, 128, 64);

        assertThat(r.stdout()).contains("No space left on device").contains("rc=1");
        assertThat(r.stdout().lines().filter(l -> l.endsWith("/tmp/big")).findFirst().orElseThrow()).startsWith("4\t");
    }

    @Test
    void hostFiles_areInvisible_dataDirRootHomeAndOtherCode() throws Exception {
        Path other = Runs.taskDir(data, "other-function", "echo other");
        Runs.Result r = sh("for p in " + data + " " + data.resolve("secret.txt") + " " + other + " /root /home /etc/shadow"
                + " /var/lib /opt/x /sys; do [ -e \"$p\" ] && echo \"visible $p\"; done; ls /var; ls /; cat /etc/passwd");

        assertThat(r.stdout()).doesNotContain("visible");
        assertThat(r.stdout()).contains("runtime\ntask\n");
        assertThat(r.stdout()).doesNotContain("root\n").doesNotContain("home\n");
        assertThat(r.stdout()).contains(SandboxUser.NAME + ":x:");
    }

    @Test
    void function_runsAsTheUnprivilegedUser_withoutCapabilities() throws Exception {
        int uid = launcher.isolation().unprivilegedUid();
        assumeTrue(uid > 0, "node is not root: functions run as the node's user");

        Runs.Result r = sh("id -u; id -G; grep -E '^(Uid|Gid|CapEff|CapBnd|NoNewPrivs):' /proc/self/status; whoami");

        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo(Integer.toString(uid));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("Uid:\\s+" + uid + "\\s+" + uid + "\\s+" + uid + "\\s+" + uid));
        assertThat(lines).contains("CapEff:\t0000000000000000", "CapBnd:\t0000000000000000", "NoNewPrivs:\t1",
                SandboxUser.NAME);
    }

    @Test
    void pidNamespace_showsOnlyTheSandboxsProcesses() throws Exception {
        Runs.Result r = sh("echo $$; ls /proc | grep -c '^[0-9]'");

        List<String> lines = r.stdout().lines().toList();
        assertThat(Integer.parseInt(lines.get(0))).isLessThanOrEqualTo(3);
        assertThat(Integer.parseInt(lines.get(1))).isLessThanOrEqualTo(5);
    }

    @Test
    void exitCode_isPassedThrough() throws Exception {
        assertThat(sh("exit 3").status().describe()).isEqualTo("exit status 3");
    }

    @Test
    void deathBySignal_isReportedAsTheSignal() throws Exception {
        Runs.Result r = sh("kill -TERM $$");

        assertThat(r.status().signal()).hasValue(15);
        assertThat(r.status().describe()).isEqualTo("signal: terminated");
        assertThat(r.status().oomKilled()).isFalse();
    }

    @Test
    void kill_endsTheWholeTreeQuickly() throws Exception {
        Path task = Runs.taskDir(data, "task-kill", "sleep 30 & sleep 30 & echo started; wait");
        Sandbox sandbox = launcher.launch(Runs.script(task, runtimeDir));
        try (sandbox) {
            var out = new BufferedReader(new InputStreamReader(sandbox.stdout()));
            assertThat(out.readLine()).isEqualTo("started");
            List<ProcessHandle> tree = ProcessHandle.of(sandbox.pid()).orElseThrow().descendants().toList();
            assertThat(tree).hasSizeGreaterThanOrEqualTo(3);

            long start = System.nanoTime();
            sandbox.kill();
            ExitStatus status = sandbox.exit().get(2, TimeUnit.SECONDS);

            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
            assertThat(status.describe()).isEqualTo("signal: killed");
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> tree.stream().allMatch(Runs::dead));
        }
    }

    @Test
    void memoryLimit_killsAnOverAllocation_andSaysSo() throws Exception {
        assumeCgroups();

        Runs.Result r = sh("/usr/bin/python3 -c 'b = b\"x\" * (300 * 1024 * 1024); print(len(b))'", 16, 128, 64);

        assertThat(r.stdout()).isEmpty();
        assertThat(r.status().oomKilled()).as(r.toString()).isTrue();
        assertThat(r.status().describe()).isEqualTo("signal: killed");
        assertThat(r.sandbox().maxMemoryUsedBytes().orElseThrow()).isGreaterThan(100L << 20).isLessThanOrEqualTo(128L << 20);
    }

    @Test
    void maxMemoryUsed_isMeasured() throws Exception {
        assumeCgroups();

        Runs.Result r = sh("/usr/bin/python3 -c 'b = b\"x\" * (40 * 1024 * 1024); print(len(b))'", 16, 256, 64);

        assertThat(r.status().describe()).as(r.toString()).isEqualTo("exit status 0");
        assertThat(r.status().oomKilled()).isFalse();
        assertThat(r.sandbox().maxMemoryUsedBytes().orElseThrow()).isGreaterThan(40L << 20);
    }

    @Test
    void pidLimit_boundsForking() throws Exception {
        assumeCgroups();

        Runs.Result r = sh("exec /usr/bin/python3 -c '\n"
                + "import os, time\n"
                + "n = 0\n"
                + "try:\n"
                + "    for i in range(100):\n"
                + "        if os.fork() == 0:\n"
                + "            time.sleep(5)\n"
                + "            os._exit(0)\n"
                + "        n += 1\n"
                + "except OSError as e:\n"
                + "    print(\"fork failed\", e.errno)\n"
                + "print(n)'", 16, 128, 20);

        assertThat(r.stdout()).as(r.toString()).contains("fork failed 11");
        assertThat(Integer.parseInt(r.stdout().lines().toList().getLast())).isLessThan(20);
    }

    @Test
    void close_removesTheCgroup() throws Exception {
        assumeCgroups();
        Path task = Runs.taskDir(data, "task-cg", "echo up; sleep 30");
        Sandbox sandbox = launcher.launch(Runs.script(task, runtimeDir));
        assertThat(new BufferedReader(new InputStreamReader(sandbox.stdout())).readLine()).isEqualTo("up");
        List<Path> dirs = Runs.cgroupDirsOf(sandbox.pid());
        assertThat(dirs).isNotEmpty().allSatisfy(d -> assertThat(d).isDirectory());

        sandbox.close();

        assertThat(sandbox.exit()).isCompleted();
        assertThat(dirs).allSatisfy(d -> assertThat(d).doesNotExist());
    }

    private static void assumeCgroups() {
        assumeTrue(!launcher.isolation().cgroups().equals("none"), "no cgroups here: " + launcher.isolation().advice());
    }
}
