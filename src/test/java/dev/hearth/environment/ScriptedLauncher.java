package dev.hearth.environment;

import dev.hearth.sandbox.Isolation;
import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.SandboxSpec;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link SandboxLauncher} that runs scripts instead of processes, one script per launch, in order. */
final class ScriptedLauncher implements SandboxLauncher {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ConcurrentLinkedQueue<RuntimeScript> scripts = new ConcurrentLinkedQueue<>();
    private final List<ScriptedSandbox> launched = new CopyOnWriteArrayList<>();
    private volatile IOException failure;

    /** The next launch runs {@code script}. */
    ScriptedLauncher willRun(RuntimeScript script) {
        scripts.add(script);
        return this;
    }

    /** Every further launch fails with {@code e}, as a failing fork/exec would. */
    void failWith(IOException e) {
        failure = e;
    }

    List<ScriptedSandbox> launched() {
        return launched;
    }

    ScriptedSandbox last() {
        return launched.getLast();
    }

    @Override
    public Sandbox launch(SandboxSpec spec) throws IOException {
        if (failure != null) {
            throw failure;
        }
        RuntimeScript script = scripts.poll();
        if (script == null) {
            throw new IllegalStateException("no script for sandbox " + spec.id());
        }
        ScriptedSandbox sandbox = new ScriptedSandbox(spec);
        launched.add(sandbox);
        sandbox.start(script, http);
        return sandbox;
    }

    @Override
    public Isolation isolation() {
        return new Isolation(false, "none", -1, List.of());
    }

    @Override
    public void close() {
        launched.forEach(ScriptedSandbox::close);
    }
}
