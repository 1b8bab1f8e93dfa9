package dev.hearth.registry;

import dev.hearth.store.CodeArtifact;

import java.util.Optional;

/**
 * One version of a function as stored: its configuration, its code, and where it is in its lifecycle.
 * {@code $LATEST} is the version that updates change. Immutable.
 *
 * @param failureReason     why the last create or update failed ({@code StateReason} or
 *                          {@code LastUpdateStatusReason}), when the phase is a failed one
 * @param failureReasonCode the matching AWS reason code, e.g. {@code InvalidZipFileException}
 */
public record FunctionVersion(
        String functionName,
        String version,
        FunctionConfig config,
        CodeArtifact code,
        String revisionId,
        long lastModifiedMillis,
        Phase phase,
        Optional<String> failureReason,
        Optional<String> failureReasonCode) {

    public static final String LATEST = "$LATEST";

    /** This version moved to {@code next} (background work finished); LastModified does not change. */
    public FunctionVersion withPhase(Phase next, String newRevisionId) {
        return new FunctionVersion(functionName, version, config, code, newRevisionId, lastModifiedMillis,
                phase.moveTo(next), Optional.empty(), Optional.empty());
    }

    /** This version's background work failed; it moves to {@code failedPhase} with AWS's reason. */
    public FunctionVersion failed(Phase failedPhase, String reason, String reasonCode, String newRevisionId) {
        return new FunctionVersion(functionName, version, config, code, newRevisionId, lastModifiedMillis,
                phase.moveTo(failedPhase), Optional.of(reason), Optional.of(reasonCode));
    }

    /** This version with new configuration and code, entering {@code next} (an update or re-create). */
    public FunctionVersion updated(FunctionConfig newConfig, CodeArtifact newCode, Phase next, String newRevisionId,
                                   long nowMillis) {
        return new FunctionVersion(functionName, version, newConfig, newCode, newRevisionId, nowMillis,
                phase.moveTo(next), Optional.empty(), Optional.empty());
    }
}
