package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.store.ConcurrencyStore;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The control plane of concurrency: reserved concurrency per function and provisioned concurrency per
 * version or alias, with AWS's validation, rules and errors; the progress of provisioned configurations
 * as the data plane reports it. Its in-memory state doubles as the data plane's
 * {@link ConcurrencySettings}.
 *
 * <p>Blocking (store writes): call the operations from virtual threads. {@link #reportProvisioned} and
 * the {@link ConcurrencySettings} reads do not block.
 */
public interface ConcurrencyRegistry extends ConcurrencySettings {

    /** A page of ListProvisionedConcurrencyConfigs. */
    record ProvisionedPage(List<ProvisionedView> configs, Optional<String> nextMarker) {
    }

    /** Loads the stored settings and tells provisioned listeners about each configuration. */
    void recover();

    /** PutFunctionConcurrency; returns the reserved concurrency now set. */
    int putReserved(String functionName, Optional<Integer> reserved);

    /** GetFunctionConcurrency: empty when the function has no reservation. */
    OptionalInt getReserved(String functionName);

    /** DeleteFunctionConcurrency. */
    void deleteReserved(String functionName);

    /** The account's UnreservedConcurrentExecutions. */
    int unreserved();

    ProvisionedView putProvisioned(String functionName, Optional<String> qualifier, Optional<Integer> requested);

    ProvisionedView getProvisioned(String functionName, Optional<String> qualifier);

    ProvisionedPage listProvisioned(String functionName, Optional<String> marker, Optional<Integer> maxItems);

    void deleteProvisioned(String functionName, Optional<String> qualifier);

    /** Every provisioned configuration of a function (for the data plane and the version delete rules). */
    List<ProvisionedConfig> provisionedOf(String functionName);

    /** The data plane's report on a configuration's environments; ignored if the configuration is gone. */
    void reportProvisioned(String functionName, String qualifier, ProvisionedStatus status);

    void addProvisionedListener(ProvisionedListener listener);

    static ConcurrencyRegistry create(ConcurrencyStore store, FunctionDirectory directory, Arns arns,
                                      int accountLimit, Clock clock) {
        DefaultConcurrencyRegistry registry = new DefaultConcurrencyRegistry(store, directory, arns, accountLimit, clock);
        directory.addListener(registry::onFunctionChanged);
        directory.addAliasListener(registry::onAliasChanged);
        directory.addAliasGuard(registry::checkAliasChange);
        return registry;
    }
}
