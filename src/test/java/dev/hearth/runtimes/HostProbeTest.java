package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Jdk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The probe against fake interpreters and JDKs (small shell scripts) in a temporary directory. */
class HostProbeTest {

    private static final List<Path> NOTHING_HIDDEN = List.of(Path.of("/root"));

    @TempDir
    Path dir;

    private Path script(String relative, String output) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\necho '" + output + "'\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private Path jdk(String name, String javaVersion) throws IOException {
        Path home = dir.resolve("jvm").resolve(name);
        script("jvm/" + name + "/bin/java", "unused");
        if (javaVersion != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + javaVersion + "\"\n");
        }
        return home;
    }

    @Test
    void probe_takesTheFirstInterpreterThatIsNewEnough_andNotesTheOthers() throws IOException {
        Path oldPython = script("a/python3", "3.8.10");
        Path python = script("b/python3", "3.12.1");
        Path node = script("c/node", "v22.3.0");

        HostRuntimes host = HostProbe.probe(List.of(dir.resolve("missing/python3"), oldPython, python), List.of(node),
                dir.resolve("jvm"), NOTHING_HIDDEN);

        assertThat(host.python()).hasValueSatisfying(p -> {
            assertThat(p.executable()).isEqualTo(python);
            assertThat(p.version()).isEqualTo("3.12.1");
            // Outside the system directories: its installation must be mounted.
            assertThat(p.extraReadOnly()).containsExactly(dir);
        });
        assertThat(host.node()).hasValueSatisfying(n -> assertThat(n.version()).isEqualTo("22.3.0"));
        assertThat(host.notes()).contains(oldPython + " is Python 3.8.10; Hearth needs 3.9 or newer");
    }

    @Test
    void probe_passesOverInterpretersWhereSandboxesSeeNothing() throws IOException {
        Path python = script("home/me/.pyenv/shims/python3", "3.12.1");

        HostRuntimes host = HostProbe.probe(List.of(python), List.of(), dir.resolve("jvm"), List.of(dir.resolve("home")));

        assertThat(host.python()).isEmpty();
        assertThat(host.notes()).anyMatch(note -> note.contains("which sandboxes never see"));
    }

    @Test
    void probe_readsJdkVersionsFromReleaseFiles_onceEachThroughAliases() throws IOException {
        Path jdk17 = jdk("java-17-openjdk-amd64", "17.0.15");
        Path jdk25 = jdk("temurin-25-jdk-amd64", "25.0.3");
        Files.createSymbolicLink(dir.resolve("jvm/java-1.17.0-openjdk-amd64"), jdk17);
        jdk("broken", null);
        Files.createDirectories(dir.resolve("jvm/not-a-jdk"));

        HostRuntimes host = HostProbe.probe(List.of(), List.of(), dir.resolve("jvm"), NOTHING_HIDDEN);

        assertThat(host.jdks()).extracting(Jdk::home, Jdk::version, Jdk::feature)
                .containsExactly(
                        tuple(jdk17.toRealPath(), "17.0.15", 17),
                        tuple(jdk25.toRealPath(), "25.0.3", 25));
        assertThat(host.jdkFor(11)).map(Jdk::feature).contains(17);
        assertThat(host.jdkFor(21)).map(Jdk::feature).contains(25);
        assertThat(host.jdkFor(26)).isEmpty();
        assertThat(host.notes()).anyMatch(note -> note.contains("broken has no JAVA_VERSION"));
    }

    @Test
    void probe_understandsJava8StyleVersions() throws IOException {
        jdk("jdk8", "1.8.0_392");

        HostRuntimes host = HostProbe.probe(List.of(), List.of(), dir.resolve("jvm"), NOTHING_HIDDEN);

        assertThat(host.jdks()).extracting(Jdk::feature).containsExactly(8);
    }

    @Test
    void query_returnsTheFirstLine_orEmptyWhenTheCommandFails() throws IOException {
        Path ok = script("ok", "v20.1.0");
        Path failing = dir.resolve("failing");
        Files.writeString(failing, "#!/bin/sh\nexit 3\n");
        Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(HostProbe.query(ok, "--version")).contains("v20.1.0");
        assertThat(HostProbe.query(failing)).isEmpty();
        assertThat(HostProbe.query(dir.resolve("absent"))).isEmpty();
    }
}
