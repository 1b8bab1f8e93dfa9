package dev.hearth.environment;

import dev.hearth.logs.FunctionLogs;
import dev.hearth.runtimes.ManagedRuntimes;
import dev.hearth.sandbox.ForkServer;
import dev.hearth.sandbox.SandboxLauncher;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Snapshots} of this node: a {@link SnapshotTemplate} per published SnapStart version, made when the
 * version is published and, after a restart of the node (templates are processes, not files), again on
 * the first cold start that needs it.
 *
 * <p>Each ready template also keeps one Runtime API endpoint bound ahead of demand ({@link #takeEndpoint}), and
 * its fork server a spare child connected to it ({@link ForkServer#prepareConnected}), its {@code restore/next}
 * already asked: a restored environment takes both, so that neither the bind, the fork, the connection nor
 * the first request is on its cold start's path. The endpoint is still the environment's own (one port per
 * environment, serving no one until the environment is attached to it, whose gate then admits the spare's
 * connection by its known client port).
 *
 * <p>Threading: thread-safe. {@link #forkServerFor} blocks while a template it had to start initialises;
 * it is called from an environment's launching virtual thread. {@link #takeEndpoint} never blocks.
 */
final class SnapshotTemplates implements Snapshots {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTemplates.class);

    private final Vertx vertx;
    private final SandboxLauncher launcher;
    private final ManagedRuntimes runtimes;
    private final FunctionLogs logs;
    private final Clock clock;
    private final EnvironmentSettings settings;
    /**
     * How long after an environment took the endpoint (and so its spare) the next pair is made: about when
     * that environment's restore has answered its invoke. Made at once, forking the next spare, connecting it
     * and binding its endpoint ran beside that restore on the machine's cores and delayed it (its first
     * {@code /next} to its answer took about 2.6 ms longer, medians of 12, load 5). A second cold start of
     * the version within this time starts as one with nothing prepared does (its own endpoint, a plain
     * spare or a fork).
     */
    static final Duration NEXT_AFTER = Duration.ofMillis(50);
    private final Map<String, SnapshotTemplate> templates = new ConcurrentHashMap<>();
    /** Per template key: an endpoint bound and waiting for the version's next environment. */
    private final Map<String, RuntimeApiServer> endpoints = new ConcurrentHashMap<>();
    /** False once a template showed that forked environments cannot get a private /tmp here. */
    private volatile boolean forkable = true;
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile boolean closed;
    private volatile java.util.function.LongConsumer budget = mb -> { };

    SnapshotTemplates(Vertx vertx, SandboxLauncher launcher, ManagedRuntimes runtimes, FunctionLogs logs, Clock clock,
                      EnvironmentSettings settings) {
        this.vertx = vertx;
        this.launcher = launcher;
        this.runtimes = runtimes;
        this.logs = logs;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public CompletableFuture<Optional<Failure>> prepare(EnvironmentSpec spec) {
        if (forkable && !launcher.isolation().bubblewrap()) {
            refuseForks("functions run as plain processes on this machine (no bubblewrap), so environments"
                    + " cannot be forked with a pid namespace and /tmp of their own");
        }
        if (!forkable || closed) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        SnapshotTemplate before = templates.get(key(spec.functionArn(), spec.version()));
        SnapshotTemplate template = templates.compute(key(spec.functionArn(), spec.version()),
                (k, old) -> old != null && !old.ended() ? old : start(spec));
        if (template != before) {
            // An endpoint bound for an ended template has no spare connected to it: the new one binds its own.
            closeEndpoint(key(spec.functionArn(), spec.version()));
        }
        return template.ready().handle((server, error) -> {
            if (error == null) {
                if (!server.privateTmp()) {
                    refuseForks("this machine does not let a sandbox create user namespaces, so environments"
                            + " forked from a snapshot could not get a private /tmp");
                    template.shutdown();
                } else {
                    prepareEndpoint(spec);
                }
                return Optional.<Failure>empty();
            }
            templates.remove(key(spec.functionArn(), spec.version()), template);
            Throwable cause = error instanceof java.util.concurrent.CompletionException c ? c.getCause() : error;
            return Optional.of(cause instanceof SnapshotTemplate.InitFailed f ? f.failure()
                    : new Failure("Runtime.Unknown", String.valueOf(cause.getMessage())));
        });
    }

    /**
     * The fork server of {@code spec}'s version, starting its template first when there is none (after a
     * restart, or after the old one died); empty when environments of this version start ordinarily.
     * Blocking.
     */
    Optional<ForkServer> forkServerFor(EnvironmentSpec spec) {
        if (!forkable || closed || !EnvironmentVariables.SNAP_START.equals(spec.initializationType())) {
            return Optional.empty();
        }
        SnapshotTemplate template = templates.get(key(spec.functionArn(), spec.version()));
        if (template == null || template.ended()) {
            prepare(spec);
            template = templates.get(key(spec.functionArn(), spec.version()));
            if (template == null) {
                return Optional.empty();
            }
        }
        try {
            ForkServer server = template.ready().get(initTimeout(spec).toMillis() + 5000, TimeUnit.MILLISECONDS);
            return server.alive() && forkable ? Optional.of(server) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /**
     * The endpoint bound ahead for {@code spec}'s version, if its template is ready and one is waiting; the
     * next (and its spare) is made in the background {@link #NEXT_AFTER} later. Empty otherwise: the
     * environment binds its own.
     */
    Optional<RuntimeApiServer> takeEndpoint(EnvironmentSpec spec) {
        if (!forkable || closed || !EnvironmentVariables.SNAP_START.equals(spec.initializationType())) {
            return Optional.empty();
        }
        String key = key(spec.functionArn(), spec.version());
        SnapshotTemplate template = templates.get(key);
        if (template == null || template.ended()) {
            return Optional.empty();
        }
        RuntimeApiServer endpoint = endpoints.remove(key);
        vertx.setTimer(NEXT_AFTER.toMillis(), t -> prepareEndpoint(spec));
        return Optional.ofNullable(endpoint);
    }

    /**
     * Binds an endpoint for {@code spec}'s template on a context of its own (made on a virtual thread, as
     * the environment factory makes an environment's), unless one is waiting already; then has the template
     * fork a spare that connects to it.
     */
    private void prepareEndpoint(EnvironmentSpec spec) {
        String key = key(spec.functionArn(), spec.version());
        if (closed || endpoints.containsKey(key)) {
            return;
        }
        Thread.ofVirtual().name("hearth-snapshot-endpoint").start(() -> {
            RuntimeApiServer endpoint = new RuntimeApiServer(vertx);
            vertx.getOrCreateContext().runOnContext(v -> endpoint.listen().onComplete(bound -> {
                SnapshotTemplate template = templates.get(key);
                boolean wanted = bound.succeeded() && !closed && template != null && !template.ended();
                if (!wanted || endpoints.putIfAbsent(key, endpoint) != null) {
                    endpoint.close();
                } else if (closed || templates.get(key) != template) {
                    closeEndpoint(key); // closed or discarded meanwhile
                } else {
                    template.ready().thenAccept(server -> server.prepareConnected(spec.memoryMb(),
                            settings.pidLimit(), spec.ephemeralStorageMb(), address(bound.result())));
                }
            }));
        });
    }

    private void closeEndpoint(String key) {
        RuntimeApiServer endpoint = endpoints.remove(key);
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Override
    public void countMemoryIn(java.util.function.LongConsumer memoryBudget) {
        this.budget = memoryBudget;
    }

    @Override
    public void discard(String functionArn, String version) {
        SnapshotTemplate template = templates.remove(key(functionArn, version));
        closeEndpoint(key(functionArn, version));
        if (template != null) {
            template.shutdown();
        }
    }

    @Override
    public void close() {
        closed = true;
        List<SnapshotTemplate> all = List.copyOf(templates.values());
        templates.clear();
        List.copyOf(endpoints.keySet()).forEach(this::closeEndpoint);
        all.forEach(SnapshotTemplate::shutdown);
        for (SnapshotTemplate template : all) {
            try {
                template.stopped().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // The launcher's own close kills what is left.
            }
        }
    }

    /** Snapshot init may take as long as the function's timeout allows, at least the init limit. */
    Duration initTimeout(EnvironmentSpec spec) {
        Duration timeout = Duration.ofSeconds(spec.timeoutSeconds());
        return timeout.compareTo(settings.initTimeout()) > 0 ? timeout : settings.initTimeout();
    }

    private SnapshotTemplate start(EnvironmentSpec spec) {
        SnapshotTemplate template = new SnapshotTemplate(spec, vertx, launcher, runtimes, logs, clock, settings,
                initTimeout(spec));
        // Counted as one environment of the version's size from its start until it has stopped.
        java.util.function.LongConsumer counted = budget;
        counted.accept(spec.memoryMb());
        template.stopped().whenComplete((v, e) -> counted.accept(-spec.memoryMb()));
        template.begin();
        return template;
    }

    /** From now on SnapStart versions start as ordinary cold starts; said once, in the node's log. */
    private void refuseForks(String why) {
        forkable = false;
        if (warned.compareAndSet(false, true)) {
            LOG.warn("SnapStart: {}; SnapStart versions start as ordinary cold starts (initialization type"
                    + " snap-start, before-snapshot and after-restore hooks in every environment)", why);
        }
        List<SnapshotTemplate> all = List.copyOf(templates.values());
        templates.clear();
        List.copyOf(endpoints.keySet()).forEach(this::closeEndpoint);
        all.forEach(SnapshotTemplate::shutdown);
    }

    /** The endpoint's address as the environment's {@code AWS_LAMBDA_RUNTIME_API} names it. */
    static String address(int port) {
        return "127.0.0.1:" + port;
    }

    private static String key(String functionArn, String version) {
        return functionArn + ":" + version;
    }
}
