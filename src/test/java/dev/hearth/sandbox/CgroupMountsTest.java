package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupMountsTest {

    @Test
    void parse_hybridV1_findsEachControllersMount() {
        String mountinfo = """
                25 22 0:22 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755
                26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate
                30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:11 - cgroup cgroup rw,cpu,cpuacct
                31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid shared:12 - cgroup cgroup rw,memory
                32 25 0:29 / /sys/fs/cgroup/pids rw,nosuid shared:13 - cgroup cgroup rw,pids
                33 25 0:30 / /sys/fs/cgroup/systemd rw shared:14 - cgroup cgroup rw,xattr,name=systemd
                """;
        String cgroup = "12:pids:/system.slice/x.service\n4:memory:/system.slice/x.service\n0::/system.slice/x.service\n";

        CgroupMounts mounts = CgroupMounts.parse(mountinfo, cgroup);

        assertThat(mounts.v1()).isEqualTo(Map.of("cpu", Path.of("/sys/fs/cgroup/cpu,cpuacct"),
                "memory", Path.of("/sys/fs/cgroup/memory"), "pids", Path.of("/sys/fs/cgroup/pids")));
        assertThat(mounts.unified()).contains(Path.of("/sys/fs/cgroup/unified"));
        assertThat(mounts.ownUnified()).isEqualTo("/system.slice/x.service");
    }

    @Test
    void parse_pureV2_hasNoV1Controllers() {
        String mountinfo = "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw\n";

        CgroupMounts mounts = CgroupMounts.parse(mountinfo, "0::/user.slice/user-1000.slice/session-2.scope\n");

        assertThat(mounts.v1()).isEmpty();
        assertThat(mounts.unified()).contains(Path.of("/sys/fs/cgroup"));
        assertThat(mounts.ownUnified()).isEqualTo("/user.slice/user-1000.slice/session-2.scope");
    }

    @Test
    void parse_unescapesMountPoints_andSkipsGarbage() {
        String mountinfo = "garbage\n40 25 0:31 / /mnt/my\\040cgroups rw - cgroup cgroup rw,memory\n";

        assertThat(CgroupMounts.parse(mountinfo, "").v1()).containsEntry("memory", Path.of("/mnt/my cgroups"));
        assertThat(CgroupMounts.parse(mountinfo, "").ownUnified()).isEqualTo("/");
    }
}
