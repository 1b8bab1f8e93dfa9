package dev.hearth.boot;

import dev.hearth.api.HttpApi;
import dev.hearth.api.LambdaRoutes;
import dev.hearth.config.HearthConfig;
import dev.hearth.core.Arns;
import dev.hearth.core.Ids;
import dev.hearth.registry.FunctionRegistry;
import dev.hearth.registry.Registries;
import dev.hearth.store.CodeStore;
import dev.hearth.store.Database;
import dev.hearth.store.Stores;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.net.BindException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The composition root: builds every component of a node by constructor from its configuration,
 * starts them in dependency order (data dir, store, registry, HTTP) and closes them in reverse.
 *
 * <p>Thread-safe to {@link #close} from a shutdown hook while another thread waits in
 * {@link #awaitClose}.
 */
public final class Node implements AutoCloseable {

    private final HearthConfig config;
    private final Deque<AutoCloseable> closeInReverse = new ArrayDeque<>();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private int port;

    private Node(HearthConfig config) {
        this.config = config;
    }

    /** Starts a node; returns once it is listening. Throws {@link NodeStartException} with a one-line reason. */
    public static Node start(HearthConfig config) {
        return start(config, Clock.systemUTC(), Ids.random());
    }

    public static Node start(HearthConfig config, Clock clock, Ids ids) {
        Node node = new Node(config);
        try {
            node.build(clock, ids);
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

    private void build(Clock clock, Ids ids) {
        DataDir dataDir = own(DataDir.open(config.dataDir()));
        Database db = own(Database.open(dataDir.root().resolve("hearth.db")));
        CodeStore code = new CodeStore(dataDir.root().resolve("code"));
        ExecutorService virtualThreads = own(Executors.newVirtualThreadPerTaskExecutor());
        Arns arns = new Arns(config.region(), config.accountId());
        FunctionRegistry functions = Registries.functions(Stores.functions(db), code, arns, ids, clock, virtualThreads);
        functions.recover();

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
        own(() -> vertx.close().await());
        LambdaRoutes lambda = new LambdaRoutes(functions, arns, clock, config.publicUrl());
        HttpApi api = own(new HttpApi(vertx, lambda.table(), ids, virtualThreads));
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
