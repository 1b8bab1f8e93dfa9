package dev.hearth.environment;

import dev.hearth.sandbox.SandboxSpec;
import dev.hearth.sandbox.TreeLinks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One fork server's code slots ({@link ForkCells}): directories under the server's {@code /var/task} that
 * show a function's code (and, beside it, its layers) through hard links, which a forked child binds as its
 * own {@code /var/task} and {@code /opt}. Children of the same code share one slot: the code directories are
 * content-addressed and never change, so a burst of one function's cold starts mirrors its code once
 * instead of making, filling and later removing a directory per environment (a {@code mkdir}, a walk of
 * the code, a link per file, a rename, and the removal's walk). A slot is removed when its last child lets
 * go of it; the next child of that code makes a new one.
 *
 * <p>Why sharing is safe: a slot holds only what its children see anyway (the same bytes, read-only);
 * once bound, a child's {@code /var/task} covers the server's, where other slots are, and having dropped
 * its capabilities it cannot unmount it; before that, a child runs only the platform's fork code.
 *
 * <p>Threading: thread-safe. {@link #take} blocks (links) while holding this object's lock only to count:
 * the slot is made outside it, so forks of other code are not held up by a mirror.
 */
final class CodeSlots {
    private final Path dir;
    /** Live slots by the code they show; guarded by {@code this}. */
    private final Map<Code, Slot> byCode = new HashMap<>();

    /** What a slot shows: the function's code directory and its layers directory, if any. */
    private record Code(Path task, Optional<Path> opt) {
    }

    /**
     * A slot: its directory name under the server's {@code /var/task} and its layers' (if any). Counted
     * under the owner's lock: {@code users} children hold it; {@code ready} once its links are made.
     */
    static final class Slot {
        private final Code code;
        private final String name;
        private final Optional<String> layersName;
        private int users;
        private final CompletableFuture<Void> ready = new CompletableFuture<>();

        private Slot(Code code, String name, Optional<String> layersName) {
            this.code = code;
            this.name = name;
            this.layersName = layersName;
        }

        String name() {
            return name;
        }

        Optional<String> layersName() {
            return layersName;
        }
    }

    /** @param dir the directory shown to the server as its {@code /var/task} (exists) */
    CodeSlots(Path dir) {
        this.dir = dir;
    }

    /**
     * The slot showing {@code wanted}'s code, made now if none is live; the caller holds it until it
     * {@link #release}s it (once, also when the fork failed).
     *
     * @throws TreeLinks.NotMirrored when the code cannot be linked (then the caller launches instead)
     */
    Slot take(SandboxSpec wanted, int maxEntries) throws IOException {
        Code code = new Code(wanted.taskDir(), wanted.optDir());
        Slot slot;
        boolean make;
        synchronized (this) {
            Slot live = byCode.get(code);
            make = live == null;
            if (make) {
                // Unique, not secret (no child can list the slots: its own code is bound over /var/task), so
                // ThreadLocalRandom rather than randomUUID's SecureRandom, which reads /dev/urandom under a lock.
                ThreadLocalRandom random = ThreadLocalRandom.current();
                String name = "s" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
                live = new Slot(code, name, code.opt().map(o -> name + "-opt"));
                byCode.put(code, live);
            }
            live.users++;
            slot = live;
        }
        if (make) {
            try {
                fill(slot, code, maxEntries);
                slot.ready.complete(null);
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    byCode.remove(code, slot); // the next child of this code tries afresh
                }
                slot.ready.completeExceptionally(e);
                release(slot);
                throw e;
            }
        } else {
            try {
                slot.ready.join();
            } catch (CompletionException e) {
                release(slot);
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException("the code slot could not be made: " + e.getCause(), e.getCause());
            }
        }
        return slot;
    }

    /** One child fewer holds {@code slot}; the last one removes it (a later child of that code makes another). */
    void release(Slot slot) {
        synchronized (this) {
            if (--slot.users > 0) {
                return;
            }
            byCode.remove(slot.code, slot);
        }
        TreeLinks.delete(dir.resolve(slot.name));
        slot.layersName.ifPresent(l -> TreeLinks.delete(dir.resolve(l)));
    }

    /**
     * The slot is the code's directory itself, and code with layers has a second one beside it: a function
     * without layers keeps the server's {@code /opt} (the launcher's empty read-only one, as a launched
     * sandbox without layers has).
     */
    private void fill(Slot slot, Code code, int maxEntries) throws IOException {
        TreeLinks.mirror(code.task(), Files.createDirectory(dir.resolve(slot.name)), maxEntries);
        if (slot.layersName.isPresent()) {
            TreeLinks.mirror(code.opt().orElseThrow(), Files.createDirectory(dir.resolve(slot.layersName.get())),
                    maxEntries);
        }
    }
}
