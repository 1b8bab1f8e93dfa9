package dev.hearth.environment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.Arns;
import dev.hearth.logs.FunctionLogs;
import dev.hearth.logs.LogStream;
import dev.hearth.logs.LogStreamNames;
import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.runtimes.RuntimeLaunch;
import dev.hearth.sandbox.ExitStatus;
import dev.hearth.sandbox.ForkServer;
import dev.hearth.sandbox.Sandbox;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.SandboxSpec;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The snapshot of one SnapStart version: its runtime started once as an environment would be, with the
 * Runtime API endpoint of its own that sees init through. Init ends with {@code GET /runtime/restore/next}
 * (the before-snapshot hooks have run): that is the snapshot; the runtime is told 200 and becomes a fork
 * server ({@code HEARTH_SNAPSHOT_FORK=1}), which {@link #ready} then holds. An {@code /init/error} (failed
 * import, failed before-snapshot hook), an exit or the init timeout before that fails {@link #ready} with
 * the reason. The template never takes invocations: {@code /next} is refused.
 *
 * <p>Threading: every state change and Runtime API request happens on {@link #context}; the launch, the
 * attach and kills run on the settings' blocking executor. Public methods may be called from any thread.
 */
final class SnapshotTemplate implements RuntimeApiServer.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTemplate.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a snapshot could not be made. */
    static final class InitFailed extends Exception {
        private final transient Snapshots.Failure failure;

        InitFailed(Snapshots.Failure failure) {
            super(failure.errorType() + ": " + failure.errorMessage());
            this.failure = failure;
        }

        Snapshots.Failure failure() {
            return failure;
        }
    }

    private enum Stage { STARTING, INITIALISING, SNAPSHOTTED, ENDED }

    private final String id = UUID.randomUUID().toString().replace("-", "");
    private final EnvironmentSpec spec;
    private final Vertx vertx;
    private final Context context;
    private final SandboxLauncher launcher;
    private final ManagedRuntimes runtimes;
    private final EnvironmentSettings settings;
    private final Duration initTimeout;
    private final String logStreamName;
    private final InvocationLog log;
    private final ProcessOutput output;
    private final RuntimeApiServer api;
    private final CompletableFuture<ForkServer> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final CompletableFuture<Sandbox> launched = new CompletableFuture<>();
    private volatile Stage stage = Stage.STARTING;

    // ---- context only ----
    private Sandbox sandbox;
    private ForkServer server;
    private long launchNanos;
    private long initTimer = -1;

    SnapshotTemplate(EnvironmentSpec spec, Vertx vertx, SandboxLauncher launcher, ManagedRuntimes runtimes,
                     FunctionLogs logs, Clock clock, EnvironmentSettings settings, Duration initTimeout) {
        this.spec = spec;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.launcher = launcher;
        this.runtimes = runtimes;
        this.settings = settings;
        this.initTimeout = initTimeout;
        this.logStreamName = LogStreamNames.of(clock.instant(), spec.version(), id);
        LogStream stream = logs.open(spec.logGroup(), logStreamName);
        this.log = new InvocationLog(stream, clock, spec);
        this.output = new ProcessOutput(vertx, context, log::output, () -> { });
        // As for any environment: only the template's own processes may use its endpoint.
        this.api = new RuntimeApiServer(vertx, this, settings.verifyRuntimePeers()
                ? (client, port) -> launched.thenApplyAsync(s -> s.ownsLoopbackConnection(client, port), settings.blocking())
                : RuntimeApiServer.PeerGate.OPEN);
    }

    /** Completes with the fork server once the snapshot is made; exceptionally ({@link InitFailed}) if not. */
    CompletableFuture<ForkServer> ready() {
        return ready;
    }

    CompletableFuture<Void> stopped() {
        return stopped;
    }

    boolean ended() {
        return stage == Stage.ENDED || ready.isCompletedExceptionally()
                || ready.isDone() && !ready.join().alive();
    }

    void begin() {
        context.runOnContext(v -> api.listen().onComplete(this::onListening));
    }

    /** Kills the template (version deleted, node stopping). Environments already forked go with it. */
    void shutdown() {
        context.runOnContext(v -> end(new InitFailed(new Snapshots.Failure("Sandbox.Failure", "the snapshot was discarded"))));
    }

    private void onListening(AsyncResult<Integer> listening) {
        if (stage == Stage.ENDED) {
            api.close();
            stopped.complete(null);
            return;
        }
        if (listening.failed()) {
            end(new InitFailed(new Snapshots.Failure("Sandbox.Failure", "cannot open the Runtime API endpoint: "
                    + listening.cause().getMessage())));
            return;
        }
        int port = listening.result();
        blocking(() -> launch(port));
    }

    private void launch(int port) {
        try {
            Optional<RuntimeLaunch> how = runtimes.launch(spec.runtime(), spec.handler(), spec.memoryMb(),
                    spec.taskDir(), spec.optDir());
            if (how.isEmpty()) {
                fail("Runtime.InvalidEntrypoint", runtimes.unavailableReason(spec.runtime()));
                return;
            }
            RuntimeLaunch runtime = how.get();
            Map<String, String> environment = new HashMap<>(EnvironmentVariables.of(spec, settings, logStreamName,
                    "127.0.0.1:" + port, runtime));
            environment.put("HEARTH_SNAPSHOT_FORK", "1");
            SandboxSpec sandboxSpec = new SandboxSpec(id, runtime.command(), environment, spec.taskDir(),
                    runtime.runtimeDir(), spec.optDir(), runtime.extraReadOnly(), spec.ephemeralStorageMb(),
                    spec.memoryMb(), settings.pidLimit());
            String arn = new Arns(settings.region(), settings.accountId()).runtimeVersion(spec.runtime());
            String initStart = LogLines.initStart(runtime.runtimeVersion(), arn);
            long launchedAt = System.nanoTime();
            Sandbox launched = launcher.launch(sandboxSpec);
            context.runOnContext(v -> onLaunched(launched, launchedAt, initStart));
        } catch (IOException | RuntimeException e) {
            fail("Runtime.InvalidEntrypoint", e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    private void onLaunched(Sandbox started, long launchedAt, String initStart) {
        Sandbox launched = started;
        sandbox = launched;
        this.launched.complete(launched);
        if (stage == Stage.ENDED) {
            blocking(launched::close);
            return;
        }
        log.line(initStart);
        launchNanos = launchedAt;
        stage = Stage.INITIALISING;
        launched.exit().whenComplete((status, error) -> context.runOnContext(v -> onExit(status)));
        output.start(launched.stdout(), launched.stderr(), launched.pid());
        initTimer = vertx.setTimer(Math.max(1, initTimeout.toMillis()), t -> {
            initTimer = -1;
            if (stage == Stage.INITIALISING) {
                double millis = initMillis();
                log.line(LogLines.initReport(millis, new Fault.Timeout(LogLines.seconds(initTimeout))));
                end(new InitFailed(new Snapshots.Failure("Sandbox.Timedout",
                        "Init timed out after " + LogLines.seconds(initTimeout) + " seconds")));
            }
        });
    }

    private double initMillis() {
        return LogLines.roundTwoDecimals((System.nanoTime() - launchNanos) / 1e6);
    }

    private void onExit(ExitStatus status) {
        if (stage == Stage.ENDED) {
            finish();
            return;
        }
        String reason = "Runtime exited with error: " + (status != null ? status.describe() : "unknown");
        if (stage != Stage.SNAPSHOTTED) {
            log.line(LogLines.initReport(initMillis(), new Fault.Platform("Runtime.ExitError", reason)));
        } else {
            LOG.warn("the SnapStart template of {}:{} ended: {}", spec.functionName(), spec.version(), reason);
        }
        end(new InitFailed(new Snapshots.Failure("Runtime.ExitError", reason)));
    }

    // ---- Runtime API ----

    /** Init ran here, and clients made then keep this endpoint: it serves the Credentials API to the end. */
    @Override
    public java.util.Optional<EnvironmentSettings.Credentials> containerCredentials() {
        return java.util.Optional.of(settings.credentials());
    }

    @Override
    public void restoreNext(HttpServerResponse response) {
        if (stage != Stage.INITIALISING) {
            RuntimeApiServer.send(response, RuntimeApiServer.Reply.invalidStateTransition(stageName(), "RestoreReady"));
            return;
        }
        cancelInitTimer();
        log.line(LogLines.initReport(initMillis()));
        stage = Stage.SNAPSHOTTED;
        RuntimeApiServer.send(response, RuntimeApiServer.Reply.RESTORED);
        Sandbox attached = sandbox;
        blocking(() -> {
            try {
                ForkServer found = launcher.attachForkServer(attached)
                        .orElseThrow(() -> new IOException("this node's sandboxes cannot fork environments"));
                // The snapshot is part of each restored environment's MemorySize, as on AWS: measured now
                // (init and the before-snapshot hooks are done, no child forked yet).
                long snapshotBytes = found.countServerMemoryInChildren();
                LOG.debug("the SnapStart template of {}:{} holds {} bytes", spec.functionName(), spec.version(),
                        snapshotBytes);
                context.runOnContext(v -> {
                    server = found;
                    if (stage == Stage.ENDED) {
                        found.close();
                    } else {
                        // The first environment's child is forked ahead once its endpoint is bound (SnapshotTemplates).
                        ready.complete(found);
                    }
                });
            } catch (IOException | RuntimeException e) {
                LOG.warn("the SnapStart template of {}:{} does not serve forks: {}", spec.functionName(),
                        spec.version(), e.toString());
                context.runOnContext(v -> end(new InitFailed(new Snapshots.Failure("Sandbox.Failure",
                        "cannot attach to the snapshot's fork server: " + e.getMessage()))));
            }
        });
    }

    @Override
    public RuntimeApiServer.Reply initError(String errorType, RuntimeApiServer.Body body, String contentType) {
        if (stage != Stage.INITIALISING) {
            return RuntimeApiServer.Reply.invalidStateTransition(stageName(), "InitError");
        }
        cancelInitTimer();
        String type = ErrorBodies.reportedType(errorType);
        String message = "";
        try {
            message = JSON.readTree(body.bytes()).path("errorMessage").asText("");
        } catch (IOException | RuntimeException e) {
            // Not JSON: the type alone says what failed.
        }
        log.line(LogLines.initReport(initMillis(), new Fault.Reported(type, ErrorBodies.normaliseErrorType(type),
                body.bytes())));
        // The runtime exits by itself after reporting; end() kills it if it lingers.
        end(new InitFailed(new Snapshots.Failure(type, message)));
        return RuntimeApiServer.Reply.ACCEPTED;
    }

    @Override
    public void next(HttpServerResponse response) {
        RuntimeApiServer.send(response, RuntimeApiServer.Reply.invalidStateTransition(stageName(), "Ready"));
    }

    @Override
    public RuntimeApiServer.Reply response(String requestId, RuntimeApiServer.Body body, String contentType,
                                           String responseMode) {
        return RuntimeApiServer.Reply.invalidStateTransition(stageName(), "InvocationResponse");
    }

    @Override
    public RuntimeApiServer.Reply error(String requestId, String errorType, RuntimeApiServer.Body body,
                                        String contentType) {
        return RuntimeApiServer.Reply.invalidStateTransition(stageName(), "InvocationErrorResponse");
    }

    // ---- the end ----

    private void fail(String errorType, String message) {
        context.runOnContext(v -> {
            log.line(LogLines.initReport(launchNanos == 0 ? 0 : initMillis(), new Fault.Platform(errorType, message)));
            end(new InitFailed(new Snapshots.Failure(errorType, message)));
        });
    }

    /** Fails {@link #ready} if it is still open, kills the template and closes its endpoint. Idempotent. */
    private void end(InitFailed why) {
        if (stage == Stage.ENDED) {
            return;
        }
        stage = Stage.ENDED;
        cancelInitTimer();
        ready.completeExceptionally(why);
        if (server != null) {
            server.close();
        }
        api.close();
        if (sandbox == null) {
            stopped.complete(null); // the launch, when it reports back, closes what it started
            return;
        }
        Sandbox victim = sandbox;
        blocking(() -> {
            victim.close();
            context.runOnContext(v -> finish());
        });
    }

    private void finish() {
        stopped.complete(null);
    }

    private String stageName() {
        return stage == Stage.SNAPSHOTTED ? "RestoreReady" : "Started";
    }

    private void cancelInitTimer() {
        if (initTimer != -1) {
            vertx.cancelTimer(initTimer);
            initTimer = -1;
        }
    }

    private void blocking(Runnable task) {
        try {
            settings.blocking().execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
