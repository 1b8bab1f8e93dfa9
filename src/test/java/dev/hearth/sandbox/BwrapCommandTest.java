package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BwrapCommandTest {

    private static final BwrapCommand.UserSwitch SETPRIV =
            new BwrapCommand.UserSwitch(Path.of("/usr/bin/setpriv"), new SandboxUser(993, 990));

    private static BwrapCommand command(boolean sized, Optional<BwrapCommand.UserSwitch> user) {
        return new BwrapCommand(Path.of("/usr/bin/bwrap"), List.of("--ro-bind", "/usr", "/usr"), sized, user,
                Path.of("/data/work/empty"), Path.of("/data/work"));
    }

    private static SandboxSpec spec(Optional<Path> opt, List<Path> extras) {
        return new SandboxSpec("env-1", List.of("/var/runtime/bootstrap", "arg"), Map.of("B", "2", "A", "1"),
                Path.of("/data/code/abc"), Path.of("/data/runtimes/python"), opt, extras, 512, 128, 64);
    }

    private static SandboxSpec spec() {
        return spec(Optional.empty(), List.of());
    }

    @Test
    void argv_isLambdasLayout_inBubblewrapsOrder() {
        List<String> argv = command(true, Optional.of(SETPRIV)).argv(spec());

        assertThat(argv).startsWith("/usr/bin/bwrap", "--die-with-parent", "--new-session", "--unshare-pid",
                "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--ro-bind", "/usr", "/usr");
        assertThat(argv).doesNotContain("--unshare-net", "--unshare-all", "--cap-drop");
        Runs.assertRunsInOrder(argv,
                List.of("--perms", "1777", "--size", "536870912", "--tmpfs", "/tmp"),
                List.of("--perms", "0755", "--dir", "/var"),
                List.of("--ro-bind", "/data/code/abc", "/var/task"),
                List.of("--ro-bind", "/data/runtimes/python", "/var/runtime"),
                List.of("--ro-bind", "/data/work/empty", "/opt"),
                List.of("--chdir", "/var/task", "--clearenv", "--setenv", "A", "1", "--setenv", "B", "2", "--"));
        assertThat(argv).endsWith("--", "/usr/bin/setpriv", "--reuid=993", "--regid=990", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--nnp", "--", "/var/runtime/bootstrap", "arg");
    }

    @Test
    void argv_withLayers_bindsThemAtOpt() {
        List<String> argv = command(true, Optional.of(SETPRIV)).argv(spec(Optional.of(Path.of("/data/layers/x")), List.of()));

        assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind", "/data/layers/x", "/opt"))).isPositive();
    }

    @Test
    void argv_withoutUserSwitch_dropsAllCapabilities_andRunsTheCommandDirectly() {
        List<String> argv = command(true, Optional.empty()).argv(spec());

        assertThat(Collections.indexOfSubList(argv, List.of("--cap-drop", "ALL"))).isPositive();
        assertThat(argv).doesNotContain("/usr/bin/setpriv").endsWith("--setenv", "B", "2", "--", "/var/runtime/bootstrap", "arg");
    }

    @Test
    void argv_whenBubblewrapCannotSizeTmpfs_leavesSizeOut() {
        List<String> argv = command(false, Optional.of(SETPRIV)).argv(spec());

        assertThat(argv).doesNotContain("--size").containsSubsequence("--perms", "1777", "--tmpfs", "/tmp");
    }

    @Test
    void extraPaths_areBoundReadOnly_withWalkableParents_unlessAlreadyVisible() {
        List<String> argv = command(true, Optional.of(SETPRIV)).argv(spec(Optional.empty(),
                List.of(Path.of("/usr/lib/jvm/jdk"), Path.of("/root/.pyenv/versions/3.12"), Path.of("/root/.pyenv/shims"))));

        assertThat(argv).doesNotContain("/usr/lib/jvm/jdk");
        Runs.assertRunsInOrder(argv,
                List.of("--perms", "0755", "--dir", "/root", "--perms", "0755", "--dir", "/root/.pyenv",
                        "--perms", "0755", "--dir", "/root/.pyenv/versions",
                        "--ro-bind", "/root/.pyenv/versions/3.12", "/root/.pyenv/versions/3.12",
                        "--ro-bind", "/root/.pyenv/shims", "/root/.pyenv/shims"));
    }

    @Test
    void extraPathsUnderOpt_turnOptIntoATmpfsOfLayersAndThosePaths() {
        List<String> argv = command(true, Optional.of(SETPRIV)).argv(spec(Optional.empty(), List.of(Path.of("/opt/java/jdk-21"))));

        assertThat(argv).doesNotContain("/data/work/empty");
        Runs.assertRunsInOrder(argv, List.of("--perms", "0755", "--tmpfs", "/opt", "--perms", "0755", "--dir",
                "/opt/java", "--ro-bind", "/opt/java/jdk-21", "/opt/java/jdk-21", "--remount-ro", "/opt", "--chdir"));
    }

    @Test
    void extraPaths_thatWouldExposeTheNodeOrShadowTheSandbox_areRefused() {
        BwrapCommand command = command(true, Optional.of(SETPRIV));

        for (String bad : List.of("/", "/data", "/data/work", "/data/work/etc", "/tmp/x", "/var/task", "/proc/1", "relative")) {
            assertThatThrownBy(() -> command.argv(spec(Optional.empty(), List.of(Path.of(bad)))))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
