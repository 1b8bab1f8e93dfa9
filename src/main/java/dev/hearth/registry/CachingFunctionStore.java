package dev.hearth.registry;

import dev.hearth.store.FunctionStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link FunctionStore} decorator that keeps every function's {@code $LATEST} decoded in memory, so
 * the invoke path resolves functions without touching SQLite, and tells {@link FunctionListener}s
 * about each committed change. Every write goes through the registry and so through here; the map is
 * therefore never staler than the last commit. Thread-safe.
 */
final class CachingFunctionStore implements FunctionStore {

    private final FunctionStore delegate;
    private final Map<String, FunctionVersion> latest = new ConcurrentHashMap<>();
    private final List<FunctionListener> listeners = new CopyOnWriteArrayList<>();

    CachingFunctionStore(FunctionStore delegate) {
        this.delegate = delegate;
        for (VersionRow row : delegate.allVersions()) {
            if (FunctionVersion.LATEST.equals(row.version())) {
                latest.put(row.functionName(), FunctionDocuments.fromRow(row));
            }
        }
    }

    Optional<FunctionVersion> latest(String functionName) {
        return Optional.ofNullable(latest.get(functionName));
    }

    void addListener(FunctionListener listener) {
        listeners.add(listener);
    }

    @Override
    public boolean insertFunction(VersionRow row, Map<String, String> tags, long createdMillis) {
        boolean inserted = delegate.insertFunction(row, tags, createdMillis);
        if (inserted) {
            cache(row);
        }
        return inserted;
    }

    @Override
    public boolean replaceVersion(VersionRow row, String expectedRevisionId) {
        boolean replaced = delegate.replaceVersion(row, expectedRevisionId);
        if (replaced) {
            cache(row);
        }
        return replaced;
    }

    @Override
    public Optional<List<String>> deleteFunction(String functionName) {
        Optional<List<String>> result = delegate.deleteFunction(functionName);
        if (result.isPresent()) {
            latest.remove(functionName);
            notify(functionName, FunctionVersion.LATEST, Optional.empty());
        }
        return result;
    }

    private void cache(VersionRow row) {
        if (!FunctionVersion.LATEST.equals(row.version())) {
            return;
        }
        FunctionVersion version = FunctionDocuments.fromRow(row);
        latest.put(row.functionName(), version);
        notify(row.functionName(), row.version(), Optional.of(version));
    }

    private void notify(String functionName, String version, Optional<FunctionVersion> now) {
        for (FunctionListener listener : listeners) {
            listener.onChanged(functionName, version, now);
        }
    }

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
}
