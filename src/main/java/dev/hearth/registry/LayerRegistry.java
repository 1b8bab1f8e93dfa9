package dev.hearth.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The control plane for layers: publish, read, list and delete layer versions, and their resource
 * policies, with AWS's validation and errors ({@link dev.hearth.core.LambdaException}). Layer names arrive
 * raw, as the caller wrote them (a name or a layer ARN), and are validated here.
 *
 * <p>Threading: blocking (store and code store); call from virtual threads. Safe for concurrent use:
 * version numbers are allocated by the store, policies change by compare-and-set.
 */
public interface LayerRegistry {

    /** PublishLayerVersion; every member but the name and the content optional, as sent. */
    record Publish(String layerName, Optional<CodeInput> content, Optional<String> description,
                   Optional<List<String>> compatibleRuntimes, Optional<List<String>> compatibleArchitectures,
                   Optional<String> licenseInfo) {
    }

    /** AddLayerVersionPermission; the required members may be missing (AWS reports them). */
    record Grant(String layerName, long version, Optional<String> statementId, Optional<String> action,
                 Optional<String> principal, Optional<String> organizationId, Optional<String> revisionId) {
    }

    /** A layer in ListLayers: its newest version that matches the filters. */
    record LayerSummary(String layerName, LayerVersion latestMatchingVersion) {
    }

    /** One page of a list, with the marker of the next page when there is one. */
    record Page<T>(List<T> items, Optional<String> nextMarker) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /** A policy document or statement as AWS returns it (JSON text), with the policy's revision id. */
    record PolicyText(String json, String revisionId) {
    }

    LayerVersion publish(Publish request);

    LayerVersion get(String layerName, long version);

    /** GetLayerVersionByArn: {@code arn} is a layer version ARN. */
    LayerVersion getByArn(String arn);

    Page<LayerSummary> list(Optional<String> compatibleRuntime, Optional<String> compatibleArchitecture,
                            Optional<String> marker, Optional<Integer> maxItems);

    /** The versions of one layer, newest first; empty (not an error) for a layer that does not exist. */
    Page<LayerVersion> listVersions(String layerName, Optional<String> compatibleRuntime,
                                    Optional<String> compatibleArchitecture, Optional<String> marker,
                                    Optional<Integer> maxItems);

    /** Deletes a version; succeeds also when it does not exist, as on AWS. */
    void delete(String layerName, long version);

    /** Adds a statement; returns the statement as AWS renders it and the policy's new revision id. */
    PolicyText addPermission(Grant grant);

    PolicyText policy(String layerName, long version);

    void removePermission(String layerName, long version, String statementId, Optional<String> revisionId);

    /** The stored zip with this hex SHA-256, for content downloads. */
    Optional<Path> codeBlob(String sha256Hex);

    /** {@code arn:aws:lambda:<region>:<account>:layer:<name>} */
    String layerArn(String layerName);

    /** {@code arn:aws:lambda:<region>:<account>:layer:<name>:<version>} */
    default String versionArn(String layerName, long version) {
        return layerArn(layerName) + ":" + version;
    }
}
