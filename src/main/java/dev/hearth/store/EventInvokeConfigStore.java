package dev.hearth.store;

import java.util.List;
import java.util.Optional;

/**
 * Event-invoke configs (asynchronous invocation settings), one per function and qualifier; they go
 * with their function when it is deleted. Every method is one transaction.
 *
 * <p>Threading: blocking; called from virtual threads.
 */
public interface EventInvokeConfigStore {

    /**
     * One stored config. An absent member was not set (AWS then applies its default and omits the key).
     *
     * @param qualifier {@code $LATEST} for the unqualified function, else a version or alias
     */
    record Row(String functionName, String qualifier, Optional<Integer> maximumRetryAttempts,
               Optional<Integer> maximumEventAgeInSeconds, Optional<String> onSuccess, Optional<String> onFailure,
               long lastModifiedMillis) {
    }

    /** Inserts or replaces the config of {@code row}'s function and qualifier. */
    void put(Row row);

    Optional<Row> get(String functionName, String qualifier);

    /** Deletes; false when there was none. */
    boolean delete(String functionName, String qualifier);

    /** The configs of one function, by qualifier. */
    List<Row> list(String functionName);
}
