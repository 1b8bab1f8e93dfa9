package dev.hearth.environment;

import dev.hearth.logs.FunctionLogs;
import dev.hearth.logs.LogStream;
import dev.hearth.logs.LogStreamNames;
import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.sandbox.SandboxLauncher;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link EnvironmentFactory} for this node: every environment gets a fresh id (32 hex digits, also the
 * tail of its log stream name and its sandbox id), a log stream, and the Vert.x context of the thread
 * that starts it — an environment started from an event loop shares that loop, which saves a thread hop
 * between the invoke path and the Runtime API — and that loop's Runtime API endpoint bound ahead, when
 * there is one ({@link EndpointSpares}). With stem cells on, a cold start first looks for a waiting
 * sandbox it can become ({@link StemCells}); the pool sees no difference.
 *
 * <p>Threading: {@link #start} runs on any thread and does no I/O; {@link #close} waits (bounded) for
 * the environments to stop unless it is called on a Vert.x thread, where it must not block.
 */
final class LocalEnvironmentFactory implements EnvironmentFactory {
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final Vertx vertx;
    private final SandboxLauncher launcher;
    private final ManagedRuntimes runtimes;
    private final FunctionLogs logs;
    private final Clock clock;
    private final EnvironmentSettings settings;
    private final Optional<StemCells> cells;
    private final Optional<SnapshotTemplates> snapshots;
    private final Set<RuntimeEnvironment> live = ConcurrentHashMap.newKeySet();
    private final EndpointSpares spares;
    private final RuntimeVersionArns versionArns;
    private volatile boolean closed;

    LocalEnvironmentFactory(Vertx vertx, SandboxLauncher launcher, ManagedRuntimes runtimes, FunctionLogs logs,
                            Clock clock, EnvironmentSettings settings, StemCellSettings cellSettings,
                            Optional<SnapshotTemplates> snapshots) {
        this.snapshots = snapshots;
        this.vertx = vertx;
        this.spares = new EndpointSpares(vertx);
        this.launcher = launcher;
        this.runtimes = runtimes;
        this.logs = logs;
        this.clock = clock;
        this.settings = settings;
        this.versionArns = new RuntimeVersionArns(settings);
        this.cells = cellSettings.enabled()
                ? Optional.of(new StemCells(launcher, cellSettings, settings.scratchDir(), settings.blocking()))
                : Optional.empty();
    }

    @Override
    public Environment start(EnvironmentSpec spec) {
        if (closed) {
            throw new IllegalStateException("the environment factory is closed; cannot start " + spec.functionName());
        }
        String id = newId();
        String streamName = LogStreamNames.of(clock.instant(), spec.version(), id);
        // Opened in the log store on its first line, after the interpreter's start (DeferredLogStream).
        LogStream stream = new DeferredLogStream(logs, spec.logGroup(), streamName);
        Context context = vertx.getOrCreateContext();
        RuntimeEnvironment environment = new RuntimeEnvironment(id, spec, streamName, vertx, context, launcher,
                cells, snapshots, runtimes, stream, clock, settings, spares, versionArns);
        live.add(environment);
        environment.stopped().whenComplete((v, e) -> live.remove(environment));
        environment.begin();
        return environment;
    }

    /**
     * 32 lowercase hex digits from {@link ThreadLocalRandom}: unique, not secret (the id is in the stream's
     * name, which the function and its log readers see), so not worth {@code UUID.randomUUID}'s read of
     * the system's entropy source under a lock on every start.
     */
    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
    }

    @Override
    public void close() {
        closed = true;
        spares.close();
        cells.ifPresent(StemCells::close);
        List<RuntimeEnvironment> stopping = List.copyOf(live);
        for (RuntimeEnvironment environment : stopping) {
            environment.shutdown("the node is shutting down");
        }
        if (Context.isOnVertxThread()) {
            return;
        }
        CompletableFuture<?>[] all = stopping.stream().map(Environment::stopped).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Shutdown goes on: the sandbox launcher's own close kills whatever is left.
        }
    }
}
