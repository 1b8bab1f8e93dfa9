package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Jdk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The AOT caches (JDK 25, JEPs 483/514) of AWS's Java runtime interface client: its classes parsed, verified
 * and linked ahead of time, which took a no-op java21 cold start in the sandbox from about 6.8× to about 3.3×
 * {@code java -version} in the same sandbox (about 400 → 200 ms on the 2-core machine). Without it, most
 * of a Java cold start is spent loading some 900 classes from jars, 600 of them the RIC's shaded Jackson
 * (a 3.7 MB jar); the cache maps them instead. What remains is mostly their static initialisation, which
 * JDK 25 does not cache for application classes.
 *
 * <p>One cache per JDK, under {@code <cacheRoot>/<key>/}: a copy (hard links) of the Java runtime files
 * with {@link #ARCHIVE} beside them, mounted as a Java function's {@code /var/runtime}. The key names the
 * runtime files' content and the JDK's home and exact version, so a changed JDK or RIC gets a cache of its
 * own, and a restarted node reuses what it trained before. A JDK validates a cache itself and runs without
 * one that does not fit; the launch wrapper keeps that silent ({@link LaunchPlanner#AOT_WRAPPER}).
 *
 * <p>A cache is trained ({@link JavaTraining}) in the background the first time a JDK is asked for one,
 * never on a cold start's path: until it is ready, functions run without it. A training that fails is
 * logged and not retried until the node restarts.
 *
 * <p>Thread-safe; {@link #runtimeDirFor} is a map lookup, and called on whatever thread plans a launch.
 */
final class JavaClassDataCache implements LaunchPlanner.JavaArchives, AutoCloseable {

    /** The cache's file name in the runtime directory, i.e. {@code /var/runtime/hearth-ric.aot}. */
    static final String ARCHIVE = "hearth-ric.aot";
    /** The first JDK with one-step training ({@code -XX:AOTCacheOutput}). */
    static final int MIN_FEATURE = 25;
    /** {@code AWS_LAMBDA_FUNCTION_NAME} of training runs. */
    static final String TRAINING_FUNCTION = "hearth-java-aot-training";
    /** Bumped when the training run or the JVM options change, so older caches are not picked up. */
    private static final String FORMAT = "4";
    private static final Logger LOG = LoggerFactory.getLogger(JavaClassDataCache.class);

    private sealed interface State {
        record Training(Thread thread) implements State {
        }

        record Ready(Path runtimeDir) implements State {
        }

        record Failed() implements State {
        }
    }

    /** Builds the cache directory for one JDK; blocking. */
    interface Trainer {
        /**
         * Leaves a complete cache directory at {@code target} (atomically), or throws.
         *
         * @throws InterruptedException when the node closes during the run
         */
        void train(Jdk jdk, Path target) throws IOException, InterruptedException;
    }

    private final Path cacheRoot;
    private final String filesKey;
    private final Trainer trainer;
    private final ConcurrentMap<String, State> states = new ConcurrentHashMap<>();
    private volatile boolean closed;

    JavaClassDataCache(Path cacheRoot, String filesKey, Trainer trainer) {
        this.cacheRoot = cacheRoot;
        this.filesKey = filesKey;
        this.trainer = trainer;
    }

    /** The caches of {@code files}' Java runtime, next to the unpacked runtime files. */
    static JavaClassDataCache create(BootstrapFiles files) {
        Path root = files.root().getParent().resolve("java-aot");
        return new JavaClassDataCache(root, files.root().getFileName().toString(), new JavaTraining(files));
    }

    @Override
    public Optional<Path> runtimeDirFor(Jdk jdk) {
        if (jdk.feature() < MIN_FEATURE) {
            return Optional.empty();
        }
        String key = key(jdk);
        State state = states.computeIfAbsent(key, k -> start(jdk, k));
        return state instanceof State.Ready ready ? Optional.of(ready.runtimeDir()) : Optional.empty();
    }

    /** Whether the cache of {@code jdk} is ready (without starting a training). */
    boolean isReady(Jdk jdk) {
        return states.get(key(jdk)) instanceof State.Ready;
    }

    private State start(Jdk jdk, String key) {
        Path target = cacheRoot.resolve(key);
        if (Files.isRegularFile(target.resolve(ARCHIVE))) {
            return new State.Ready(target); // trained by an earlier run of the node
        }
        if (closed) {
            return new State.Failed();
        }
        Thread thread = Thread.ofVirtual().name("java-aot-training-" + jdk.feature()).unstarted(() -> train(jdk, key, target));
        State training = new State.Training(thread);
        thread.start();
        return training;
    }

    private void train(Jdk jdk, String key, Path target) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(cacheRoot);
            trainer.train(jdk, target);
            states.put(key, new State.Ready(target));
            LOG.info("Java AOT cache for JDK {} ready in {} ms: {}", jdk.version(),
                    (System.nanoTime() - started) / 1_000_000, target.resolve(ARCHIVE));
        } catch (InterruptedException e) {
            states.put(key, new State.Failed());
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            states.put(key, new State.Failed());
            LOG.warn("Java functions on JDK {} start without an AOT cache (slower cold starts): {}", jdk.version(),
                    e.getMessage());
        }
    }

    /** Stops a training run in progress (its process with it); nothing is left half-written. */
    @Override
    public void close() {
        closed = true;
        for (State state : states.values()) {
            if (state instanceof State.Training training) {
                training.thread().interrupt();
            }
        }
        for (State state : states.values()) {
            if (state instanceof State.Training training) {
                try {
                    training.thread().join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private String key(Jdk jdk) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((FORMAT + "\0" + filesKey + "\0" + jdk.home() + "\0" + jdk.version())
                    .getBytes(StandardCharsets.UTF_8));
            return filesKey + "-jdk" + jdk.version().replaceAll("[^0-9A-Za-z.+-]", "_") + "-"
                    + HexFormat.of().formatHex(digest.digest(), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("SHA-256 is part of every JDK", e));
        }
    }
}
