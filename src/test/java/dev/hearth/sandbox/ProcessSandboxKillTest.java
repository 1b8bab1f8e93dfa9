package dev.hearth.sandbox;

import dev.hearth.os.OutputPipes;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link ProcessSandbox#kill} asks of its top process and cgroup. */
class ProcessSandboxKillTest {
    private final List<String> calls = new ArrayList<>();

    @Test
    void kill_withACgroup_killsTheTopThenEverythingInTheCgroup_withoutWalkingTheMachinesProcesses() {
        ProcessSandbox sandbox = new ProcessSandbox("s1", new Top(), Optional.of(new Group()), s -> { });

        sandbox.kill();

        assertThat(calls).containsExactly("top.kill", "cgroup.killAll");
    }

    @Test
    void kill_withoutACgroup_findsTheDescendantsBeforeKillingTheTop() {
        ProcessSandbox sandbox = new ProcessSandbox("s1", new Top(), Optional.empty(), s -> { });

        sandbox.kill();

        assertThat(calls).containsExactly("top.descendants", "top.kill");
    }

    private final class Top implements TopProcess {
        @Override
        public long pid() {
            return -1;
        }

        @Override
        public CompletableFuture<Integer> exitValue() {
            return new CompletableFuture<>();
        }

        @Override
        public InputStream stdout() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream stderr() {
            return InputStream.nullInputStream();
        }

        @Override
        public OutputStream stdin() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public Optional<OutputPipes> pipes() {
            return Optional.empty();
        }

        @Override
        public List<ProcessHandle> descendants() {
            calls.add("top.descendants");
            return List.of();
        }

        @Override
        public void kill() {
            calls.add("top.kill");
        }

        @Override
        public void release() {
        }
    }

    private final class Group implements Cgroup {
        @Override
        public List<Path> procsFiles() {
            return List.of(Path.of("/nonexistent/cgroup.procs"));
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
            calls.add("cgroup.killAll");
        }

        @Override
        public void remove() {
        }
    }
}
