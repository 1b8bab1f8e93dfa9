package dev.hearth.runtimes;

import dev.hearth.runtimes.HostRuntimes.Interpreter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Writes V8's code cache of the Node.js runtime ({@code node/runtime.cjs}) next to it, with the node functions
 * will run on, once per unpacked runtime directory and V8 heap limit: {@code runtime.v<version>.heap-<N>.cache},
 * which the entry ({@code index.cjs}) reads. Without it V8 compiles each of the runtime's functions the first
 * time it runs, on every cold start (about 2 ms of a no-op's CPU); inside the sandbox {@code /var/runtime} is
 * read-only, so no runtime could keep a cache there itself, and one made by a function's process would not be
 * ours to trust.
 *
 * <p>V8 takes a cache only under the V8 flags it was made with, and AWS's command line has
 * {@code --max-old-space-size=N} with N from the memory size ({@link LaunchPlanner#nodeHeapMb}): one cache per N,
 * each made under exactly a function's flags, so that the entry need not set any flag to read it.
 *
 * <p>Each cache is made by one training run on the host: the entry with {@code --hearth-code-cache-training} and
 * AWS's flags for that N against a {@link TrainingRuntimeApi}, answering one event with a no-op handler; once it
 * has answered it is stopped (SIGTERM) and writes the cache of every function compiled so far. The entry itself
 * renames the file into place, so a cache that exists is complete.
 *
 * <p>Best effort: until it is there, or when it cannot be made, runtimes compile as before. A run (node once,
 * 30-50 ms of CPU) starts in the background at the first Node.js launch with a heap limit, so that nodes which
 * never run a Node.js function do not pay it; runs go one at a time (each makes the shared directory writable
 * while it runs). Thread-safe; {@link #close} stops runs still going.
 */
final class NodeCodeCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeCodeCache.class);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

    private final Path nodeDir;
    private final Optional<Interpreter> node;
    private final Set<Integer> requested = ConcurrentHashMap.newKeySet();
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private final List<Thread> trainings = new ArrayList<>(); // guarded by this
    private Process process; // guarded by this
    private boolean closed; // guarded by this

    NodeCodeCache(Path nodeDir, Optional<Interpreter> node) {
        this.nodeDir = nodeDir;
        this.node = node;
    }

    /**
     * Starts the training run for functions whose node has {@code --max-old-space-size=heapMb} in the
     * background, once per {@code heapMb}, unless there is no node. Does not block.
     */
    void request(int heapMb) {
        if (node.isEmpty() || !requested.add(heapMb)) {
            return;
        }
        synchronized (this) {
            if (!closed) {
                trainings.add(Thread.ofVirtual().name("node-code-cache-" + heapMb).start(() -> trainOnce(heapMb)));
            }
        }
    }

    /** Stops training runs still going and waits for them (each cache is complete or absent). */
    @Override
    public void close() throws InterruptedException {
        List<Thread> running;
        synchronized (this) {
            closed = true;
            if (process != null) {
                process.destroyForcibly();
            }
            running = List.copyOf(trainings);
        }
        for (Thread thread : running) {
            thread.interrupt();
            thread.join(EXIT_TIMEOUT.toMillis());
        }
    }

    /**
     * The cache's name for a node that reports {@code version} (e.g. {@code 20.20.2}) started with
     * {@code --max-old-space-size=heapMb}, as the entry looks for it.
     */
    static String fileName(String version, int heapMb) {
        return "runtime.v" + version + ".heap-" + heapMb + ".cache";
    }

    private void trainOnce(int heapMb) {
        try {
            oneAtATime.lockInterruptibly();
        } catch (InterruptedException e) {
            return; // closed while waiting for the run before
        }
        try {
            write(heapMb);
        } finally {
            oneAtATime.unlock();
        }
    }

    /** Writes {@code <nodeDir>/runtime.v<version>.heap-<heapMb>.cache} unless it is there already. Blocking. */
    private void write(int heapMb) {
        Path cache = nodeDir.resolve(fileName(node.orElseThrow().version(), heapMb));
        if (!Files.isRegularFile(nodeDir.resolve("runtime.cjs")) || Files.exists(cache)) {
            return;
        }
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(nodeDir);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        Path task = null;
        try (TrainingRuntimeApi api = TrainingRuntimeApi.start()) {
            task = Files.createTempDirectory("hearth-node-training-");
            Files.writeString(task.resolve("index.js"), "exports.handler = async (event) => event;\n",
                    StandardCharsets.UTF_8);
            // The unpacked directory is read-only (and shared by nodes with the same build); writable just
            // long enough for the training run to add its cache.
            Set<PosixFilePermission> writable = EnumSet.copyOf(mode);
            writable.add(PosixFilePermission.OWNER_WRITE);
            Files.setPosixFilePermissions(nodeDir, writable);
            train(api, node.orElseThrow().executable(), task, heapMb);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot write the code cache of {}: {}", nodeDir, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                if (Files.isRegularFile(cache)) {
                    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("r--r--r--"));
                }
                Files.setPosixFilePermissions(nodeDir, mode);
            } catch (IOException e) {
                LOG.debug("cannot make {} read-only again: {}", nodeDir, e.toString());
            }
            delete(task);
        }
    }

    private void train(TrainingRuntimeApi api, Path executable, Path task, int heapMb)
            throws IOException, InterruptedException {
        // A function's V8 flags (LaunchPlanner), which V8 hashes into the cache.
        ProcessBuilder builder = new ProcessBuilder(executable.toString(), "--expose-gc", "--max-http-header-size=81920",
                "--max-old-space-size=" + heapMb, nodeDir.resolve("index.cjs").toString(),
                "--hearth-code-cache-training")
                .directory(task.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        var env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("NODE_") || name.startsWith("AWS_"));
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("_HANDLER", "index.handler");
        env.put("LAMBDA_TASK_ROOT", task.toString());
        Process run;
        synchronized (this) {
            if (closed) {
                return;
            }
            run = builder.start();
            process = run;
        }
        try {
            if (!api.awaitResponse(RESPONSE_TIMEOUT)) {
                LOG.debug("{} did not answer the code-cache training event in time", executable);
                return;
            }
            run.destroy(); // SIGTERM: the entry writes the cache and exits
            if (!run.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.debug("{} did not write its code cache in time", executable);
            } else if (run.exitValue() != 0) {
                LOG.debug("{} could not write its code cache (exit {})", executable, run.exitValue());
            }
        } finally {
            run.destroyForcibly();
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", dir, e.toString());
        }
    }
}
