package dev.hearth.registry;

import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import dev.hearth.store.FunctionStore;

import java.time.Clock;
import java.util.Optional;

/**
 * Publishes a version: a copy of {@code $LATEST}'s configuration and code under the next number of the
 * function's counter, which never hands a number out twice. Shared by PublishVersion and by
 * {@code Publish=true} on CreateFunction and UpdateFunctionCode.
 *
 * <p>Threading: blocking; call from virtual threads. Concurrent publishers are serialised by the store's
 * compare-and-set on {@code $LATEST}'s revision and the counter; a loser retries with the new number.
 */
final class Publisher {
    private static final int ATTEMPTS = 5;

    private final FunctionStore store;
    private final FunctionActivator activator;
    private final Ids ids;
    private final Clock clock;

    Publisher(FunctionStore store, FunctionActivator activator, Ids ids, Clock clock) {
        this.store = store;
        this.activator = activator;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Publishes {@code content} (the {@code $LATEST} an update or create just committed) as a new version
     * that finishes activating in the background, as AWS's {@code Publish=true} does: the version starts
     * Pending and becomes Active once its code is ready.
     */
    FunctionVersion publishPending(FunctionVersion content) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            // The activator may move $LATEST on (a new revision, same content) meanwhile: CAS on what is there.
            String latestRevision = store.findVersion(content.functionName(), FunctionVersion.LATEST)
                    .orElseThrow(() -> LambdaException.notFound("Function not found: " + content.functionName()))
                    .revisionId();
            long last = store.lastPublishedNumber(content.functionName());
            FunctionVersion version = copy(content, last + 1, content.config(), Phase.CREATING);
            if (store.insertPublishedVersion(FunctionDocuments.toRow(version), latestRevision, last)) {
                activator.activate(version.functionName(), version.version());
                return version;
            }
        }
        throw busy(content);
    }

    /**
     * Publishes an Active {@code $LATEST} (read at {@code latest.revisionId()}) as a new Active version,
     * or returns the function's newest version when its code and configuration equal {@code $LATEST}'s
     * (the description aside): AWS publishes nothing new then. Fails with a conflict if {@code $LATEST}
     * changed meanwhile.
     */
    FunctionVersion publishReady(FunctionVersion latest, Optional<String> description) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long last = store.lastPublishedNumber(latest.functionName());
            Optional<FunctionVersion> newest = store.findVersion(latest.functionName(), Long.toString(last))
                    .map(FunctionDocuments::fromRow);
            if (newest.isPresent() && unchanged(newest.get(), latest)) {
                return newest.get();
            }
            FunctionConfig config = description.map(d -> FunctionConfigs.withDescription(latest.config(), d))
                    .orElse(latest.config());
            // A SnapStart version is Pending until its snapshot is made, as on AWS.
            boolean snapshot = activator.makesSnapshot(config);
            FunctionVersion version = copy(latest, last + 1, config, snapshot ? Phase.CREATING : Phase.READY);
            if (store.insertPublishedVersion(FunctionDocuments.toRow(version), latest.revisionId(), last)) {
                if (snapshot) {
                    activator.activate(version.functionName(), version.version());
                }
                return version;
            }
            FunctionVersion now = store.findVersion(latest.functionName(), FunctionVersion.LATEST)
                    .map(FunctionDocuments::fromRow).orElseThrow(() -> busy(latest));
            if (!now.revisionId().equals(latest.revisionId())) {
                throw busy(latest);
            }
        }
        throw busy(latest);
    }

    private FunctionVersion copy(FunctionVersion latest, long number, FunctionConfig config, Phase phase) {
        return new FunctionVersion(latest.functionName(), Long.toString(number), config, latest.code(),
                ids.revisionId(), clock.millis(), phase, Optional.empty(), Optional.empty());
    }

    /**
     * Whether {@code latest} has the code and configuration {@code published} was made from. The version's
     * description may be its own (PublishVersion's Description), so a differing description counts as a
     * change only if {@code $LATEST} was modified after the version was published.
     */
    private static boolean unchanged(FunctionVersion published, FunctionVersion latest) {
        boolean sameDescription = published.config().description().equals(latest.config().description())
                || latest.lastModifiedMillis() < published.lastModifiedMillis();
        return sameDescription && published.code().sha256Hex().equals(latest.code().sha256Hex())
                && FunctionConfigs.withDescription(published.config(), "")
                .equals(FunctionConfigs.withDescription(latest.config(), ""));
    }

    private static LambdaException busy(FunctionVersion latest) {
        return LambdaException.conflict("The operation cannot be performed at this time. An update is in progress"
                + " for resource: " + latest.functionName());
    }
}
