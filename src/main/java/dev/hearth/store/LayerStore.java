package dev.hearth.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Layers and their immutable versions, as rows whose metadata and policy are opaque JSON documents owned
 * by the registry. Every method is one transaction. Version numbers are allocated here, per layer,
 * starting at 1 and never reused, also after deletions.
 *
 * <p>Threading: blocking; called from virtual threads.
 */
public interface LayerStore {

    /** A stored layer version. {@code policy} is empty when the version has no resource policy. */
    record VersionRow(String layerName, long version, String codeSha256Hex, long codeSize, String document,
                      Optional<String> policy) {
    }

    /**
     * Allocates the next version number of {@code layerName} (creating the layer on first use) and inserts
     * the row {@code build} makes for that number, atomically.
     */
    VersionRow publish(String layerName, LongFunction<VersionRow> build);

    Optional<VersionRow> find(String layerName, long version);

    /** Every version of {@code layerName}, newest first. */
    List<VersionRow> versions(String layerName);

    /** Every version of every layer, by layer name, newest version first within a layer. */
    List<VersionRow> all();

    /** Deletes one version; returns its row when it existed. */
    Optional<VersionRow> delete(String layerName, long version);

    /**
     * Replaces the policy of a version if it is still {@code expected} (compare-and-set); false when it
     * changed meanwhile or the version does not exist.
     */
    boolean replacePolicy(String layerName, long version, Optional<String> expected, Optional<String> policy);

    /** Every code hash an existing layer version references. */
    Set<String> referencedCode();

    /** The total size of the zips of every layer version (account usage). */
    long totalCodeSize();
}
