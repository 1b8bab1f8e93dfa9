package dev.hearth.environment;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where an execution environment is in its life:
 *
 * <pre>
 *   STARTING ──► INITIALISING ──► IDLE ◄──────────── RESPONDED
 *      │              │  │          │                    ▲
 *      │              │  └──────────┴──► INVOKING ───────┘
 *      ▼              ▼
 *   FAILED ◄──────────┘        (every state but FAILED) ──► STOPPED
 * </pre>
 *
 * <ul>
 *   <li>STARTING: the Runtime API endpoint is opening and the sandbox launching.</li>
 *   <li>INITIALISING: the runtime process runs its init; its first {@code /next} ends it.</li>
 *   <li>IDLE: the runtime is parked on {@code /next} (or about to be): the pull model's warm state.</li>
 *   <li>INVOKING: the event has been handed to the runtime; waiting for {@code /response} or {@code /error}.</li>
 *   <li>RESPONDED: the caller has its answer; the invocation ends when the runtime calls {@code /next}.</li>
 *   <li>FAILED: init failed (no runtime, launch error, {@code /init/error}, exit or timeout during init);
 *       terminal, and every invocation handed to it fails with the init error.</li>
 *   <li>STOPPED: shut down, timed out or crashed after init; terminal.</li>
 * </ul>
 *
 * <p>{@link #moveTo} refuses any transition the table does not list.
 */
enum EnvironmentState {
    STARTING, INITIALISING, IDLE, INVOKING, RESPONDED, FAILED, STOPPED;

    private static final Map<EnvironmentState, Set<EnvironmentState>> ALLOWED = Map.of(
            STARTING, EnumSet.of(INITIALISING, FAILED, STOPPED),
            INITIALISING, EnumSet.of(IDLE, INVOKING, FAILED, STOPPED),
            IDLE, EnumSet.of(INVOKING, STOPPED),
            INVOKING, EnumSet.of(RESPONDED, STOPPED),
            RESPONDED, EnumSet.of(IDLE, STOPPED),
            FAILED, EnumSet.noneOf(EnvironmentState.class),
            STOPPED, EnumSet.noneOf(EnvironmentState.class));

    boolean canMoveTo(EnvironmentState next) {
        return ALLOWED.get(this).contains(next);
    }

    /** Returns {@code next}, or throws if an environment cannot move there from this state. */
    EnvironmentState moveTo(EnvironmentState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("an execution environment cannot move from " + this + " to " + next);
        }
        return next;
    }

    boolean isTerminal() {
        return this == FAILED || this == STOPPED;
    }

    /** Whether {@code Environment.invoke} may hand this environment a new invocation to deliver. */
    boolean acceptsInvocations() {
        return this == STARTING || this == INITIALISING || this == IDLE;
    }

    /** The runtime state's name as AWS's Runtime API puts it in {@code InvalidStateTransition} messages. */
    String runtimeApiName() {
        return switch (this) {
            case STARTING, INITIALISING -> "Started";
            case IDLE -> "Ready";
            case INVOKING -> "Running";
            case RESPONDED -> "RuntimeResponseSentState";
            case FAILED -> "InitError";
            case STOPPED -> "Stopped";
        };
    }
}
