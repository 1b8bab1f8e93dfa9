package dev.hearth.registry;

import java.util.List;
import java.util.Set;

/**
 * The catalogue of Lambda runtime identifiers: which ones AWS's API accepts, which ones AWS refuses for
 * new functions because they are deprecated, and the runtime version ARN a function reports.
 *
 * <p>Every value of AWS's {@code Runtime} enum is accepted for storage (AWS accepts them too); whether
 * Hearth can <em>run</em> a runtime is the execution layer's concern, not the control plane's.
 */
public final class Runtimes {

    /** Every identifier in AWS's Runtime enum (service model, 2026). */
    static final Set<String> ALL = Set.of(
            "nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
            "nodejs16.x", "java8", "java8.al2", "java11", "python2.7", "python3.6", "python3.7", "python3.8",
            "python3.9", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8",
            "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "provided", "provided.al2", "nodejs18.x",
            "python3.10", "java17", "ruby3.2", "ruby3.3", "ruby3.4", "python3.11", "nodejs20.x",
            "provided.al2023", "python3.12", "java21", "python3.13", "nodejs22.x", "nodejs24.x", "python3.14",
            "java25", "dotnet10", "ruby4.0");

    /**
     * Runtimes AWS no longer lets anyone create or update functions with. {@code provided},
     * {@code python3.9} and {@code nodejs18.x} stay allowed: Hearth runs them, and users migrating
     * existing functions rely on them.
     */
    static final Set<String> BLOCKED_FOR_CREATE = Set.of(
            "nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
            "nodejs16.x", "java8", "python2.7", "python3.6", "python3.7", "python3.8", "dotnetcore1.0",
            "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "nodejs4.3-edge", "go1.x", "ruby2.5",
            "ruby2.7");

    /**
     * The enum set AWS prints when a runtime value is unknown, in the order AWS prints it (AWS's
     * internal order, not sorted): the currently creatable runtimes.
     */
    static final List<String> ENUM_MESSAGE_ORDER = List.of(
            "nodejs20.x", "provided.al2023", "python3.12", "python3.13", "nodejs22.x", "java17", "nodejs24.x",
            "python3.14", "java25", "dotnet8", "dotnet10", "python3.10", "java11", "python3.11", "java21",
            "nodejs18.x", "provided.al2", "provided", "ruby3.3", "ruby3.4", "ruby4.0", "java8.al2", "ruby3.2",
            "python3.9");

    private Runtimes() {
    }

    public static boolean isKnown(String runtime) {
        return ALL.contains(runtime);
    }

    public static boolean isBlockedForCreate(String runtime) {
        return BLOCKED_FOR_CREATE.contains(runtime);
    }

    /** AWS's message for an unknown runtime value (an InvalidParameterValueException). */
    static String unknownRuntimeMessage(String runtime) {
        return "Value " + runtime + " at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
                + ENUM_MESSAGE_ORDER + " or be a valid ARN";
    }

    /** AWS's message for a deprecated runtime on create or update. */
    static String deprecatedRuntimeMessage(String runtime) {
        return "The runtime parameter of " + runtime + " is no longer supported for creating or updating AWS Lambda"
                + " functions. We recommend you use a supported runtime while creating or updating functions.";
    }

}
