package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PathRewriterTest {

    private static PathRewriter rewriter(Optional<Path> opt, List<Path> extras) {
        SandboxSpec spec = new SandboxSpec("s", List.of("/x"), Map.of(), Path.of("/data/code/abc"), Path.of("/data/rt/py"),
                opt, extras, 512, 128, 64);
        return PathRewriter.of(spec, Path.of("/data/work/empty"));
    }

    @Test
    void lambdaPaths_becomeTheirHostDirectories() {
        PathRewriter r = rewriter(Optional.of(Path.of("/data/layers/1")), List.of());

        assertThat(r.path("/var/task")).isEqualTo("/data/code/abc");
        assertThat(r.path("/var/task/bootstrap")).isEqualTo("/data/code/abc/bootstrap");
        assertThat(r.path("/var/runtime/bootstrap.py")).isEqualTo("/data/rt/py/bootstrap.py");
        assertThat(r.path("/opt/python")).isEqualTo("/data/layers/1/python");
    }

    @Test
    void optWithoutLayers_isTheEmptyDir() {
        assertThat(rewriter(Optional.empty(), List.of()).path("/opt/bin")).isEqualTo("/data/work/empty/bin");
    }

    @Test
    void onlyWholePathComponentsMatch() {
        PathRewriter r = rewriter(Optional.empty(), List.of());

        assertThat(r.path("/var/taskforce")).isEqualTo("/var/taskforce");
        assertThat(r.path("/optional")).isEqualTo("/optional");
        assertThat(r.path("relative/var/task")).isEqualTo("relative/var/task");
        assertThat(r.path("--flag=/var/task")).isEqualTo("--flag=/var/task");
    }

    @Test
    void environmentValues_areRewrittenPerColonSegment() {
        PathRewriter r = rewriter(Optional.empty(), List.of());

        assertThat(r.value("/var/lang/bin:/usr/bin:/opt/bin")).isEqualTo("/var/lang/bin:/usr/bin:/data/work/empty/bin");
        assertThat(r.value("/var/runtime:/var/task::x")).isEqualTo("/data/rt/py:/data/code/abc::x");
        assertThat(r.environment(Map.of("K", "/var/task"))).containsExactly(Map.entry("K", "/data/code/abc"));
    }

    @Test
    void pathsUnderAnExtraReadOnlyPath_stayAsTheyAre() {
        PathRewriter r = rewriter(Optional.empty(), List.of(Path.of("/opt/java/jdk-21")));

        assertThat(r.path("/opt/java/jdk-21/bin/java")).isEqualTo("/opt/java/jdk-21/bin/java");
        assertThat(r.path("/opt/java/other")).isEqualTo("/data/work/empty/java/other");
    }
}
