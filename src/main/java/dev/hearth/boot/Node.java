package dev.hearth.boot;

import dev.hearth.api.AliasRoutes;
import dev.hearth.api.EventInvokeConfigRoutes;
import dev.hearth.api.HttpApi;
import dev.hearth.api.MetricsRoutes;
import dev.hearth.api.ConcurrencyRoutes;
import dev.hearth.api.InvokeRoutes;
import dev.hearth.api.LambdaRoutes;
import dev.hearth.api.LayerRoutes;
import dev.hearth.api.VersionRoutes;
import dev.hearth.api.LogsRoutes;
import dev.hearth.async.AsyncInvocations;
import dev.hearth.async.AsyncMetrics;
import dev.hearth.config.HearthConfig;
import dev.hearth.core.Arns;
import dev.hearth.core.Ids;
import dev.hearth.environment.EnvironmentFactory;
import dev.hearth.environment.EnvironmentSettings;
import dev.hearth.environment.StemCellSettings;
import dev.hearth.invoke.InvocationRouter;
import dev.hearth.logs.FunctionLogs;
import dev.hearth.logs.LogGroups;
import dev.hearth.logs.LogJanitor;
import dev.hearth.metrics.NodeMetrics;
import dev.hearth.pool.EnvironmentPool;
import dev.hearth.registry.ConcurrencyRegistry;
import dev.hearth.registry.EventInvokeConfigs;
import dev.hearth.registry.FunctionRegistry;
import dev.hearth.registry.Registries;
import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.sandbox.Isolation;
import dev.hearth.sandbox.SandboxLauncher;
import dev.hearth.sandbox.Sandboxes;
import dev.hearth.store.CodeStore;
import dev.hearth.store.Database;
import dev.hearth.store.Stores;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * The composition root: builds every component of a node by constructor from its configuration,
 * starts them in dependency order (data dir, store, registry, sandbox launcher, runtimes, logs,
 * environments, pool, router, HTTP) and closes them in reverse.
 *
 * <p>Thread-safe to {@link #close} from a shutdown hook while another thread waits in
 * {@link #awaitClose}.
 */
public final class Node implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Node.class);

    /** How often retention and the log disk cap are enforced, and how often the cap's cheap trigger looks. */
    private static final java.time.Duration LOG_SWEEP_EVERY = java.time.Duration.ofMinutes(1);
    private static final java.time.Duration LOG_CAP_CHECK_EVERY = java.time.Duration.ofSeconds(5);

    private final HearthConfig config;
    private final Deque<AutoCloseable> closeInReverse = new ArrayDeque<>();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private int port;
    private Isolation isolation;

    private Node(HearthConfig config) {
        this.config = config;
    }

    /** Starts a node; returns once it is listening. Throws {@link NodeStartException} with a one-line reason. */
    public static Node start(HearthConfig config) {
        return start(config, Clock.systemUTC(), Ids.random());
    }

    public static Node start(HearthConfig config, Clock clock, Ids ids) {
        return start(config, clock, ids, UnaryOperator.identity());
    }

    /**
     * Starts a node whose sandbox launcher is the detected one wrapped by {@code launchers}: the benchmark
     * harness runs some functions in-process this way. Everything else is as {@link #start(HearthConfig)}.
     */
    public static Node start(HearthConfig config, Clock clock, Ids ids, UnaryOperator<SandboxLauncher> launchers) {
        Node node = new Node(config);
        try {
            node.build(clock, ids, launchers);
            return node;
        } catch (Throwable failure) {
            // Throwable, not RuntimeException: Vert.x's await() rethrows checked causes (a BindException)
            // undeclared, and whatever went wrong, the data dir lock and threads already taken must go.
            try {
                node.close();
            } catch (RuntimeException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
    }

    private void build(Clock clock, Ids ids, UnaryOperator<SandboxLauncher> launchers) {
        DataDir dataDir = own(DataDir.open(config.dataDir()));
        Path root = dataDir.root();
        Database db = own(Database.open(root.resolve("hearth.db")));
        CodeStore code = new CodeStore(root.resolve("code"));
        ExecutorService virtualThreads = own(Executors.newVirtualThreadPerTaskExecutor());
        Arns arns = new Arns(config.region(), config.accountId());
        // SnapStart: publishing waits for the snapshot, which the data path below makes (bound once built).
        dev.hearth.registry.SnapshotGate snapshotGate = new dev.hearth.registry.SnapshotGate();
        Registries.Parts registry = Registries.create(Stores.functions(db), Stores.layers(db), code, arns, ids, clock,
                virtualThreads, snapshotGate);
        FunctionRegistry functions = registry.registry();
        functions.recover();

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
        own(() -> vertx.close().await());

        // The data path of ARCHITECTURE §1, bottom up: sandbox, runtimes and logs, environments, pool, router.
        SandboxLauncher launcher = own(launchers.apply(Sandboxes.detect(root.resolve("sandbox"))));
        isolation = launcher.isolation();
        if (!isolation.complete()) {
            LOG.warn("functions run with reduced isolation on this machine: {} (run 'hearth doctor' for details)",
                    String.join("; ", isolation.advice()));
        }
        ManagedRuntimes runtimes = own(ManagedRuntimes.create(root.resolve("runtimes")));
        FunctionLogs logs = own(FunctionLogs.create(root.resolve("logs"), clock));
        LogGroups logGroups = LogGroups.create(root.resolve("logs"), logs, clock);
        own(LogJanitor.start(logGroups, logs, config.logs().diskCapMb() * 1024 * 1024, LOG_SWEEP_EVERY,
                LOG_CAP_CHECK_EVERY));
        EnvironmentSettings settings = EnvironmentSettings.defaults(root.resolve("environments"), virtualThreads)
                .withRegion(config.region(), config.accountId());
        // Stem cells come out of the memory budget, at their cgroup's cap each, and take at most a quarter of it.
        StemCellSettings cells = StemCellSettings.off();
        if (config.stemCells() > 0) {
            cells = StemCellSettings.defaults().withPerRuntime(config.stemCells())
                    .withinMemoryMb(config.concurrency().memoryBudgetMb() / 4);
        }
        long environmentBudgetMb = config.concurrency().memoryBudgetMb() - cells.reservedMemoryMb();
        dev.hearth.environment.Snapshots snapshots = own(dev.hearth.environment.Snapshots.create(vertx, launcher,
                runtimes, logs, clock, settings));
        EnvironmentFactory environments = own(EnvironmentFactory.create(vertx, launcher, runtimes, logs, clock, settings,
                cells, snapshots));
        EnvironmentPool pool = own(EnvironmentPool.create(environments, virtualThreads, config.keepAlive(), vertx,
                environmentBudgetMb, config.concurrency().scaleUpPerTenSeconds()));
        registry.directory().addListener((name, version, now) ->
                pool.retire(name, version, now.map(InvocationRouter::poolKey)));
        snapshots.countMemoryIn(pool::holdMemory);
        ConcurrencyRegistry concurrency = ConcurrencyRegistry.create(Stores.concurrency(db), registry.directory(), arns,
                config.concurrency().accountLimit(), clock);
        InvocationRouter router = InvocationRouter.create(registry.directory(), pool, code, arns, clock, concurrency);
        snapshotGate.bind(version -> snapshots.prepare(InvocationRouter.snapshotSpec(router, version))
                .thenApply(failed -> failed.map(f -> "Lambda could not create the snapshot: " + f.errorType() + ": "
                        + f.errorMessage())));
        registry.directory().addListener((name, version, now) -> {
            if (now.isEmpty()) {
                snapshots.discard(arns.function(name), version);
            }
        });
        own(InvocationRouter.provision(router, concurrency, registry.directory(), pool));
        concurrency.recover();

        LambdaRoutes lambda = new LambdaRoutes(functions, arns, clock, config.publicUrl(), concurrency);
        // Async invocation: started after the router, closed before the pool (closing leaves in-flight
        // events leased in the store; the next start runs them again).
        EventInvokeConfigs eventInvokeConfigs = EventInvokeConfigs.create(registry.directory(),
                Stores.eventInvokeConfigs(db), arns, clock, !config.async().sqsEndpoint().isEmpty());
        AsyncInvocations async = own(AsyncInvocations.create(Stores.eventQueue(db), router, registry.directory(),
                eventInvokeConfigs, arns, ids, clock, virtualThreads, config.async()));
        async.start();
        NodeMetrics metrics = NodeMetrics.create();
        AsyncMetrics.bind(metrics, async);
        InvokeRoutes invoke = new InvokeRoutes(router, async);
        LogsRoutes cloudWatchLogs = new LogsRoutes(logGroups, arns);
        HttpApi api = own(new HttpApi(vertx, lambda.table().plus(invoke.table())
                .plus(new ConcurrencyRoutes(concurrency).table())
                .plus(new VersionRoutes(registry.versions(), arns).table())
                .plus(new AliasRoutes(registry.versions(), arns).table())
                .plus(new LayerRoutes(registry.layers(), clock, config.publicUrl()).table())
                .plus(new EventInvokeConfigRoutes(eventInvokeConfigs).table()).plus(new MetricsRoutes(metrics).table()).plus(cloudWatchLogs.table()), ids,
                virtualThreads));
        try {
            port = api.listen(config.host(), config.port());
        } catch (Exception e) { // including checked exceptions that await() rethrows undeclared
            if (rootCause(e) instanceof BindException) {
                throw new NodeStartException("cannot listen on " + config.host() + ":" + config.port()
                        + ": address already in use (another Hearth running? choose another with --port)", e);
            }
            throw new NodeStartException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + rootCause(e).getMessage(), e);
        }
    }

    /** What isolation functions get on this machine. */
    public Isolation isolation() {
        return isolation;
    }

    private <T extends AutoCloseable> T own(T resource) {
        closeInReverse.push(resource);
        return resource;
    }

    /** The port the API listens on (the configured one, or the ephemeral one chosen for port 0). */
    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://" + config.host() + ":" + port);
    }

    public HearthConfig config() {
        return config;
    }

    /** Blocks until {@link #close} has run. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) {
            return;
        }
        RuntimeException failure = null;
        while (!closeInReverse.isEmpty()) {
            try {
                closeInReverse.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("node did not close cleanly", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        closed.countDown();
        if (failure != null) {
            throw failure;
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
