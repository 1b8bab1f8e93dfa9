package dev.hearth.boot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The node's data directory, checked writable and locked for the node's lifetime, so that two nodes
 * never share one store. The lock is released by the OS if the node dies.
 */
final class DataDir implements AutoCloseable {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static DataDir open(Path root) {
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new NodeStartException("data dir " + root + " is not writable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); choose another with --data-dir", e);
        }
        try {
            FileChannel channel = FileChannel.open(root.resolve("node.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new NodeStartException("data dir " + root + " is in use by another Hearth node", null);
            }
            return new DataDir(root, channel, lock);
        } catch (IOException e) {
            throw new NodeStartException("cannot lock data dir " + root + ": " + e.getMessage(), e);
        }
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
        }
    }
}
