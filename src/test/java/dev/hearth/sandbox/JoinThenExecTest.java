package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The join wrapper against ordinary files standing in for cgroup.procs. */
class JoinThenExecTest {

    @TempDir
    Path dir;

    @Test
    void wrapper_writesItsPidToEachFile_thenExecsTheCommandUnderThatPid() throws Exception {
        Path a = Files.createFile(dir.resolve("a"));
        Path b = Files.createFile(dir.resolve("b with space"));

        Process p = new ProcessBuilder(Cgroup.joinThenExec(List.of(a, b), List.of("/bin/sh", "-c", "echo $$ \"$1\"", "x", "arg 1")))
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();

        assertThat(out).isEqualTo(p.pid() + " arg 1\n");
        assertThat(a).hasContent(Long.toString(p.pid()));
        assertThat(b).hasContent(Long.toString(p.pid()));
    }

    @Test
    void wrapper_exits125WithoutRunningTheCommand_whenItCannotJoin() throws Exception {
        Path marker = dir.resolve("ran");
        Process p = new ProcessBuilder(Cgroup.joinThenExec(List.of(dir.resolve("missing/cgroup.procs")),
                List.of("/usr/bin/touch", marker.toString()))).start();

        assertThat(p.waitFor()).isEqualTo(125);
        assertThat(marker).doesNotExist();
    }
}
