package dev.hearth.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Functions and their versions, as rows whose configuration is an opaque JSON document owned by the
 * registry. Every method is one transaction. Implementations must make {@link #replaceVersion} a
 * compare-and-set on the revision id, so that two concurrent updates never both win.
 *
 * <p>Threading: blocking; called from virtual threads.
 */
public interface FunctionStore {

    /** A stored version row. */
    record VersionRow(String functionName, String version, String revisionId, String codeSha256Hex, long codeSize,
                      String document) {
        /** The position of this version in list order: {@code $LATEST} first, then by number. */
        public long ordinal() {
            return "$LATEST".equals(version) ? 0 : Long.parseLong(version);
        }
    }

    /** A position in list order: the last row of a page. */
    record ListKey(String functionName, long ordinal) {
    }

    /** A page of rows in list order, with the key to continue after when there are more. */
    record Page(List<VersionRow> rows, Optional<ListKey> next) {
    }

    /** Inserts a new function and its first version; false if a function of that name exists. */
    boolean insertFunction(VersionRow latest, Map<String, String> tags, long createdMillis);

    Optional<VersionRow> findVersion(String functionName, String version);

    /**
     * Replaces a version row if its current revision id is {@code expectedRevisionId}; returns false
     * (changing nothing) otherwise or if the row does not exist.
     */
    boolean replaceVersion(VersionRow row, String expectedRevisionId);

    /** Deletes a function with all its versions and tags; returns the code hashes no row references any more. */
    Optional<List<String>> deleteFunction(String functionName);

    /** Rows of {@code version} (or of every version when empty), ordered by function name then version. */
    Page listVersions(Optional<String> onlyVersion, Optional<ListKey> after, int limit);

    Optional<Map<String, String>> tags(String functionName);

    /** Replaces the tag map of a function; false if the function does not exist. */
    boolean replaceTags(String functionName, Map<String, String> tags);

    /** Function count and the total size of stored zips referenced by functions. */
    record Usage(long functionCount, long totalCodeSize) {
    }

    Usage usage();

    /** Every version row; read at start to resume background work a crash interrupted. */
    List<VersionRow> allVersions();

    /** Every code hash some version references. */
    java.util.Set<String> referencedCode();

    // ---- published versions ------------------------------------------------------------------

    /** The highest version number ever published for a function (0 if none), deleted versions included. */
    long lastPublishedNumber(String functionName);

    /**
     * Inserts a published version (its row carries its number) if {@code $LATEST} still has revision
     * {@code expectedLatestRevision} and no other version was published since {@code expectedLastNumber};
     * returns false (changing nothing) otherwise. The row's version must be {@code expectedLastNumber + 1}.
     */
    boolean insertPublishedVersion(VersionRow version, String expectedLatestRevision, long expectedLastNumber);

    /** What deleting one published version did. */
    record VersionDeletion(boolean deleted, List<String> referencingAliases, List<String> orphanedCode) {
    }

    /**
     * Deletes one published version unless an alias references it (as its version or its additional
     * version): then nothing changes and the aliases are named. Deleting a version that does not exist
     * changes nothing.
     */
    VersionDeletion deleteVersion(String functionName, String version);

    // ---- aliases -------------------------------------------------------------------------------

    /** A stored alias; {@code additionalVersion} and {@code additionalWeight} are its routing configuration. */
    record AliasRow(String functionName, String name, String functionVersion, Optional<String> additionalVersion,
                    double additionalWeight, String description, String revisionId) {
    }

    /** Inserts an alias; false if the function has an alias of that name already. */
    boolean insertAlias(AliasRow alias);

    Optional<AliasRow> findAlias(String functionName, String name);

    /** Replaces an alias if its revision id is {@code expectedRevisionId}; false (changing nothing) otherwise. */
    boolean replaceAlias(AliasRow alias, String expectedRevisionId);

    /** Deletes an alias; false if it did not exist. */
    boolean deleteAlias(String functionName, String name);

    /** The aliases of one function, ordered by name. */
    List<AliasRow> aliases(String functionName);

    /** Every alias; read at start to fill the in-memory directory. */
    List<AliasRow> allAliases();
}
