package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.store.EventInvokeConfigStore;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The event-invoke configs of functions (Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s)), with
 * AWS's validation and errors, and the settings the async dispatcher applies to an event.
 *
 * <p>Threading: blocking (store access); call from virtual threads.
 */
public interface EventInvokeConfigs {

    /** A page of configs and the marker to continue after, when there are more. */
    record Page(List<EventInvokeConfig> configs, Optional<String> nextMarker) {
    }

    /** Replaces the config of the function and qualifier with {@code settings} (unsent members are removed). */
    EventInvokeConfig put(String functionName, Optional<String> qualifier, EventInvokeSettings settings);

    /** Changes only the members {@code settings} sends; the config must exist. */
    EventInvokeConfig update(String functionName, Optional<String> qualifier, EventInvokeSettings settings);

    EventInvokeConfig get(String functionName, Optional<String> qualifier);

    void delete(String functionName, Optional<String> qualifier);

    Page list(String functionName, Optional<String> marker, Optional<Integer> maxItems);

    /**
     * The settings for an event invoked with {@code qualifier} (empty: unqualified, i.e. {@code $LATEST}):
     * the stored config, or the defaults. Does not check that the function exists.
     */
    EventInvokeConfig effective(String functionName, Optional<String> qualifier);

    /** The qualified ARN a config is reported under ({@code FunctionArn}). */
    String arnOf(EventInvokeConfig config);

    /**
     * The configs on {@code store}. A config of a version or alias is deleted with its version or alias
     * (the store's cascade removes a deleted function's), so that a later alias of the same name starts
     * without it. {@code sqsConfigured}: whether SQS destinations can be delivered (else they are refused).
     */
    static EventInvokeConfigs create(FunctionDirectory directory, EventInvokeConfigStore store, Arns arns, Clock clock,
                                     boolean sqsConfigured) {
        directory.addListener((functionName, version, now) -> {
            if (now.isEmpty() && !FunctionVersion.LATEST.equals(version)) {
                store.delete(functionName, version);
            }
        });
        directory.addAliasListener((functionName, aliasName, now) -> {
            if (now.isEmpty()) {
                store.delete(functionName, aliasName);
            }
        });
        return new StoredEventInvokeConfigs(directory, store, arns, clock, sqsConfigured);
    }
}
