package dev.hearth.environment;

import dev.hearth.logs.LogStream;
import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.runtimes.RuntimeLaunch;
import dev.hearth.sandbox.ExitStatus;
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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An execution environment: one sandboxed runtime process, its own Runtime API endpoint, and the
 * lifecycle of {@link EnvironmentState} between them. It turns the runtime's Runtime API calls, its
 * output and its exit into invocation outcomes, reports and log lines.
 *
 * <p>Contract: one invocation at a time ({@link #invoke} is accepted while starting, initialising or
 * idle); the outcome completes when the runtime answers or the platform gives up (deadline, crash,
 * shutdown); the report completes when the runtime is back on {@code /next} or the environment has
 * stopped. After an init failure the environment is FAILED: {@link #isStopped} is true and every
 * invocation still handed to it fails at once with the init error, so that a caller racing the failure
 * gets the error rather than an exception.
 *
 * <p>Threading: every state change and every Runtime API request happens on {@link #context}, one
 * event loop, so the fields marked "context only" need no locks. Public methods may be called from any
 * thread: they read the volatile {@link #state}, claim the single invocation slot with a CAS, and hop to
 * the context. Blocking work — {@code runtimes.launch}, the sandbox launch and kills — runs on the
 * settings' virtual-thread executor; the process's output is read on the context ({@link ProcessOutput}).
 * Futures are completed on the context.
 *
 * <p>Longer than most classes because it is where the runtime's calls, the process's exit and the
 * timers meet, and each transition is easier to check next to the others; the log lines
 * ({@link InvocationLog}), the output ({@link ProcessOutput}), HTTP ({@link RuntimeApiServer}) and the
 * pure rules live elsewhere.
 */
final class RuntimeEnvironment implements Environment, RuntimeApiServer.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeEnvironment.class);
    /** How long a stopping sandbox gets to exit and drain its output; AWS caps shutdown at 2 s too. */
    private static final long STOP_GRACE_MILLIS = 2000;
    private static final long MIB = 1024 * 1024;
    private static final ExitStatus UNKNOWN_EXIT = new ExitStatus(OptionalInt.empty(), OptionalInt.empty(), false);

    private final String id;
    private final EnvironmentSpec spec;
    private final String logStreamName;
    private final Vertx vertx;
    private final Context context;
    private final SandboxLauncher launcher;
    /** Where a cold start first looks for a waiting sandbox it can become ({@link StemCells}). */
    private final Optional<StemCells> cells;
    /** Where a SnapStart version's environment is forked from its snapshot instead of started. */
    private final Optional<SnapshotTemplates> snapshots;
    private final ManagedRuntimes runtimes;
    private final Clock clock;
    private final EnvironmentSettings settings;
    private final RuntimeVersionArns versionArns;
    private final RuntimeApiServer api;
    private final InvocationLog log;
    private final ProcessOutput output;
    private final DeadlineTimer deadlines;
    private final long createdNanos;

    private final CompletableFuture<Void> initialized = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** The one invocation this environment holds, claimed by {@link #invoke} on any thread. */
    private final AtomicReference<InvocationRecord> claimed = new AtomicReference<>();
    /** Written on the context only; read anywhere. */
    private volatile EnvironmentState state = EnvironmentState.STARTING;
    private volatile long lastUsedNanos;

    // ---- context only ----------------------------------------------------------------------------
    private Sandbox sandbox;
    private boolean launching;
    private boolean exited;
    private boolean finalized;
    private long launchNanos;
    private long initTimer = -1;
    private long graceTimer = -1;
    /** The runtime's {@code GET /next} parked while it waits for work. */
    private HttpServerResponse parked;
    /** The runtime's {@code /next} after a result, held until its output has been logged. */
    private HttpServerResponse settlingNext;
    /** A first {@code /next} that beat the news of the launch to this context; handled once it arrives. */
    private HttpServerResponse earlyNext;
    /** The accepted invocation (delivered, or waiting for the runtime's {@code /next}). */
    private InvocationRecord current;
    /** The id of the last event handed to the runtime; results must name it. */
    private String lastDeliveredId;
    /** Why init failed, once FAILED: what every later invocation gets. */
    private Fault initFault;
    /** Forked from a SnapStart snapshot: its first {@code /next} ends a restore, not an init. Set before launch reports. */
    private volatile boolean forked;
    /** The port of the endpoint bound ahead that this environment took (SnapStart), else 0. */
    private final int preparedPort;
    /** The endpoint is not a SnapStart template's: once the sandbox is released, the next environment may use it. */
    private final boolean recyclable;
    /** Where an ended environment's endpoint is kept for the next one on its loop. */
    private final EndpointSpares spares;
    /** {@code restore/next} has been answered: until the first {@code /next}, the runtime is restoring. */
    private boolean restoreAnswered;

    RuntimeEnvironment(String id, EnvironmentSpec spec, String logStreamName, Vertx vertx, Context context,
                       SandboxLauncher launcher, Optional<StemCells> cells, Optional<SnapshotTemplates> snapshots,
                       ManagedRuntimes runtimes, LogStream stream, Clock clock, EnvironmentSettings settings,
                       EndpointSpares spares, RuntimeVersionArns versionArns) {
        this.id = id;
        this.spec = spec;
        this.logStreamName = logStreamName;
        this.vertx = vertx;
        // A SnapStart version's environment takes the endpoint its template bound ahead (and its context); any
        // other, one that EndpointSpares keeps on its loop (an ended environment's, else the spare), if there is one.
        Optional<RuntimeApiServer> template = snapshots.flatMap(s -> s.takeEndpoint(spec));
        this.recyclable = template.isEmpty();
        this.spares = spares;
        Optional<RuntimeApiServer> prepared = template.or(spares::take);
        this.context = prepared.map(RuntimeApiServer::context).orElse(context);
        this.launcher = launcher;
        this.cells = cells;
        this.snapshots = snapshots;
        this.runtimes = runtimes;
        this.clock = clock;
        this.settings = settings;
        this.versionArns = versionArns;
        RuntimeApiServer.PeerGate gate = settings.verifyRuntimePeers() ? this::admitsConnection : RuntimeApiServer.PeerGate.OPEN;
        this.api = prepared.isPresent() ? prepared.get().attach(this, gate) : new RuntimeApiServer(vertx, this, gate);
        this.preparedPort = prepared.map(p -> p.listen().result()).orElse(0);
        this.log = new InvocationLog(stream, clock, spec);
        this.output = new ProcessOutput(vertx, this.context, log::output, this::maybeFinish);
        this.deadlines = new DeadlineTimer(vertx, clock, this::currentDeadline, this::onDeadline);
        this.createdNanos = System.nanoTime();
        this.lastUsedNanos = createdNanos;
    }

    /**
     * Opens the endpoint, then launches the runtime. Called once, by the factory. With an endpoint bound
     * ahead (SnapStart's, or a loop's spare) and called on a virtual thread (the pool's), launches right here: the fork costs this
     * thread one write, and neither the context's turn nor a hop to another thread is on the restore's path.
     */
    void begin() {
        if (preparedPort != 0 && Thread.currentThread().isVirtual()) {
            launching = true;
            launch(preparedPort);
            return;
        }
        context.runOnContext(v -> api.listen().onComplete(this::onListening));
    }

    // ---- Environment -----------------------------------------------------------------------------

    @Override
    public String id() {
        return id;
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    @Override
    public Invocation invoke(InvokeRequest request) {
        Objects.requireNonNull(request, "request");
        EnvironmentState now = state;
        InvocationRecord invocation = new InvocationRecord(request, System.nanoTime());
        if (now == EnvironmentState.FAILED) {
            context.runOnContext(v -> failAtOnce(invocation));
            return invocation;
        }
        if (!now.acceptsInvocations()) {
            throw new IllegalStateException(this + " cannot take invocation " + request.requestId());
        }
        if (!claimed.compareAndSet(null, invocation)) {
            throw new IllegalStateException(this + " already runs an invocation; it cannot take " + request.requestId());
        }
        context.runOnContext(v -> accept(invocation));
        return invocation;
    }

    @Override
    public boolean isIdle() {
        return state == EnvironmentState.IDLE && claimed.get() == null;
    }

    @Override
    public boolean isStopped() {
        return state.isTerminal();
    }

    @Override
    public CompletableFuture<Void> initialized() {
        return initialized;
    }

    @Override
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    @Override
    public void shutdown(String reason) {
        context.runOnContext(v -> terminate(
                new Fault.Platform("Sandbox.Failure", "Execution environment shut down: " + reason),
                EnvironmentState.STOPPED, true, true));
    }

    @Override
    public long lastUsedNanos() {
        return lastUsedNanos;
    }

    @Override
    public String toString() {
        return "execution environment " + id + " of " + spec.functionName() + ":" + spec.version() + " (" + state + ")";
    }

    // ---- start-up --------------------------------------------------------------------------------

    private void onListening(AsyncResult<Integer> listening) {
        if (finalized) {
            api.close();
            return;
        }
        if (listening.failed()) {
            terminate(new Fault.Platform("Sandbox.Failure", "cannot open the Runtime API endpoint: "
                    + listening.cause().getMessage()), EnvironmentState.FAILED, false, true);
            return;
        }
        if (state.isTerminal()) {
            maybeFinish();
            return;
        }
        int port = listening.result();
        launching = true;
        runBlocking(() -> launch(port),
                () -> onLaunchFailed(new Fault.Platform("Sandbox.Failure", "the node is shutting down")));
    }

    /**
     * On a virtual thread: resolves the runtime, builds the process environment, forks the sandbox or
     * specialises a stem cell into it.
     */
    private void launch(int port) {
        try {
            settings.startGate().acquire();
            startPermit.set(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.runOnContext(v -> onLaunchFailed(new Fault.Platform("Sandbox.Failure", "the node is shutting down")));
            return;
        }
        try {
            Optional<RuntimeLaunch> how = runtimes.launch(spec.runtime(), spec.handler(), spec.memoryMb(),
                    spec.taskDir(), spec.optDir());
            if (how.isEmpty()) {
                Fault fault = new Fault.Platform("Runtime.InvalidEntrypoint", runtimes.unavailableReason(spec.runtime()));
                context.runOnContext(v -> onLaunchFailed(fault));
                return;
            }
            RuntimeLaunch runtime = how.get();
            Map<String, String> environment = EnvironmentVariables.of(spec, settings, logStreamName,
                    "127.0.0.1:" + port, runtime);
            SandboxSpec sandboxSpec = new SandboxSpec(id, runtime.command(), environment, spec.taskDir(),
                    runtime.runtimeDir(), spec.optDir(), runtime.extraReadOnly(), spec.ephemeralStorageMb(),
                    spec.memoryMb(), settings.pidLimit());
            Optional<dev.hearth.sandbox.ForkServer> snapshot = snapshots.flatMap(s -> s.forkServerFor(spec));
            if (snapshot.isPresent()) {
                // SnapStart: a fork of the version's snapshot; the restore clock runs from the fork request.
                long restoreFrom = System.nanoTime();
                String restoreStart = LogLines.restoreStart(runtime.runtimeVersion(), runtimeVersionArn());
                forked = true;
                try {
                    // The spare connected ahead to this endpoint (when it took the one bound ahead) is the child.
                    Sandbox child = snapshot.get().fork(new dev.hearth.sandbox.ForkServer.Request(id, environment,
                            spec.memoryMb(), settings.pidLimit(), spec.ephemeralStorageMb(), Optional.empty(),
                            Optional.of(SnapshotTemplates.address(port))));
                    // The child connected before reporting its port: its connection is admitted from here,
                    // without waiting for the context's turn, and its restore/next (asked ahead) is answered on
                    // the context before onLaunched runs (0.2-0.4 ms): the child may be waiting for that answer.
                    launchedSandbox.complete(child);
                    context.runOnContext(v -> {
                        log.line(restoreStart);
                        onLaunched(child, restoreFrom);
                    });
                    return;
                } catch (IOException e) {
                    // The snapshot is gone (its template died): this environment starts as a cold one instead.
                    LOG.warn("{}: cannot fork from the snapshot, starting without it: {}", this, e.toString());
                    forked = false;
                }
            }
            String initStart = LogLines.initStart(runtime.runtimeVersion(), runtimeVersionArn());
            context.runOnContext(v -> log.initStart(initStart));
            long launchedAt = System.nanoTime();
            // A stem cell becomes this sandbox when one matches; Init Duration then counts from here as well.
            Optional<Sandbox> cell = cells.flatMap(c -> c.take(sandboxSpec, spec.runtime()));
            Sandbox launched = cell.isPresent() ? cell.get() : launcher.launch(sandboxSpec);
            context.runOnContext(v -> onLaunched(launched, launchedAt));
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot launch the runtime: {}", this, e.toString());
            String reason = e.getMessage() != null ? e.getMessage() : e.toString();
            Fault fault = new Fault.Platform("Runtime.InvalidEntrypoint", reason);
            context.runOnContext(v -> onLaunchFailed(fault));
        }
    }

    /** The ARN GetFunction reports as RuntimeVersionArn, so that INIT_START names the same version. */
    private String runtimeVersionArn() {
        return versionArns.of(spec.runtime());
    }

    private void onLaunchFailed(Fault fault) {
        launching = false;
        releaseStartPermit();
        if (state.isTerminal()) {
            maybeFinish();
        } else {
            terminate(fault, EnvironmentState.FAILED, false, true);
        }
    }

    /** Completes with the sandbox once it is launched; the peer gate waits on it. */
    private final java.util.concurrent.CompletableFuture<Sandbox> launchedSandbox = new java.util.concurrent.CompletableFuture<>();

    /**
     * The Runtime API's peer gate: a connection is served only if its client end belongs to this
     * environment's sandbox. Asked on the context; answered off the event loop: on the launching virtual
     * thread when the sandbox is not known yet, else on a blocking one.
     */
    private java.util.concurrent.CompletableFuture<Boolean> admitsConnection(int clientPort, int serverPort) {
        java.util.concurrent.CompletableFuture<Boolean> verdict = new java.util.concurrent.CompletableFuture<>();
        launchedSandbox.thenAccept(s -> {
            Runnable check = () -> {
                try {
                    verdict.complete(s.ownsLoopbackConnection(clientPort, serverPort));
                } catch (RuntimeException e) {
                    verdict.completeExceptionally(e);
                }
            };
            if (io.vertx.core.Context.isOnEventLoopThread()) {
                settings.blocking().execute(check);
            } else {
                check.run();
            }
        });
        return verdict;
    }

    private void onLaunched(Sandbox launched, long launchedAt) {
        launching = false;
        sandbox = launched;
        launchedSandbox.complete(launched);
        if (finalized) {
            // Stopped for good while the launch was still running: nothing will watch this sandbox.
            releaseStartPermit();
            runBlocking(launched::close, launched::close);
            return;
        }
        launched.exit().whenComplete((status, error) ->
                context.runOnContext(v -> onExit(status != null ? status : UNKNOWN_EXIT)));
        output.start(launched);
        if (state.isTerminal()) {
            releaseStartPermit();
            killSandbox();
            return;
        }
        launchNanos = launchedAt;
        move(EnvironmentState.INITIALISING);
        initTimer = vertx.setTimer(Math.max(1, settings.initTimeout().toMillis()), t -> onInitTimeout());
        if (earlyNext != null) {
            HttpServerResponse first = earlyNext;
            earlyNext = null;
            next(first);
        }
    }

    private void onInitTimeout() {
        initTimer = -1;
        if (state == EnvironmentState.INITIALISING) {
            terminate(new Fault.Timeout(LogLines.seconds(settings.initTimeout())), EnvironmentState.FAILED, false, true);
        }
    }

    private void onExit(ExitStatus status) {
        exited = true;
        if (!state.isTerminal()) {
            boolean initialising = state == EnvironmentState.STARTING || state == EnvironmentState.INITIALISING;
            terminate(exitFault(status), initialising ? EnvironmentState.FAILED : EnvironmentState.STOPPED, false, true);
        }
        maybeFinish();
    }

    private static Fault exitFault(ExitStatus status) {
        String type = status.oomKilled() ? "Runtime.OutOfMemory" : "Runtime.ExitError";
        boolean clean = status.signal().isEmpty() && status.exitCode().orElse(-1) == 0;
        return new Fault.Platform(type, clean ? "Runtime exited without providing a reason"
                : "Runtime exited with error: " + status.describe());
    }

    // ---- invocations -----------------------------------------------------------------------------

    private void accept(InvocationRecord invocation) {
        switch (state) {
            case STARTING, INITIALISING -> {
                current = invocation;
                armDeadline(invocation);
            }
            case IDLE -> {
                current = invocation;
                armDeadline(invocation);
                HttpServerResponse next = takeParked();
                if (next != null) {
                    deliver(invocation, next);
                }
            }
            default -> {
                // The environment ended between invoke() and this hop.
                claimed.compareAndSet(invocation, null);
                failAtOnce(invocation);
            }
        }
    }

    private void armDeadline(InvocationRecord invocation) {
        deadlines.arm(invocation.request.deadlineEpochMillis());
    }

    /** The deadline {@link #deadlines} enforces: the invocation in flight's, if any. */
    private long currentDeadline() {
        InvocationRecord invocation = current;
        return invocation != null ? invocation.request.deadlineEpochMillis() : DeadlineTimer.NONE;
    }

    private void onDeadline() {
        terminate(new Fault.Timeout(LogLines.seconds(Duration.ofSeconds(spec.timeoutSeconds()))),
                EnvironmentState.STOPPED, false, true);
    }

    private HttpServerResponse takeParked() {
        HttpServerResponse next = parked;
        parked = null;
        return next != null && !next.closed() ? next : null;
    }

    private void park(HttpServerResponse next) {
        parked = next;
        next.closeHandler(v -> {
            // The runtime hung up while waiting (it may reconnect): forget the dead long poll.
            if (parked == next) {
                parked = null;
            }
        });
    }

    private void deliver(InvocationRecord invocation, HttpServerResponse next) {
        move(EnvironmentState.INVOKING);
        invocation.delivered = true;
        invocation.startNanos = System.nanoTime();
        lastDeliveredId = invocation.requestId();
        // The event first, START after it: the line only queues for the log writer, and the runtime's
        // output is read on this same context later, so START still precedes it in the stream.
        RuntimeApiServer.sendEvent(next, invocation.request);
        log.start(invocation);
    }

    /** The runtime called {@code /next} after its result and its output is logged: the invocation is over. */
    private void finishInvocation(HttpServerResponse next) {
        InvocationRecord done = current;
        current = null;
        // The deadline timer stays armed: it re-arms for the next invocation or ends (DeadlineTimer).
        InvokeReport report = log.end(done, true, maxMemoryUsedMb());
        move(EnvironmentState.IDLE);
        park(next);
        lastUsedNanos = System.nanoTime();
        // Released before the report completes, so that a pool reacting to the report finds this idle.
        claimed.compareAndSet(done, null);
        done.report().complete(report);
    }

    /** An invocation that reached an environment that had already ended: it fails at once. */
    private void failAtOnce(InvocationRecord invocation) {
        invocation.fault = initFault != null ? initFault
                : new Fault.Platform("Sandbox.Failure", "the execution environment " + id + " has stopped");
        invocation.faultAt = clock.instant();
        invocation.resultNanos = System.nanoTime();
        String requestId = invocation.requestId();
        invocation.outcome().complete(new InvokeOutcome.Failure(invocation.fault.errorType(),
                invocation.fault.body(requestId)));
        invocation.report().complete(log.failedAtOnce(invocation, maxMemoryUsedMb()));
    }

    private long maxMemoryUsedMb() {
        if (sandbox != null) {
            try {
                // A cgroup counter: a pseudo-file read, no disk, cheap enough for the event loop.
                OptionalLong peak = sandbox.maxMemoryUsedBytes();
                if (peak.isPresent()) {
                    return (peak.getAsLong() + MIB - 1) / MIB;
                }
            } catch (RuntimeException e) {
                LOG.debug("{}: cannot read peak memory: {}", this, e.toString());
            }
        }
        // Unmeasurable here (no cgroups): AWS always prints a figure, and the configured size is the one
        // bound that is certainly true.
        return spec.memoryMb();
    }

    // ---- Runtime API -----------------------------------------------------------------------------

    @Override
    public void next(HttpServerResponse response) {
        switch (state) {
            // The process runs as soon as it is forked, so a quick runtime can ask before the launching
            // thread has reported back; its question waits for that report.
            case STARTING -> earlyNext = response;
            case INITIALISING -> {
                cancelInitTimer();
                double initMillis = LogLines.roundTwoDecimals((System.nanoTime() - launchNanos) / 1e6);
                // What init printed (the function's top-level code, after-restore hooks) goes before
                // RESTORE_REPORT and START: the runtime wrote it before asking, but the poller may not have
                // handed it over yet (with native pipes this drains them at once).
                output.afterSettled(() -> initialised(response, initMillis));
            }
            case IDLE -> {
                if (current != null) {
                    // Accepted while the runtime had no /next open (it had hung up and reconnected).
                    deliver(current, response);
                } else {
                    // A second long poll replaces the first: the runtime may have given up on the old
                    // connection before this endpoint noticed it close.
                    refuseNext(takeParked());
                    park(response);
                }
            }
            case RESPONDED -> {
                HttpServerResponse previous = settlingNext;
                settlingNext = response;
                if (previous != null) {
                    refuseNext(previous);
                    return;
                }
                InvocationRecord done = current;
                output.afterSettled(() -> {
                    HttpServerResponse next = settlingNext;
                    settlingNext = null;
                    if (state == EnvironmentState.RESPONDED && current == done && next != null) {
                        finishInvocation(next);
                    }
                });
            }
            default -> refuseNext(response);
        }
    }

    /** The runtime's first {@code /next}, once init's output is in the log: the init (or restore) is over. */
    private void initialised(HttpServerResponse response, double initMillis) {
        if (state != EnvironmentState.INITIALISING) {
            refuseNext(response); // stopped or failed while its output settled
            return;
        }
        if (forked) {
            log.restoreDuration(initMillis);
            log.line(LogLines.restoreReport(initMillis));
        } else {
            log.initDuration(initMillis);
        }
        if (current != null) {
            deliver(current, response);
        } else {
            move(EnvironmentState.IDLE);
            park(response);
        }
        // After the state change, so that whoever waits for init finds the environment idle.
        initialized.complete(null);
    }

    private void refuseNext(HttpServerResponse response) {
        if (response != null) {
            RuntimeApiServer.send(response, RuntimeApiServer.Reply.invalidStateTransition(state.runtimeApiName(), "Ready"));
        }
    }

    @Override
    public RuntimeApiServer.Reply response(String requestId, RuntimeApiServer.Body body, String contentType,
                                           String responseMode) {
        RuntimeApiServer.Reply refused = refuseResult(requestId, "InvocationResponse");
        if (refused != null) {
            return refused;
        }
        InvocationRecord invocation = current;
        invocation.resultNanos = System.nanoTime();
        move(EnvironmentState.RESPONDED);
        if (responseMode != null && !responseMode.isEmpty() && !"streaming".equals(responseMode)) {
            invocation.outcome().complete(new InvokeOutcome.Failure("Runtime.InvalidResponseModeHeader",
                    ErrorBodies.utf8(ErrorBodies.typeFirst("Runtime.InvalidResponseModeHeader",
                            "Invalid Lambda-Runtime-Function-Response-Mode header: " + responseMode))));
            return RuntimeApiServer.Reply.INVALID_RESPONSE_MODE;
        }
        if (body.tooLarge()) {
            invocation.outcome().complete(ErrorBodies.responseTooLarge());
            return RuntimeApiServer.Reply.TOO_LARGE;
        }
        String type = contentType == null || contentType.isEmpty() ? "application/json" : contentType;
        invocation.outcome().complete(new InvokeOutcome.Success(body.bytes(), type));
        return RuntimeApiServer.Reply.ACCEPTED;
    }

    @Override
    public RuntimeApiServer.Reply error(String requestId, String errorType, RuntimeApiServer.Body body,
                                        String contentType) {
        RuntimeApiServer.Reply refused = refuseResult(requestId, "InvocationErrorResponse");
        if (refused != null) {
            return refused;
        }
        InvocationRecord invocation = current;
        invocation.resultNanos = System.nanoTime();
        move(EnvironmentState.RESPONDED);
        if (body.tooLarge()) {
            invocation.outcome().complete(ErrorBodies.responseTooLarge());
            return RuntimeApiServer.Reply.TOO_LARGE;
        }
        invocation.outcome().complete(new InvokeOutcome.Failure(ErrorBodies.reportedType(errorType),
                ErrorBodies.forCaller(body.bytes(), contentType)));
        return RuntimeApiServer.Reply.ACCEPTED;
    }

    /**
     * SnapStart: a forked environment is restored already, and one started ordinarily (no snapshot could
     * be used) has nothing to wait for; either way the answer is 200 at once, once, and only with init type
     * {@code snap-start}.
     */
    @Override
    public void restoreNext(HttpServerResponse response) {
        if (restoreAnswered || !EnvironmentVariables.SNAP_START.equals(spec.initializationType())
                || state != EnvironmentState.STARTING && state != EnvironmentState.INITIALISING) {
            RuntimeApiServer.send(response, RuntimeApiServer.Reply.invalidStateTransition(
                    restoreAnswered ? "Restoring" : state.runtimeApiName(), "RestoreReady"));
            return;
        }
        restoreAnswered = true;
        RuntimeApiServer.send(response, RuntimeApiServer.Reply.RESTORED);
    }

    /** An after-restore hook failed: as an init error, reported with the runtime's type. */
    /** A SnapStart environment's credentials come from its Runtime API (see {@link ContainerCredentials}). */
    @Override
    public java.util.Optional<EnvironmentSettings.Credentials> containerCredentials() {
        return EnvironmentVariables.SNAP_START.equals(spec.initializationType())
                ? java.util.Optional.of(settings.credentials()) : java.util.Optional.empty();
    }

    @Override
    public RuntimeApiServer.Reply restoreError(String errorType, RuntimeApiServer.Body body, String contentType) {
        if (!restoreAnswered || state != EnvironmentState.STARTING && state != EnvironmentState.INITIALISING) {
            return RuntimeApiServer.Reply.invalidStateTransition(state.runtimeApiName(), "RestoreError");
        }
        return initError(errorType, body, contentType);
    }

    @Override
    public RuntimeApiServer.Reply initError(String errorType, RuntimeApiServer.Body body, String contentType) {
        if (state != EnvironmentState.STARTING && state != EnvironmentState.INITIALISING) {
            return RuntimeApiServer.Reply.invalidStateTransition(state.runtimeApiName(), "InitError");
        }
        String type = ErrorBodies.reportedType(errorType);
        byte[] payload = body.tooLarge()
                ? ErrorBodies.utf8(ErrorBodies.typeFirst(type, "The init error exceeded the maximum allowed payload size ("
                        + ErrorBodies.MAX_PAYLOAD_BYTES + " bytes)."))
                : ErrorBodies.forCaller(body.bytes(), contentType);
        // The runtime exits by itself after reporting (and may still be printing its error); it is only
        // killed if it lingers past the grace period.
        terminate(new Fault.Reported(type, ErrorBodies.normaliseErrorType(type), payload), EnvironmentState.FAILED,
                false, false);
        return RuntimeApiServer.Reply.ACCEPTED;
    }

    /**
     * RAPID's order: with no event ever handed out there is nothing to answer (403); otherwise the id must
     * be the last event's (400), and that event must still await its result (403).
     */
    private RuntimeApiServer.Reply refuseResult(String requestId, String target) {
        if (lastDeliveredId == null) {
            return RuntimeApiServer.Reply.invalidStateTransition(state.runtimeApiName(), target);
        }
        if (!lastDeliveredId.equals(requestId)) {
            return RuntimeApiServer.Reply.INVALID_REQUEST_ID;
        }
        if (state != EnvironmentState.INVOKING) {
            return RuntimeApiServer.Reply.invalidStateTransition(state.runtimeApiName(), target);
        }
        return null;
    }

    // ---- the end ---------------------------------------------------------------------------------

    /**
     * Ends the environment for {@code fault}: the caller of the invocation in flight gets its error at
     * once and the sandbox is killed (or, when {@code killNow} is false, given the grace period to exit by
     * itself, as a runtime does after {@code /init/error}). The invocation's log lines and
     * {@link #stopped} follow in {@link #finish}, once the process has exited and its output is drained
     * (or after the grace period), so that the function's last words come before the platform's.
     * Idempotent.
     */
    private void terminate(Fault fault, EnvironmentState terminal, boolean shuttingDown, boolean killNow) {
        if (state.isTerminal()) {
            return;
        }
        boolean initialising = state == EnvironmentState.STARTING || state == EnvironmentState.INITIALISING;
        long now = System.nanoTime();
        cancelInitTimer();
        move(terminal);
        if (terminal == EnvironmentState.FAILED) {
            initFault = fault;
        }
        if (initialising) {
            double millis = LogLines.roundTwoDecimals((now - (launchNanos != 0 ? launchNanos : createdNanos)) / 1e6);
            if (forked) {
                log.restoreDuration(millis);
            } else {
                log.initDuration(millis);
            }
            if (!shuttingDown) {
                log.line(LogLines.initReport(millis, fault));
            }
            initialized.completeExceptionally(new IllegalStateException(this + " failed to initialise: " + fault.errorType()));
        }
        parked = null;
        settlingNext = null;
        earlyNext = null;
        InvocationRecord invocation = current;
        deadlines.cancel();
        if (invocation != null) {
            invocation.fault = fault;
            invocation.faultAt = clock.instant();
            if (invocation.resultNanos == 0) {
                invocation.resultNanos = now;
            }
            if (!invocation.outcome().isDone()) {
                invocation.outcome().complete(new InvokeOutcome.Failure(fault.errorType(), fault.body(invocation.requestId())));
            }
        }
        if (killNow) {
            killSandbox();
        }
        graceTimer = vertx.setTimer(STOP_GRACE_MILLIS, t -> {
            graceTimer = -1;
            LOG.warn("{}: the sandbox did not exit and drain within {} ms of being stopped", this, STOP_GRACE_MILLIS);
            killSandbox();
            finish();
        });
        maybeFinish();
    }

    private void maybeFinish() {
        if (finalized || !state.isTerminal() || launching) {
            return;
        }
        if (sandbox != null && (!exited || !output.ended())) {
            return;
        }
        finish();
    }

    /** Writes the last invocation's lines and report, closes the endpoint, releases the sandbox. */
    private void finish() {
        if (finalized) {
            return;
        }
        finalized = true;
        releaseStartPermit();
        if (graceTimer != -1) {
            vertx.cancelTimer(graceTimer);
            graceTimer = -1;
        }
        InvocationRecord invocation = current;
        current = null;
        if (invocation != null) {
            if (!invocation.delivered) {
                log.start(invocation);
            }
            log.fault(invocation);
            InvokeReport report = log.end(invocation, false, maxMemoryUsedMb());
            lastUsedNanos = System.nanoTime();
            claimed.compareAndSet(invocation, null);
            invocation.report().complete(report);
        }
        Sandbox released = sandbox;
        if (recyclable && released != null) {
            // The port stays bound for the next environment on this loop, but only once this sandbox is gone.
            api.detach();
            Runnable release = () -> {
                boolean gone = false;
                try {
                    released.close();
                    gone = true;
                } catch (RuntimeException e) {
                    LOG.warn("{}: cannot release the sandbox: {}", this, e.toString());
                } finally {
                    if (gone) {
                        spares.offer(api);
                    } else {
                        api.close();
                    }
                    stopped.complete(null);
                }
            };
            runBlocking(release, release);
            return;
        }
        api.close().onComplete(closed -> {
            if (released == null) {
                stopped.complete(null);
                return;
            }
            Runnable release = () -> {
                try {
                    released.close();
                } catch (RuntimeException e) {
                    LOG.warn("{}: cannot release the sandbox: {}", this, e.toString());
                } finally {
                    stopped.complete(null);
                }
            };
            runBlocking(release, release);
        });
    }

    private void killSandbox() {
        if (sandbox != null && !exited) {
            Sandbox victim = sandbox;
            runBlocking(victim::kill, victim::kill);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void move(EnvironmentState next) {
        state = state.moveTo(next);
        if (next != EnvironmentState.STARTING && next != EnvironmentState.INITIALISING) {
            releaseStartPermit();
        }
    }

    /** Whether this environment holds a permit of the node's start gate (from launch until init ends). */
    private final java.util.concurrent.atomic.AtomicBoolean startPermit = new java.util.concurrent.atomic.AtomicBoolean();

    /** Gives the start gate's permit back, once: init ended (ready or failed) or the start was abandoned. */
    private void releaseStartPermit() {
        if (startPermit.compareAndSet(true, false)) {
            settings.startGate().release();
        }
    }

    private void cancelInitTimer() {
        if (initTimer != -1) {
            vertx.cancelTimer(initTimer);
            initTimer = -1;
        }
    }

    /**
     * Runs {@code task} on the blocking executor; if that executor refuses (the node is going down),
     * runs {@code fallback} here instead, so that nothing waits forever for work that never starts.
     */
    private void runBlocking(Runnable task, Runnable fallback) {
        try {
            settings.blocking().execute(task);
        } catch (RejectedExecutionException e) {
            fallback.run();
        }
    }
}
