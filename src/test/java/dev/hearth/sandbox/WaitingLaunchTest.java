package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The waiting shell's command line and feed; {@link CgroupSparesTest} runs them against real bubblewrap. */
class WaitingLaunchTest {

    @Test
    void feed_isTheCommandsWordCount_itsMarkedWordsOnePerLine_thenTheOptionsNulSeparated() {
        byte[] feed = WaitingLaunch.feed(List.of("--setenv", "A", "two\nlines", "--"), List.of("/var/runtime/bootstrap", "x y", "-z"))
                .orElseThrow();

        assertThat(new String(feed, StandardCharsets.UTF_8))
                .isEqualTo("3\n-/var/runtime/bootstrap\n-x y\n--z\n--setenv\0A\0two\nlines\0--\0");
    }

    @Test
    void feed_writesACommandWordWithNewlinesForPrintfPercentB_backslashesDoubled() {
        byte[] feed = WaitingLaunch.feed(List.of(), List.of("echo a\\n\necho b\n")).orElseThrow();

        assertThat(new String(feed, StandardCharsets.UTF_8)).isEqualTo("1\n%echo a\\\\n\\0012echo b\\0012\n");
    }

    @Test
    void feed_cannotCarryANul() {
        assertThat(WaitingLaunch.feed(List.of(), List.of("a\0b"))).isEmpty();
        assertThat(WaitingLaunch.feed(List.of("--setenv", "A", "a\0b"), List.of("x"))).isEmpty();
    }

    @Test
    void argv_joinsEachCgroupThenNamesBubblewrap_withThePathsAsArgumentsNotInTheScript() {
        List<String> argv = WaitingLaunch.argv(List.of(Path.of("/cg/memory/x/cgroup.procs"), Path.of("/cg/pids/x/cgroup.procs")),
                Path.of("/usr/bin/bwrap"));

        assertThat(argv.subList(0, 2)).containsExactly("/bin/sh", "-c");
        assertThat(argv.get(2)).doesNotContain("/cg/", "bwrap");
        assertThat(argv.subList(3, argv.size())).containsExactly("hearth-wait", "/cg/memory/x/cgroup.procs",
                "/cg/pids/x/cgroup.procs", "--", "/usr/bin/bwrap");
    }
}
