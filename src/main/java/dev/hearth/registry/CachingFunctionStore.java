package dev.hearth.registry;

import dev.hearth.store.FunctionStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A {@link FunctionStore} decorator that keeps every function's versions ({@code $LATEST} and the
 * published ones) and aliases decoded in memory, so the invoke path resolves names, versions and aliases
 * without touching SQLite, and tells {@link FunctionListener}s about each committed change of a version.
 * Every write goes through the registry and so through here; the maps are therefore never staler than
 * the last commit. Thread-safe: a write commits and updates the maps under one lock, so that two
 * writers cannot leave the maps in the older writer's state (the store serialises transactions anyway);
 * reads never block.
 */
final class CachingFunctionStore implements FunctionStore {

    /** Function name → version ({@code $LATEST} or a number) → version. */
    private final Map<String, Map<String, FunctionVersion>> versions = new ConcurrentHashMap<>();
    /** Function name → alias name → alias. */
    private final Map<String, Map<String, Alias>> aliases = new ConcurrentHashMap<>();
    private final FunctionStore delegate;
    private final List<FunctionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<AliasListener> aliasListeners = new CopyOnWriteArrayList<>();
    private final List<AliasGuard> aliasGuards = new CopyOnWriteArrayList<>();
    private final ReentrantLock writes = new ReentrantLock();

    CachingFunctionStore(FunctionStore delegate) {
        this.delegate = delegate;
        for (VersionRow row : delegate.allVersions()) {
            versionsOf(row.functionName()).put(row.version(), FunctionDocuments.fromRow(row));
        }
        for (AliasRow row : delegate.allAliases()) {
            aliasesOf(row.functionName()).put(row.name(), toAlias(row));
        }
    }

    Optional<FunctionVersion> latest(String functionName) {
        return version(functionName, FunctionVersion.LATEST);
    }

    Optional<FunctionVersion> version(String functionName, String version) {
        Map<String, FunctionVersion> of = versions.get(functionName);
        return of == null ? Optional.empty() : Optional.ofNullable(of.get(version));
    }

    /** {@code $LATEST} and the published versions of a function, in no particular order. */
    List<FunctionVersion> versions(String functionName) {
        Map<String, FunctionVersion> of = versions.get(functionName);
        return of == null ? List.of() : List.copyOf(of.values());
    }

    Optional<Alias> alias(String functionName, String aliasName) {
        Map<String, Alias> of = aliases.get(functionName);
        return of == null ? Optional.empty() : Optional.ofNullable(of.get(aliasName));
    }

    /** The aliases of a function that route invocations to {@code version}, by name. */
    List<String> aliasesReferencing(String functionName, String version) {
        Map<String, Alias> of = aliases.get(functionName);
        return of == null ? List.of() : of.values().stream().filter(a -> a.references(version))
                .map(Alias::name).sorted().toList();
    }

    void addListener(FunctionListener listener) {
        listeners.add(listener);
    }

    void addAliasListener(AliasListener listener) {
        aliasListeners.add(listener);
    }

    void addAliasGuard(AliasGuard guard) {
        aliasGuards.add(guard);
    }

    /** Lets every guard refuse an alias change (it throws) before anything is written. */
    void checkAliasChange(Alias next) {
        aliasGuards.forEach(guard -> guard.checkChange(next));
    }

    static Alias toAlias(AliasRow row) {
        return new Alias(row.functionName(), row.name(), row.functionVersion(),
                row.additionalVersion().map(v -> new Alias.Routing(v, row.additionalWeight())),
                row.description(), row.revisionId());
    }

    static AliasRow toRow(Alias alias) {
        return new AliasRow(alias.functionName(), alias.name(), alias.functionVersion(),
                alias.routing().map(Alias.Routing::version), alias.routing().map(Alias.Routing::weight).orElse(0.0),
                alias.description(), alias.revisionId());
    }

    private Map<String, FunctionVersion> versionsOf(String functionName) {
        return versions.computeIfAbsent(functionName, n -> new ConcurrentHashMap<>());
    }

    private Map<String, Alias> aliasesOf(String functionName) {
        return aliases.computeIfAbsent(functionName, n -> new ConcurrentHashMap<>());
    }

    // ---- writes: delegate, then update memory and tell listeners ---------------------------------

    @Override
    public boolean insertFunction(VersionRow row, Map<String, String> tags, long createdMillis) {
        return locked(() -> {
            boolean inserted = delegate.insertFunction(row, tags, createdMillis);
            if (inserted) {
                cache(row);
            }
            return inserted;
        });
    }

    @Override
    public boolean replaceVersion(VersionRow row, String expectedRevisionId) {
        return locked(() -> {
            boolean replaced = delegate.replaceVersion(row, expectedRevisionId);
            if (replaced) {
                cache(row);
            }
            return replaced;
        });
    }

    @Override
    public boolean insertPublishedVersion(VersionRow version, String expectedLatestRevision, long expectedLastNumber) {
        return locked(() -> {
            boolean inserted = delegate.insertPublishedVersion(version, expectedLatestRevision, expectedLastNumber);
            if (inserted) {
                cache(version);
            }
            return inserted;
        });
    }

    @Override
    public Optional<List<String>> deleteFunction(String functionName) {
        return locked(() -> {
            Optional<List<String>> result = delegate.deleteFunction(functionName);
            if (result.isPresent()) {
                aliases.remove(functionName);
                Map<String, FunctionVersion> gone = versions.remove(functionName);
                if (gone != null) {
                    gone.keySet().forEach(v -> notify(functionName, v, Optional.empty()));
                }
            }
            return result;
        });
    }

    @Override
    public VersionDeletion deleteVersion(String functionName, String version) {
        return locked(() -> {
            VersionDeletion result = delegate.deleteVersion(functionName, version);
            if (result.deleted()) {
                Map<String, FunctionVersion> of = versions.get(functionName);
                if (of != null) {
                    of.remove(version);
                }
                notify(functionName, version, Optional.empty());
            }
            return result;
        });
    }

    @Override
    public boolean insertAlias(AliasRow alias) {
        return locked(() -> {
            boolean inserted = delegate.insertAlias(alias);
            if (inserted) {
                aliasesOf(alias.functionName()).put(alias.name(), toAlias(alias));
                notifyAlias(alias.functionName(), alias.name(), Optional.of(toAlias(alias)));
            }
            return inserted;
        });
    }

    @Override
    public boolean replaceAlias(AliasRow alias, String expectedRevisionId) {
        return locked(() -> {
            boolean replaced = delegate.replaceAlias(alias, expectedRevisionId);
            if (replaced) {
                aliasesOf(alias.functionName()).put(alias.name(), toAlias(alias));
                notifyAlias(alias.functionName(), alias.name(), Optional.of(toAlias(alias)));
            }
            return replaced;
        });
    }

    @Override
    public boolean deleteAlias(String functionName, String name) {
        return locked(() -> {
            boolean deleted = delegate.deleteAlias(functionName, name);
            if (deleted) {
                Map<String, Alias> of = aliases.get(functionName);
                if (of != null) {
                    of.remove(name);
                }
                notifyAlias(functionName, name, Optional.empty());
            }
            return deleted;
        });
    }

    private <T> T locked(Supplier<T> write) {
        writes.lock();
        try {
            return write.get();
        } finally {
            writes.unlock();
        }
    }

    private void cache(VersionRow row) {
        FunctionVersion version = FunctionDocuments.fromRow(row);
        versionsOf(row.functionName()).put(row.version(), version);
        notify(row.functionName(), row.version(), Optional.of(version));
    }

    private void notifyAlias(String functionName, String aliasName, Optional<Alias> now) {
        for (AliasListener listener : aliasListeners) {
            listener.onAliasChanged(functionName, aliasName, now);
        }
    }

    private void notify(String functionName, String version, Optional<FunctionVersion> now) {
        for (FunctionListener listener : listeners) {
            listener.onChanged(functionName, version, now);
        }
    }

    // ---- reads: the store (control-plane reads see exactly what is committed) ---------------------

    @Override
    public Optional<VersionRow> findVersion(String functionName, String version) {
        return delegate.findVersion(functionName, version);
    }

    @Override
    public Page listVersions(Optional<String> onlyVersion, Optional<ListKey> after, int limit) {
        return delegate.listVersions(onlyVersion, after, limit);
    }

    @Override
    public Optional<Map<String, String>> tags(String functionName) {
        return delegate.tags(functionName);
    }

    @Override
    public boolean replaceTags(String functionName, Map<String, String> tags) {
        return delegate.replaceTags(functionName, tags);
    }

    @Override
    public Usage usage() {
        return delegate.usage();
    }

    @Override
    public List<VersionRow> allVersions() {
        return delegate.allVersions();
    }

    @Override
    public Set<String> referencedCode() {
        return delegate.referencedCode();
    }

    @Override
    public long lastPublishedNumber(String functionName) {
        return delegate.lastPublishedNumber(functionName);
    }

    @Override
    public Optional<AliasRow> findAlias(String functionName, String name) {
        return delegate.findAlias(functionName, name);
    }

    @Override
    public List<AliasRow> aliases(String functionName) {
        return delegate.aliases(functionName);
    }

    @Override
    public List<AliasRow> allAliases() {
        return delegate.allAliases();
    }
}
