package dev.hearth.environment;

import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.runtimes.RuntimeLaunch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link ManagedRuntimes} with one answer for every runtime: a fixed launch, or unavailable. */
final class FakeRuntimes implements ManagedRuntimes {
    static final String VERSION = "python:3.11.2";

    private volatile Optional<RuntimeLaunch> launch = Optional.of(new RuntimeLaunch(
            List.of("/usr/bin/python3", "/var/runtime/bootstrap.py"), Path.of("/opt/hearth/runtimes/python"),
            Map.of("PYTHONPATH", "/var/runtime", "PATH", "/runtime/bin:/usr/bin"), List.of(), VERSION));
    private volatile String reason = "";

    FakeRuntimes withEnvironment(Map<String, String> environment) {
        RuntimeLaunch l = launch.orElseThrow();
        launch = Optional.of(new RuntimeLaunch(l.command(), l.runtimeDir(), environment, l.extraReadOnly(),
                l.runtimeVersion()));
        return this;
    }

    FakeRuntimes unavailable(String why) {
        launch = Optional.empty();
        reason = why;
        return this;
    }

    @Override
    public Optional<RuntimeLaunch> launch(String runtime, String handler, int memoryMb, Path taskDir, Optional<Path> optDir) {
        return launch;
    }

    @Override
    public String unavailableReason(String runtime) {
        return reason;
    }

    @Override
    public List<String> describe() {
        return List.of();
    }
}
