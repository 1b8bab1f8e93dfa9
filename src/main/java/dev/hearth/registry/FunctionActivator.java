package dev.hearth.registry;

import dev.hearth.core.Ids;
import dev.hearth.store.CodeStore;
import dev.hearth.store.FunctionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Finishes a create or update in the background, as AWS does between {@code Pending} and
 * {@code Active} (or {@code InProgress} and {@code Successful}): the code is unpacked into the shared
 * read-only cache, then the version moves to {@link Phase#READY}, or to a failed phase with AWS's reason
 * when the zip cannot be unpacked.
 *
 * <p>Threading: {@link #activate} returns at once; the work runs on the injected executor (virtual
 * threads). It is the only writer of a version while the version is busy, because updates are refused
 * then.
 */
final class FunctionActivator {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionActivator.class);

    private final FunctionStore store;
    private final CodeStore code;
    private final Ids ids;
    private final Executor executor;
    private final SnapshotGate snapshots;

    FunctionActivator(FunctionStore store, CodeStore code, Ids ids, Executor executor) {
        this(store, code, ids, executor, new SnapshotGate());
    }

    /** @param snapshots where a SnapStart version's activation waits for its snapshot */
    FunctionActivator(FunctionStore store, CodeStore code, Ids ids, Executor executor, SnapshotGate snapshots) {
        this.snapshots = snapshots;
        this.store = store;
        this.code = code;
        this.ids = ids;
        this.executor = executor;
    }

    /** Whether a version published from {@code config} is Pending until its snapshot is made. */
    boolean makesSnapshot(FunctionConfig config) {
        return snapshots.holds(config);
    }

    void activate(String functionName, String version) {
        executor.execute(() -> finish(functionName, version));
    }

    private void finish(String functionName, String version) {
        var row = store.findVersion(functionName, version);
        if (row.isEmpty()) {
            return; // deleted meanwhile
        }
        FunctionVersion current = FunctionDocuments.fromRow(row.get());
        if (!current.phase().isBusy()) {
            return;
        }
        FunctionVersion next;
        try {
            code.unpack(current.code().sha256Hex());
            Optional<String> noSnapshot = snapshots.await(current);
            next = noSnapshot.isEmpty() ? current.withPhase(Phase.READY, ids.revisionId())
                    : current.failed(Phase.CREATE_FAILED, noSnapshot.get(), "FunctionError", ids.revisionId());
        } catch (IOException | RuntimeException e) {
            LOG.warn("function {}:{} could not unpack its code: {}", functionName, version, e.toString());
            Phase failed = current.phase() == Phase.CREATING ? Phase.CREATE_FAILED : Phase.UPDATE_FAILED;
            next = current.failed(failed, "Lambda was unable to unzip the deployment package: " + e.getMessage(),
                    "InvalidZipFileException", ids.revisionId());
        }
        if (!store.replaceVersion(FunctionDocuments.toRow(next), current.revisionId())) {
            LOG.debug("function {}:{} changed while activating; leaving it", functionName, version);
        }
    }
}
