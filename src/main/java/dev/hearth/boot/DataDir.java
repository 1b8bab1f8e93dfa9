package dev.hearth.boot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's data directory, checked writable and locked for the node's lifetime, so that two nodes
 * never share one store. The lock is released by the OS if the node dies.
 *
 * <p>Thread-safe: several nodes may start in one JVM (tests do), each on its own data dir.
 */
final class DataDir implements AutoCloseable {

    /**
     * The data dirs nodes of this JVM hold. The OS lock is per process, and on Linux closing any channel
     * to the lock file drops the process's lock on it, so a second node of this JVM must be refused here,
     * before it opens the file. The one piece of static state in Hearth, because the lock it mirrors is
     * process-wide too.
     */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path root;
    private final Path key;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path root, Path key, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.key = key;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static DataDir open(Path root) {
        Path key;
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, ".probe", ".tmp");
            Files.delete(probe);
            key = root.toRealPath();
        } catch (IOException | SecurityException e) {
            throw new NodeStartException("data dir " + root + " is not writable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); choose another with --data-dir", e);
        }
        if (!HELD_IN_THIS_JVM.add(key)) {
            throw inUse(root);
        }
        try {
            FileChannel channel = FileChannel.open(root.resolve("node.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                throw inUse(root);
            }
            return new DataDir(root, key, channel, lock);
        } catch (IOException e) {
            HELD_IN_THIS_JVM.remove(key);
            throw new NodeStartException("cannot lock data dir " + root + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            HELD_IN_THIS_JVM.remove(key);
            throw e;
        }
    }

    private static NodeStartException inUse(Path root) {
        return new NodeStartException("data dir " + root + " is in use by another Hearth node", null);
    }

    Path root() {
        return root;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the OS releases the lock when the process ends anyway
        } finally {
            HELD_IN_THIS_JVM.remove(key);
        }
    }
}
