package dev.hearth.runtimes;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link ManagedRuntimes#create} on this machine: real resources, real interpreters. */
class ManagedRuntimesTest {

    @TempDir
    static Path unpackDir;
    static ManagedRuntimes runtimes;

    @TempDir
    Path task;
    @TempDir
    Path opt;

    @BeforeAll
    static void create() {
        runtimes = ManagedRuntimes.create(unpackDir);
    }

    @Test
    void everyPythonRuntime_runsOnTheSameInterpreter_reportingItsRealVersion() {
        Optional<RuntimeLaunch> py39 = runtimes.launch("python3.9", "app.handler", 128, task, Optional.empty());
        assumeTrue(py39.isPresent(), () -> runtimes.unavailableReason("python3.9"));
        RuntimeLaunch py314 = runtimes.launch("python3.14", "app.handler", 128, task, Optional.empty()).orElseThrow();

        assertThat(py314.command()).isEqualTo(py39.get().command());
        assertThat(py314.runtimeVersion()).isEqualTo(py39.get().runtimeVersion()).matches("python:3\\.\\d+\\.\\d+");
        assertThat(py314.runtimeDir().resolve("bootstrap.py")).isRegularFile();
        assertThat(runtimes.describe()).anyMatch(line -> line.startsWith("python3.9 … python3.14: ")
                && line.contains("(Python " + py314.runtimeVersion().substring("python:".length()) + ";"));
    }

    @Test
    void providedRuntime_prefersTheCodesBootstrap_thenTheLayers() throws IOException {
        Path layerBootstrap = Files.writeString(opt.resolve("bootstrap"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(layerBootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path codeBootstrap = Files.writeString(task.resolve("bootstrap"), "#!/bin/sh\n");

        // Not executable: AWS could not exec it either, so the layer's wins.
        assertThat(runtimes.launch("provided.al2023", "h", 128, task, Optional.of(opt)).orElseThrow().command())
                .containsExactly("/opt/bootstrap");

        Files.setPosixFilePermissions(codeBootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(runtimes.launch("provided.al2023", "h", 128, task, Optional.of(opt)).orElseThrow().command())
                .containsExactly("/var/task/bootstrap");
    }

    @Test
    void providedRuntime_withoutAnyBootstrap_isUnavailableWithAwsMessage() {
        assertThat(runtimes.launch("provided", "h", 128, task, Optional.empty())).isEmpty();
        assertThat(runtimes.unavailableReason("provided"))
                .isEqualTo("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
    }

    @Test
    void unsupportedRuntime_isUnavailable_withAReason() {
        assertThat(runtimes.launch("ruby3.3", "h", 128, task, Optional.empty())).isEmpty();
        assertThat(runtimes.unavailableReason("ruby3.3"))
                .isEqualTo("Hearth cannot run ruby3.3 functions: no ruby runtime support yet");
    }

    @Test
    void describe_coversEveryFamily() {
        assertThat(runtimes.describe())
                .anyMatch(line -> line.startsWith("python3.9 … python3.14: "))
                .anyMatch(line -> line.startsWith("nodejs18.x … nodejs24.x: "))
                .anyMatch(line -> line.startsWith("java11: "))
                .anyMatch(line -> line.startsWith("java25: "))
                .anyMatch(line -> line.startsWith("provided, provided.al2, provided.al2023: "));
    }
}
