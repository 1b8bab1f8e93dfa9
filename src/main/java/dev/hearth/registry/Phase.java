package dev.hearth.registry;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a function version is in its lifecycle. AWS reports this as two fields ({@code State} and
 * {@code LastUpdateStatus}); internally it is one state machine:
 *
 * <pre>
 *   CREATING ──► READY ◄──► UPDATING ──► UPDATE_FAILED ──► UPDATING
 *      │                                  (a new update may fix it)
 *      └──► CREATE_FAILED ──► CREATING (a code update may fix it)
 * </pre>
 *
 * <p>The table of allowed transitions is {@link #canMoveTo}; {@link #moveTo} refuses any other.
 */
public enum Phase {
    CREATING, CREATE_FAILED, READY, UPDATING, UPDATE_FAILED;

    private static final Map<Phase, Set<Phase>> ALLOWED = Map.of(
            CREATING, EnumSet.of(READY, CREATE_FAILED),
            CREATE_FAILED, EnumSet.of(CREATING),
            READY, EnumSet.of(UPDATING),
            UPDATING, EnumSet.of(READY, UPDATE_FAILED),
            UPDATE_FAILED, EnumSet.of(UPDATING));

    public boolean canMoveTo(Phase next) {
        return ALLOWED.get(this).contains(next);
    }

    /** Returns {@code next}, or throws if this lifecycle does not allow moving there. */
    public Phase moveTo(Phase next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("a function cannot move from " + this + " to " + next);
        }
        return next;
    }

    /** True while background work (unpacking code) is still to finish: AWS refuses updates then. */
    public boolean isBusy() {
        return this == CREATING || this == UPDATING;
    }

    /** AWS's {@code State}. */
    public String state() {
        return switch (this) {
            case CREATING -> "Pending";
            case CREATE_FAILED -> "Failed";
            case READY, UPDATING, UPDATE_FAILED -> "Active";
        };
    }
}
