package dev.hearth.runtimes;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The runtimes Hearth can run ({@code python3.x}, {@code nodejsNN.x}, {@code javaNN}, {@code provided*})
 * and how to launch each on this machine. Bootstrap files are unpacked once from the node's resources.
 * The first launch of a Java runtime on JDK 25 or newer starts training an AOT cache of AWS's runtime client
 * in the background; later Java launches use it once it is ready. Thread-safe.
 */
public interface ManagedRuntimes extends AutoCloseable {

    /**
     * Unpacks the bundled bootstraps under {@code unpackDir} (once per content, read-only) and probes this
     * machine's python3, node and JDKs. Blocking: call once at start-up.
     *
     * @throws java.io.UncheckedIOException when the bootstraps cannot be unpacked
     */
    static ManagedRuntimes create(Path unpackDir) {
        return DefaultManagedRuntimes.create(unpackDir);
    }

    /**
     * How to launch {@code runtime} for a function whose code is at {@code taskDir} (host path, for
     * checks such as a {@code provided} runtime's {@code bootstrap}) with the given memory. Empty when
     * this machine cannot run it; {@link #unavailableReason} then says why.
     */
    Optional<RuntimeLaunch> launch(String runtime, String handler, int memoryMb, Path taskDir, Optional<Path> optDir);

    /** Why {@code runtime} cannot run here (no interpreter, unknown runtime), for the caller's error. */
    String unavailableReason(String runtime);

    /** One line per runtime family for {@code hearth doctor}: what runs it here, or what is missing. */
    List<String> describe();

    /**
     * Stops background work: a Java AOT cache being trained (see {@code JavaClassDataCache}) is abandoned,
     * its process stopped. Launch plans made before stay valid. Blocking, briefly. Nothing to stop by default.
     */
    @Override
    default void close() {
    }
}
