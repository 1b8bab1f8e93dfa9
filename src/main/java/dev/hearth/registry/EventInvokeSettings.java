package dev.hearth.registry;

import java.util.Optional;

/**
 * The members of a Put/UpdateFunctionEventInvokeConfig request, as sent. For a destination, an empty
 * optional means the member was not sent and {@code Optional.of("")} that it was sent empty (which
 * removes it on update).
 */
public record EventInvokeSettings(Optional<Integer> maximumRetryAttempts, Optional<Integer> maximumEventAgeInSeconds,
                                  Optional<String> onSuccess, Optional<String> onFailure) {

    boolean isEmpty() {
        return maximumRetryAttempts.isEmpty() && maximumEventAgeInSeconds.isEmpty() && onSuccess.isEmpty()
                && onFailure.isEmpty();
    }
}
