package dev.hearth.store;

import java.util.List;
import java.util.Map;

/**
 * Persistence of concurrency settings: reserved concurrency per function, provisioned concurrency per
 * function version or alias. Rows go with their function (the schema cascades the delete).
 *
 * <p>Blocking: every method is one store transaction; call from virtual threads.
 */
public interface ConcurrencyStore {

    /** One provisioned concurrency configuration as stored. */
    record ProvisionedRow(String functionName, String qualifier, int requested, String lastModified) {
    }

    /** Every function's reserved concurrency, by function name. */
    Map<String, Integer> reservedByFunction();

    /** Sets a function's reserved concurrency; false when the function does not exist (any more). */
    boolean putReserved(String functionName, int reserved);

    void deleteReserved(String functionName);

    List<ProvisionedRow> provisioned();

    /** Creates or replaces a provisioned config; false when the function does not exist (any more). */
    boolean putProvisioned(ProvisionedRow row);

    /** Deletes one provisioned config; false when there was none. */
    boolean deleteProvisioned(String functionName, String qualifier);
}
