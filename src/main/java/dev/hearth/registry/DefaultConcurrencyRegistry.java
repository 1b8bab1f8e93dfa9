package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;
import dev.hearth.store.ConcurrencyStore;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link ConcurrencyRegistry} over a {@link ConcurrencyStore}, with the settings in memory as immutable
 * snapshots behind volatile fields: the invoke path reads them without locks, writers (control-plane
 * calls on virtual threads) serialise on one lock so that a check against the account figures and the
 * write it allows are atomic.
 *
 * <p>About 400 lines because reserved and provisioned concurrency check each other (a reservation may not
 * drop below the provisioned sum, provisioned concurrency may not exceed the reservation or drain the
 * unreserved pool) under one lock; the arithmetic itself is in {@link ConcurrencyRules}.
 */
final class DefaultConcurrencyRegistry implements ConcurrencyRegistry {

    static final DateTimeFormatter LAST_MODIFIED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    private static final int MAX_LIST_ITEMS = 50;

    private record Key(String functionName, String qualifier) {
    }

    private final ConcurrencyStore store;
    private final FunctionDirectory directory;
    private final Arns arns;
    private final int accountLimit;
    private final Clock clock;
    private final ReentrantLock writes = new ReentrantLock();
    private final List<ProvisionedListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Key, ProvisionedStatus> statuses = new ConcurrentHashMap<>();
    private volatile Map<String, Integer> reserved = Map.of();
    private volatile Map<Key, ProvisionedConfig> provisioned = Map.of();
    private volatile int unreservedPool;

    DefaultConcurrencyRegistry(ConcurrencyStore store, FunctionDirectory directory, Arns arns, int accountLimit,
                               Clock clock) {
        this.store = store;
        this.directory = directory;
        this.arns = arns;
        this.accountLimit = accountLimit;
        this.clock = clock;
        this.unreservedPool = accountLimit;
    }

    @Override
    public void recover() {
        List<ProvisionedConfig> loaded = new ArrayList<>();
        writes.lock();
        try {
            Map<Key, ProvisionedConfig> p = new HashMap<>();
            for (ConcurrencyStore.ProvisionedRow row : store.provisioned()) {
                ProvisionedConfig c = new ProvisionedConfig(row.functionName(), row.qualifier(), row.requested(),
                        row.lastModified());
                p.put(new Key(row.functionName(), row.qualifier()), c);
                statuses.put(new Key(row.functionName(), row.qualifier()), ProvisionedStatus.starting());
                loaded.add(c);
            }
            publish(store.reservedByFunction(), p);
        } finally {
            writes.unlock();
        }
        for (ProvisionedConfig c : loaded) {
            listeners.forEach(l -> l.onProvisioned(c.functionName(), c.qualifier(), Optional.of(c)));
        }
    }

    // ---- data plane view ------------------------------------------------------------------------------

    @Override
    public OptionalInt reserved(String functionName) {
        Integer r = reserved.get(functionName);
        return r == null ? OptionalInt.empty() : OptionalInt.of(r);
    }

    @Override
    public int unreservedPool() {
        return unreservedPool;
    }

    @Override
    public int accountLimit() {
        return accountLimit;
    }

    // ---- reserved concurrency ---------------------------------------------------------------------------

    @Override
    public int putReserved(String functionName, Optional<Integer> value) {
        String name = function(functionName);
        if (value.isEmpty()) {
            new Validation().missing("reservedConcurrentExecutions").throwIfFailed();
        }
        int n = value.get();
        if (n < 0) {
            new Validation().fail(n, "reservedConcurrentExecutions", "Member must have value greater than or equal to 0")
                    .throwIfFailed();
        }
        writes.lock();
        try {
            int provisionedSum = provisionedSums().getOrDefault(name, 0);
            if (n < provisionedSum) {
                throw LambdaException.invalidParameter("Specified ReservedConcurrentExecutions for function is less"
                        + " than the function's provisioned concurrency [" + provisionedSum + "].");
            }
            Map<String, Integer> next = new HashMap<>(reserved);
            next.put(name, n);
            if (!ConcurrencyRules.leavesMinimum(accountLimit, next, provisionedSums())) {
                throw new LambdaException(ErrorCode.INVALID_PARAMETER_VALUE_UNTYPED, "Specified ReservedConcurrentExecutions"
                        + " for function decreases account's UnreservedConcurrentExecution below its minimum value of ["
                        + ConcurrencyRules.minimumUnreserved(accountLimit) + "].");
            }
            if (!store.putReserved(name, n)) {
                throw notFound(name);
            }
            publish(next, provisioned);
            return n;
        } finally {
            writes.unlock();
        }
    }

    @Override
    public OptionalInt getReserved(String functionName) {
        return reserved(function(functionName));
    }

    @Override
    public void deleteReserved(String functionName) {
        String name = function(functionName);
        writes.lock();
        try {
            store.deleteReserved(name);
            Map<String, Integer> next = new HashMap<>(reserved);
            next.remove(name);
            publish(next, provisioned);
        } finally {
            writes.unlock();
        }
    }

    @Override
    public int unreserved() {
        return unreservedPool;
    }

    // ---- provisioned concurrency ------------------------------------------------------------------------

    @Override
    public ProvisionedView putProvisioned(String functionName, Optional<String> qualifier, Optional<Integer> requested) {
        Qualified target = provisionable(functionName, qualifier);
        if (requested.isEmpty()) {
            new Validation().missing("provisionedConcurrentExecutions").throwIfFailed();
        }
        if (usesSnapStart(target)) {
            throw snapStartRefused();
        }
        int n = requested.get();
        if (n < 1) {
            new Validation().fail(n, "provisionedConcurrentExecutions",
                    "Member must have value greater than or equal to 1").throwIfFailed();
        }
        String name = target.functionName();
        Key key = new Key(name, target.qualifier().orElseThrow());
        ProvisionedConfig config = new ProvisionedConfig(name, key.qualifier(), n,
                LAST_MODIFIED.format(clock.instant()));
        writes.lock();
        try {
            checkNoOverlap(target);
            Map<Key, ProvisionedConfig> next = new HashMap<>(provisioned);
            next.put(key, config);
            Map<String, Integer> sums = sums(next);
            Integer fnReserved = reserved.get(name);
            if (fnReserved != null && fnReserved < sums.get(name)) {
                throw LambdaException.invalidParameter(
                        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution"
                                + " for function");
            }
            if (fnReserved == null && !ConcurrencyRules.leavesMinimum(accountLimit, reserved, sums)) {
                throw new LambdaException(ErrorCode.INVALID_PARAMETER_VALUE_UNTYPED, "Specified ConcurrentExecutions"
                        + " for function decreases account's UnreservedConcurrentExecution below its minimum value of ["
                        + ConcurrencyRules.minimumUnreserved(accountLimit) + "].");
            }
            if (!store.putProvisioned(new ConcurrencyStore.ProvisionedRow(name, key.qualifier(), n,
                    config.lastModified()))) {
                throw notFound(name);
            }
            statuses.put(key, ProvisionedStatus.starting());
            publish(reserved, next);
        } finally {
            writes.unlock();
        }
        listeners.forEach(l -> l.onProvisioned(name, key.qualifier(), Optional.of(config)));
        return view(config);
    }

    @Override
    public ProvisionedView getProvisioned(String functionName, Optional<String> qualifier) {
        Qualified target = provisionable(functionName, qualifier);
        ProvisionedConfig config = provisioned.get(new Key(target.functionName(), target.qualifier().orElseThrow()));
        if (config == null) {
            throw configNotFound();
        }
        return view(config);
    }

    @Override
    public ProvisionedPage listProvisioned(String functionName, Optional<String> marker, Optional<Integer> maxItems) {
        String name = function(functionName);
        int max = maxItems.orElse(MAX_LIST_ITEMS);
        if (max < 1 || max > MAX_LIST_ITEMS) {
            new Validation().fail(max, "maxItems", max < 1 ? "Member must have value greater than or equal to 1"
                    : "Member must have value less than or equal to " + MAX_LIST_ITEMS).throwIfFailed();
        }
        List<ProvisionedConfig> all = provisionedOf(name);
        int from = 0;
        if (marker.isPresent()) {
            while (from < all.size() && all.get(from).qualifier().compareTo(marker.get()) <= 0) {
                from++;
            }
        }
        List<ProvisionedView> page = new ArrayList<>();
        for (int i = from; i < all.size() && page.size() < max; i++) {
            page.add(view(all.get(i)));
        }
        Optional<String> next = from + page.size() < all.size()
                ? Optional.of(page.getLast().config().qualifier()) : Optional.empty();
        return new ProvisionedPage(page, next);
    }

    @Override
    public void deleteProvisioned(String functionName, Optional<String> qualifier) {
        Qualified target = provisionable(functionName, qualifier);
        Key key = new Key(target.functionName(), target.qualifier().orElseThrow());
        writes.lock();
        try {
            if (!provisioned.containsKey(key)) {
                throw configNotFound();
            }
            store.deleteProvisioned(key.functionName(), key.qualifier());
            removeProvisioned(key);
        } finally {
            writes.unlock();
        }
        listeners.forEach(l -> l.onProvisioned(key.functionName(), key.qualifier(), Optional.empty()));
    }

    @Override
    public List<ProvisionedConfig> provisionedOf(String functionName) {
        return provisioned.values().stream().filter(c -> c.functionName().equals(functionName))
                .sorted(java.util.Comparator.comparing(ProvisionedConfig::qualifier)).toList();
    }

    @Override
    public void reportProvisioned(String functionName, String qualifier, ProvisionedStatus status) {
        statuses.computeIfPresent(new Key(functionName, qualifier), (k, old) -> status);
    }

    @Override
    public void addProvisionedListener(ProvisionedListener listener) {
        listeners.add(listener);
    }

    /** A function or one of its versions was deleted: its settings go with it (the store cascades). */
    void onFunctionChanged(String functionName, String version, Optional<FunctionVersion> now) {
        if (now.isPresent()) {
            return;
        }
        List<Key> gone = new ArrayList<>();
        writes.lock();
        try {
            boolean wholeFunction = FunctionVersion.LATEST.equals(version);
            for (Key key : provisioned.keySet()) {
                if (key.functionName().equals(functionName) && (wholeFunction || key.qualifier().equals(version))) {
                    gone.add(key);
                }
            }
            if (!wholeFunction) {
                gone.forEach(k -> store.deleteProvisioned(k.functionName(), k.qualifier()));
            }
            gone.forEach(this::removeProvisioned);
            if (wholeFunction && reserved.containsKey(functionName)) {
                Map<String, Integer> next = new HashMap<>(reserved);
                next.remove(functionName);
                publish(next, provisioned);
            }
        } finally {
            writes.unlock();
        }
        gone.forEach(k -> listeners.forEach(l -> l.onProvisioned(k.functionName(), k.qualifier(), Optional.empty())));
    }

    /**
     * An alias was deleted: its provisioned configuration goes with it. An alias now pointing elsewhere:
     * its configuration is provisioned again, for the version it points at now (as AWS re-allocates
     * provisioned concurrency when an alias moves).
     */
    void onAliasChanged(String functionName, String aliasName, Optional<Alias> now) {
        Key key = new Key(functionName, aliasName);
        ProvisionedConfig config = provisioned.get(key);
        if (config == null) {
            return;
        }
        if (now.isPresent()) {
            listeners.forEach(l -> l.onProvisioned(functionName, aliasName, Optional.of(config)));
            return;
        }
        writes.lock();
        try {
            store.deleteProvisioned(functionName, aliasName);
            removeProvisioned(key);
        } finally {
            writes.unlock();
        }
        listeners.forEach(l -> l.onProvisioned(functionName, aliasName, Optional.empty()));
    }

    /**
     * An alias with provisioned concurrency may not move to a SnapStart version (primary or weighted): its
     * configuration would follow it there, which PutProvisionedConcurrencyConfig refuses.
     */
    void checkAliasChange(Alias next) {
        if (provisioned.containsKey(new Key(next.functionName(), next.name())) && usesSnapStart(next)) {
            throw snapStartRefused();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private void removeProvisioned(Key key) {
        Map<Key, ProvisionedConfig> next = new HashMap<>(provisioned);
        next.remove(key);
        statuses.remove(key);
        publish(reserved, next);
    }

    private void publish(Map<String, Integer> newReserved, Map<Key, ProvisionedConfig> newProvisioned) {
        reserved = Map.copyOf(newReserved);
        provisioned = Map.copyOf(newProvisioned);
        unreservedPool = ConcurrencyRules.unreserved(accountLimit, reserved, sums(provisioned));
    }

    private Map<String, Integer> provisionedSums() {
        return sums(provisioned);
    }

    private static Map<String, Integer> sums(Map<Key, ProvisionedConfig> configs) {
        Map<String, Integer> sums = new HashMap<>();
        configs.values().forEach(c -> sums.merge(c.functionName(), c.requested(), Integer::sum));
        return sums;
    }

    private ProvisionedView view(ProvisionedConfig config) {
        ProvisionedStatus status = statuses.getOrDefault(new Key(config.functionName(), config.qualifier()),
                ProvisionedStatus.starting());
        return new ProvisionedView(config, status, arns.function(config.functionName(), config.qualifier()));
    }

    /**
     * The bare name of an existing function for the function-wide operations. AWS names the function
     * unqualified in their not-found message. They apply to the function as a whole, so a qualified
     * name is refused.
     */
    private String function(String functionName) {
        FunctionRef ref = Validation.functionName(functionName, FunctionRef.Form.NAMESPACED);
        if (ref.qualifier().isPresent()) {
            throw LambdaException.invalidParameter("Concurrency settings apply to the whole function: name it"
                    + " without a qualifier.");
        }
        try {
            return directory.target(functionName, Optional.empty()).functionName();
        } catch (LambdaException e) {
            if (e.code() == ErrorCode.RESOURCE_NOT_FOUND && e.getMessage().startsWith("Function not found")) {
                throw notFound(ref.name());
            }
            throw e;
        }
    }

    /** A version or alias that may carry provisioned concurrency, with AWS's refusals. */
    private Qualified provisionable(String functionName, Optional<String> qualifier) {
        FunctionRef ref = Validation.functionName(functionName, FunctionRef.Form.NAMESPACED);
        if (ref.qualifier().isEmpty() && qualifier.filter(q -> !q.isEmpty()).isEmpty()) {
            new Validation().missing("qualifier").throwIfFailed();
        }
        Qualified target = directory.target(functionName, qualifier);
        if (target.kind() == Qualified.Kind.LATEST || target.kind() == Qualified.Kind.UNQUALIFIED) {
            throw LambdaException.invalidParameter(
                    "Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
        }
        return target;
    }

    /** Whether a version the target runs (an alias's primary or weighted one) was published with SnapStart on. */
    private boolean usesSnapStart(Qualified target) {
        String name = target.functionName();
        String qualifier = target.qualifier().orElseThrow();
        return target.kind() == Qualified.Kind.ALIAS
                ? directory.alias(name, qualifier).map(this::usesSnapStart).orElse(false)
                : usesSnapStart(name, java.util.stream.Stream.of(qualifier));
    }

    private boolean usesSnapStart(Alias alias) {
        return usesSnapStart(alias.functionName(), java.util.stream.Stream.concat(
                java.util.stream.Stream.of(alias.functionVersion()), alias.routing().stream().map(r -> r.version())));
    }

    private boolean usesSnapStart(String name, java.util.stream.Stream<String> versions) {
        return versions.flatMap(v -> directory.version(name, v).stream())
                .anyMatch(v -> "PublishedVersions".equals(v.config().snapStartApplyOn()));
    }

    /** AWS: SnapStart does not support provisioned concurrency (its environments restore on demand). */
    private static LambdaException snapStartRefused() {
        return LambdaException.invalidParameter(
                "Provisioned Concurrency Configs cannot be applied to function versions with SnapStart enabled.");
    }

    /**
     * AWS keeps one configuration per set of environments: an alias may not be configured when its version
     * is, nor a version that an alias with a configuration points at.
     */
    private void checkNoOverlap(Qualified target) {
        String name = target.functionName();
        String qualifier = target.qualifier().orElseThrow();
        if (target.kind() == Qualified.Kind.ALIAS) {
            directory.alias(name, qualifier).map(Alias::functionVersion)
                    .filter(version -> provisioned.containsKey(new Key(name, version)))
                    .ifPresent(version -> {
                        throw LambdaException.conflict("Alias can't be used for Provisioned Concurrency configuration"
                                + " on an already Provisioned version");
                    });
            return;
        }
        for (Key other : provisioned.keySet()) {
            if (other.functionName().equals(name) && directory.alias(name, other.qualifier())
                    .filter(a -> a.functionVersion().equals(qualifier)).isPresent()) {
                throw LambdaException.conflict("Version is pointed by a Provisioned Concurrency alias");
            }
        }
    }

    private LambdaException notFound(String name) {
        return LambdaException.notFound("Function not found: " + arns.function(name));
    }

    private static LambdaException configNotFound() {
        return new LambdaException(ErrorCode.PROVISIONED_CONCURRENCY_CONFIG_NOT_FOUND,
                "No Provisioned Concurrency Config found for this function");
    }
}
