package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The v2 layout against an ordinary directory playing cgroupfs (this machine may have no v2 controllers):
 * {@link #kernel} creates each cgroup with the control files the kernel would.
 */
class CgroupV2Test {

    @TempDir
    Path root;

    private static final List<String> KNOBS = List.of("cgroup.procs", "cgroup.subtree_control", "cgroup.kill",
            "memory.max", "memory.swap.max", "memory.oom.group", "memory.peak", "memory.events", "cpu.max", "pids.max");

    private void kernel(Path dir) throws IOException {
        Files.createDirectory(dir);
        Files.writeString(dir.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        for (String knob : KNOBS) {
            Files.writeString(dir.resolve(knob), "");
        }
    }

    /** A node's subtree under a root cgroup that offers {@code controllers}, on a machine of {@code cpus}. */
    private CgroupV2 openAsRoot(String controllers, long cpus) throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), controllers + "\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "");
        return CgroupV2.open(root, "/", "node-1-ab", this::kernel, cpus);
    }

    private static final ResourceLimits LIMITS = new ResourceLimits(128L << 20, 7236, 200_000, 100_000, 66);

    @Test
    void open_asRoot_putsTheNodeUnderTheRootCgroup_withControllersEnabledAllTheWayDown() throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "");

        CgroupV2 cgroups = CgroupV2.open(root, "/user.slice/session-1.scope", "node-1-ab", this::kernel, 64);

        assertThat(cgroups.version()).isEqualTo("v2");
        assertThat(cgroups.advice()).isEmpty();
        assertThat(root.resolve("hearth/node-1-ab")).isDirectory();
        // Each write enables one controller; the fake file keeps the last.
        assertThat(root.resolve("hearth/node-1-ab/cgroup.subtree_control")).hasContent("+pids");
        assertThat(root.resolve("user.slice")).doesNotExist();
    }

    @Test
    void create_writesTheLimits_andTheGroupReportsPeakAndOom() throws IOException {
        CgroupV2 cgroups = openAsRoot("cpu memory pids", 64);

        Cgroup cgroup = cgroups.create("env-1", LIMITS).orElseThrow();

        Path dir = root.resolve("hearth/node-1-ab/env-1");
        assertThat(dir.resolve("memory.max")).hasContent("134217728");
        assertThat(dir.resolve("memory.swap.max")).hasContent("0");
        assertThat(dir.resolve("memory.oom.group")).hasContent("1");
        assertThat(dir.resolve("cpu.max")).hasContent("200000 100000");
        cgroup.settleCpu(LIMITS);
        assertThat(dir.resolve("cpu.max")).hasContent("7236 100000");
        assertThat(dir.resolve("pids.max")).hasContent("66");
        assertThat(cgroup.procsFiles()).containsExactly(dir.resolve("cgroup.procs"));

        Files.writeString(dir.resolve("memory.peak"), "52428800\n");
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 1\n");
        assertThat(cgroup.peakMemoryBytes()).hasValue(52_428_800);
        assertThat(cgroup.oomKilled()).isTrue();

        cgroup.killAll();
        assertThat(dir.resolve("cgroup.kill")).hasContent("1");
    }

    @Test
    void create_whenTheStartUpAllowanceIsEveryCpu_leavesTheKernelsUnlimitedQuota_andSettlesLater() throws IOException {
        CgroupV2 cgroups = openAsRoot("cpu memory pids", 2);

        Cgroup cgroup = cgroups.create("env-1", LIMITS).orElseThrow();

        Path cpuMax = root.resolve("hearth/node-1-ab/env-1/cpu.max");
        assertThat(cpuMax).hasContent("");
        cgroup.settleCpu(LIMITS);
        assertThat(cpuMax).hasContent("7236 100000");
    }

    @Test
    void create_withoutCpuAndPids_limitsMemoryOnly_andSaysSo() throws IOException {
        CgroupV2 cgroups = openAsRoot("memory", 64);
        cgroups.create("env-1", LIMITS);

        assertThat(cgroups.advice()).hasSize(2).allSatisfy(a -> assertThat(a).startsWith("cgroup v2 "));
        assertThat(root.resolve("hearth/node-1-ab/env-1/cpu.max")).hasContent("");
        assertThat(root.resolve("hearth/node-1-ab/env-1/memory.max")).hasContent("134217728");
    }

    @Test
    void open_whenTheRootIsNotWritable_usesTheNodesDelegatedCgroup_afterMovingItselfIntoALeaf() throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        // A directory where the file should be: every write to it fails, as EACCES would.
        Files.createDirectory(root.resolve("cgroup.subtree_control"));
        Files.createDirectories(root.resolve("system.slice"));
        kernel(root.resolve("system.slice/hearth.service"));

        CgroupV2 cgroups = CgroupV2.open(root, "/system.slice/hearth.service", "node-1-ab", this::kernel, 64);

        Path own = root.resolve("system.slice/hearth.service");
        assertThat(own.resolve(CgroupV2.NODE_LEAF + "/cgroup.procs")).hasContent(Long.toString(ProcessHandle.current().pid()));
        assertThat(own.resolve("hearth/node-1-ab")).isDirectory();
        cgroups.create("env-1", LIMITS);
        assertThat(own.resolve("hearth/node-1-ab/env-1/memory.max")).hasContent("134217728");
    }

    @Test
    void open_whenNothingIsWritable_fails_withAdvice() throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        Files.createDirectory(root.resolve("cgroup.subtree_control"));

        assertThatThrownBy(() -> CgroupV2.open(root, "/", "node-1-ab", this::kernel, 64)).isInstanceOf(IOException.class);
        Cgroups viaFactory = Cgroups.open(new CgroupMounts(Optional.of(root), Map.of(), "/"), "node-1-ab");
        assertThat(viaFactory.version()).isEqualTo("none");
        assertThat(viaFactory.advice()).singleElement().asString().startsWith("cgroups unavailable");
    }
}
