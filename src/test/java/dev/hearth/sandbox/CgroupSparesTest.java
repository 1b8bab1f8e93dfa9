package dev.hearth.sandbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Cgroups made ahead for plain launches: with a recording fake, and with a real launcher on real cgroups. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CgroupSparesTest {

    private static final ResourceLimits SMALL = ResourceLimits.of(128, 64, 2, 2);
    private static final ResourceLimits LARGE = ResourceLimits.of(1024, 64, 2, 2);

    @TempDir
    Path data;
    private SandboxLauncher launcher;

    @AfterEach
    void close() {
        if (launcher != null) {
            launcher.close();
        }
    }

    /** A cgroup that only has a name and knows whether it was removed. */
    record FakeGroup(String id, ResourceLimits limits, List<String> removed) implements Cgroup {
        @Override
        public List<Path> procsFiles() {
            return List.of(Path.of("/nonexistent", id, "cgroup.procs"));
        }

        @Override
        public OptionalLong peakMemoryBytes() {
            return OptionalLong.empty();
        }

        @Override
        public boolean oomKilled() {
            return false;
        }

        @Override
        public void settleCpu(ResourceLimits limits) {
        }

        @Override
        public void resize(ResourceLimits limits) {
        }

        @Override
        public void killAll() {
        }

        @Override
        public void remove() {
            removed.add(id);
        }
    }

    /** Records what is created and removed; fails the creations it is told to. */
    static final class FakeCgroups implements Cgroups {
        final List<String> created = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public String version() {
            return "v1";
        }

        @Override
        public List<String> advice() {
            return List.of();
        }

        @Override
        public synchronized Optional<Cgroup> create(String id, ResourceLimits limits) throws IOException {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("cannot create cgroup " + id);
            }
            created.add(id);
            return Optional.of(new FakeGroup(id, limits, removed));
        }

        @Override
        public void close() {
        }
    }

    @Test
    void take_withoutASpare_makesTheCgroupOnDemand_underTheSandboxesId() throws Exception {
        var cgroups = new FakeCgroups();
        var spares = new CgroupSpares(cgroups, Runnable::run);

        Cgroup taken = spares.take("sandbox-1", SMALL).orElseThrow();

        assertThat(((FakeGroup) taken).id()).isEqualTo("sandbox-1");
        assertThat(cgroups.created).containsExactly("sandbox-1");
    }

    @Test
    void take_afterReplenish_getsTheSpareMadeWithTheSameLimits_andMakesNoCgroupOnItsPath() throws Exception {
        var cgroups = new FakeCgroups();
        var spares = new CgroupSpares(cgroups, Runnable::run);
        spares.replenish(SMALL);
        assertThat(cgroups.created).containsExactly("spare_1");

        Cgroup taken = spares.take("sandbox-1", SMALL).orElseThrow();

        assertThat(((FakeGroup) taken).id()).isEqualTo("spare_1");
        assertThat(((FakeGroup) taken).limits()).isEqualTo(SMALL);
        assertThat(cgroups.created).containsExactly("spare_1");
        assertThat(spares.kept()).isZero();
    }

    @Test
    void take_withOtherLimits_leavesTheSpare_andMakesItsOwn() throws Exception {
        var cgroups = new FakeCgroups();
        var spares = new CgroupSpares(cgroups, Runnable::run);
        spares.replenish(SMALL);

        Cgroup taken = spares.take("sandbox-1", LARGE).orElseThrow();

        assertThat(((FakeGroup) taken).id()).isEqualTo("sandbox-1");
        assertThat(((FakeGroup) taken).limits()).isEqualTo(LARGE);
        assertThat(spares.kept()).isEqualTo(1);
    }

    @Test
    void replenish_keepsOneSparePerLimits() {
        var cgroups = new FakeCgroups();
        var spares = new CgroupSpares(cgroups, Runnable::run);

        spares.replenish(SMALL);
        spares.replenish(SMALL);
        spares.replenish(LARGE);

        assertThat(cgroups.created).containsExactly("spare_1", "spare_2");
        assertThat(spares.kept()).isEqualTo(2);
    }

    @Test
    void replenish_beyondTheKindsKept_removesTheLeastRecentlyTakenSpare() throws Exception {
        var cgroups = new FakeCgroups();
        var spares = new CgroupSpares(cgroups, Runnable::run);
        for (int mb = 128; mb < 128 + CgroupSpares.KINDS; mb++) {
            spares.replenish(ResourceLimits.of(mb, 64, 2, 2));
        }

        spares.replenish(ResourceLimits.of(4096, 64, 2, 2));

        assertThat(spares.kept()).isEqualTo(CgroupSpares.KINDS);
        assertThat(cgroups.removed).containsExactly("spare_1");
    }

    @Test
    void aFailureToMakeASpare_leavesTheLaunchToMakeItsOwn() throws Exception {
        var cgroups = new FakeCgroups();
        var spares = new CgroupSpares(cgroups, Runnable::run);
        cgroups.failures.set(1);
        spares.replenish(SMALL);
        assertThat(spares.kept()).isZero();

        Cgroup taken = spares.take("sandbox-1", SMALL).orElseThrow();

        assertThat(((FakeGroup) taken).id()).isEqualTo("sandbox-1");
    }

    @Test
    void take_whenNeitherASpareNorTheCgroupCanBeMade_failsAsCreateDoes() {
        var cgroups = new FakeCgroups();
        var spares = new CgroupSpares(cgroups, Runnable::run);
        cgroups.failures.set(2);
        spares.replenish(SMALL);

        assertThatThrownBy(() -> spares.take("sandbox-1", SMALL)).isInstanceOf(IOException.class)
                .hasMessageContaining("sandbox-1");
    }

    @Test
    void close_removesTheSparesNotTaken_andMakesNoMore() {
        var cgroups = new FakeCgroups();
        var spares = new CgroupSpares(cgroups, Runnable::run);
        spares.replenish(SMALL);
        spares.replenish(LARGE);

        spares.close();
        spares.replenish(SMALL);

        assertThat(cgroups.removed).containsExactlyInAnyOrder("spare_1", "spare_2");
        assertThat(cgroups.created).hasSize(2);
        assertThat(spares.kept()).isZero();
    }

    @Test
    void aSpareFinishedAfterClose_isRemoved() {
        var cgroups = new FakeCgroups();
        var queued = new ConcurrentLinkedQueue<Runnable>();
        var spares = new CgroupSpares(cgroups, queued::add);
        spares.replenish(SMALL);

        spares.close();
        queued.forEach(Runnable::run);

        assertThat(cgroups.created).containsExactly("spare_1");
        assertThat(cgroups.removed).containsExactly("spare_1");
        assertThat(spares.kept()).isZero();
    }

    private static Cgroups realCgroupsOrSkip(String tag) {
        Cgroups cgroups = Cgroups.open(CgroupMounts.read(), tag);
        assumeTrue(cgroups.version().equals("v1"), "reads v1 cgroup paths: " + cgroups.version());
        return cgroups;
    }

    @Test
    void aPlainLaunch_takesTheSpareTheLaunchBeforeItLeft_andCloseRemovesTheNodesSubtree() throws Exception {
        String tag = "node-" + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Cgroups cgroups = realCgroupsOrSkip(tag);
        Path empty = Runs.emptyDir(data, "empty");
        launcher = new ProcessLauncher(new PlainCommand(HostProbe.which("setpriv"), empty), cgroups,
                new Isolation(false, cgroups.version(), -1, cgroups.advice()), 2);
        Path task = Runs.taskDir(data, "task", "echo up; sleep 30");
        Path memoryNode = CgroupMounts.read().v1().get("memory").resolve("hearth").resolve(tag);

        try (Sandbox first = launcher.launch(Runs.script(task, task))) {
            assertThat(new BufferedReader(new InputStreamReader(first.stdout())).readLine()).isEqualTo("up");
            assertThat(Runs.cgroupDirsOf(first.pid())).isNotEmpty()
                    .allSatisfy(d -> assertThat(d.getFileName().toString()).isEqualTo(first.id()));
            await().atMost(java.time.Duration.ofSeconds(3)).until(() -> Files.isDirectory(memoryNode.resolve("spare_1")));
        }
        try (Sandbox second = launcher.launch(Runs.script(task, task))) {
            assertThat(new BufferedReader(new InputStreamReader(second.stdout())).readLine()).isEqualTo("up");
            assertThat(Runs.cgroupDirsOf(second.pid())).isNotEmpty()
                    .allSatisfy(d -> assertThat(d.getFileName().toString()).isEqualTo("spare_1"));
            assertThat(memoryNode.resolve("spare_1").resolve("memory.limit_in_bytes")).hasContent(Long.toString(128L << 20));
            await().atMost(java.time.Duration.ofSeconds(3)).until(() -> Files.isDirectory(memoryNode.resolve("spare_2")));
        }

        launcher.close();
        launcher = null;

        assertThat(memoryNode).doesNotExist();
    }

    @Test
    void withBubblewrap_theNextLaunchBecomesTheProcessWaitingInTheSpare_withTheSameViewAsAFreshStart() throws Exception {
        String tag = "node-" + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Cgroups cgroups = realCgroupsOrSkip(tag);
        assumeTrue(HostProbe.run().bwrap().isPresent(), "bubblewrap needed");
        launcher = bwrapLauncher(cgroups);
        Path procs = CgroupMounts.read().v1().get("memory").resolve("hearth").resolve(tag).resolve("spare_1").resolve("cgroup.procs");
        Path task = Runs.taskDir(data, "task", "");
        // A runtime's sh -c script: a command word with newlines, a backslash and a trailing newline.
        List<String> command = List.of("/bin/sh", "-c", "ls /proc/self/fd | tr '\\n' ' '; echo\nreadlink /proc/self/fd/0\n"
                + "printf '%s|' \"$MULTI\" \"$DASHES\" \"$0\" 'back\\slash'; echo\n", "zeroth");
        var env = java.util.Map.of("PATH", "/usr/bin:/bin", "MULTI", "two\nlines", "DASHES", "--");
        Runs.Result first = Runs.run(launcher, Runs.spec(task, task, command, env));
        await().atMost(java.time.Duration.ofSeconds(3)).until(() -> Files.exists(procs) && !CgroupFiles.pids(procs).isEmpty());
        long waiting = CgroupFiles.pids(procs).getFirst();

        Runs.Result second = Runs.run(launcher, Runs.spec(task, task, command, env));

        assertThat(second.sandbox().pid()).isEqualTo(waiting);
        assertThat(second.stdout()).isEqualTo(first.stdout());
        assertThat(second.stdout()).isEqualTo("0 1 2 3 \n/dev/null\ntwo\nlines|--|zeroth|back\\slash|\n");
        assertThat(second.status().describe()).isEqualTo("exit status 0");
    }

    @Test
    void withBubblewrap_aWaitingProcessKilledFromOutside_leavesTheLaunchToStartItsOwn_andCloseLeavesNothing() throws Exception {
        String tag = "node-" + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Cgroups cgroups = realCgroupsOrSkip(tag);
        assumeTrue(HostProbe.run().bwrap().isPresent(), "bubblewrap needed");
        launcher = bwrapLauncher(cgroups);
        Path memoryNode = CgroupMounts.read().v1().get("memory").resolve("hearth").resolve(tag);
        Path task = Runs.taskDir(data, "task", "echo up");
        assertThat(Runs.run(launcher, Runs.script(task, task)).stdout()).isEqualTo("up\n");
        Path procs = memoryNode.resolve("spare_1").resolve("cgroup.procs");
        await().atMost(java.time.Duration.ofSeconds(3)).until(() -> Files.exists(procs) && !CgroupFiles.pids(procs).isEmpty());
        long waiting = CgroupFiles.pids(procs).getFirst();
        ProcessHandle.of(waiting).orElseThrow().destroyForcibly();
        await().atMost(java.time.Duration.ofSeconds(3)).until(() -> CgroupFiles.pids(procs).isEmpty());

        Runs.Result r = Runs.run(launcher, Runs.script(task, task));

        assertThat(r.stdout()).isEqualTo("up\n");
        assertThat(r.sandbox().pid()).isNotEqualTo(waiting);
        Path next = memoryNode.resolve("spare_2").resolve("cgroup.procs");
        await().atMost(java.time.Duration.ofSeconds(3)).until(() -> Files.exists(next) && !CgroupFiles.pids(next).isEmpty());
        long nextWaiting = CgroupFiles.pids(next).getFirst();

        launcher.close();
        launcher = null;

        assertThat(memoryNode).doesNotExist();
        await().atMost(java.time.Duration.ofSeconds(3)).until(() -> ProcessHandle.of(nextWaiting).map(Runs::dead).orElse(true));
    }

    /** A bubblewrap launcher like {@link Sandboxes#detect}'s, on the given cgroups. */
    private SandboxLauncher bwrapLauncher(Cgroups cgroups) throws IOException {
        HostProbe host = HostProbe.run();
        Path work = data.resolve("work2");
        Path etc = Files.createDirectories(work.resolve("etc"));
        Path passwd = Files.writeString(etc.resolve("passwd"), host.user().passwd());
        Path group = Files.writeString(etc.resolve("group"), host.user().group());
        Path empty = Runs.emptyDir(work, "empty");
        BwrapCommand command = new BwrapCommand(host.bwrap().orElseThrow(), SystemView.args(Path.of("/"), passwd, group),
                host.sizedTmp(), host.userSwitch(), empty, work.toAbsolutePath().normalize());
        return new ProcessLauncher(command, cgroups, new Isolation(true, cgroups.version(), -1, cgroups.advice()), 2);
    }
}
