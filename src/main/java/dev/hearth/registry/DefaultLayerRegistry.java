package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import dev.hearth.registry.LayerRules.LayerName;
import dev.hearth.store.CodeArtifact;
import dev.hearth.store.CodeStore;
import dev.hearth.store.LayerStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The layer registry on a {@link LayerStore} and the {@link CodeStore} it shares with functions. See
 * {@link LayerRegistry} for the contract. Lists are built from every stored version and paged in memory:
 * a node holds tens or hundreds of layer versions, not millions.
 */
final class DefaultLayerRegistry implements LayerRegistry {

    static final String NOT_FOUND = "The resource you requested does not exist.";
    private static final String NO_POLICY = "No policy is associated with the given resource.";

    private final LayerStore store;
    private final CodeStore code;
    private final CodeReferences references;
    private final Arns arns;
    private final Ids ids;
    private final Clock clock;

    DefaultLayerRegistry(LayerStore store, CodeStore code, CodeReferences references, Arns arns, Ids ids, Clock clock) {
        this.store = store;
        this.code = code;
        this.references = references;
        this.arns = arns;
        this.ids = ids;
        this.clock = clock;
    }

    // ---- versions ------------------------------------------------------------------------------

    @Override
    public LayerVersion publish(Publish p) {
        LayerRules.checkPublish(p);
        LayerName name = LayerRules.name(p.layerName());
        if (!isHere(name)) {
            // Publishing into another account (or region) is an authorisation failure, and says no more.
            throw new LambdaException(ErrorCode.ACCESS_DENIED, null);
        }
        byte[] zip = zipFrom(p.content().orElseThrow());
        references.lock().lock();
        try {
            CodeArtifact artifact = code.put(zip);
            long now = clock.millis();
            LayerStore.VersionRow row = store.publish(name.name(), version -> LayerDocuments.toRow(new LayerVersion(
                    name.name(), version, p.description().orElse(""), p.compatibleRuntimes(),
                    p.compatibleArchitectures(), p.licenseInfo(), now, artifact)));
            return LayerDocuments.fromRow(row);
        } finally {
            references.lock().unlock();
        }
    }

    private static byte[] zipFrom(CodeInput content) {
        if (content.s3Bucket().isPresent() || content.s3Key().isPresent()) {
            throw LambdaException.invalidParameter("Hearth does not support layer content from S3 yet"
                    + " (Content.S3Bucket/S3Key); send the .zip inline with Content.ZipFile (the AWS CLI's"
                    + " --zip-file fileb://...).");
        }
        byte[] zip = content.zipFile().orElseThrow(() -> LambdaException.invalidParameter(
                "Please provide a source for the layer content: Content.ZipFile."));
        if (zip.length > CodeStore.MAX_ZIPPED_BYTES) {
            throw new LambdaException(ErrorCode.REQUEST_TOO_LARGE,
                    "Zipped size must be smaller than " + CodeStore.MAX_ZIPPED_BYTES + " bytes");
        }
        return zip;
    }

    @Override
    public LayerVersion get(String layerName, long version) {
        LayerName name = LayerRules.name(layerName);
        LayerRules.checkVersionNumber(version);
        return find(name, version).orElseThrow(() -> LambdaException.notFound(NOT_FOUND));
    }

    @Override
    public LayerVersion getByArn(String arn) {
        LayerRules.VersionArn parsed = LayerRules.versionArn(arn);
        LayerName name = new LayerName(parsed.name(), Optional.of(parsed.region()), Optional.of(parsed.account()));
        return find(name, parsed.version()).orElseThrow(() -> LambdaException.notFound(NOT_FOUND));
    }

    private Optional<LayerVersion> find(LayerName name, long version) {
        if (!isHere(name)) {
            return Optional.empty();
        }
        return store.find(name.name(), version).map(LayerDocuments::fromRow);
    }

    /** A function's reference to a layer version, resolved, when that version exists on this node. */
    Optional<FunctionConfig.LayerRef> resolve(String versionArn) {
        LayerRules.VersionArn parsed;
        try {
            parsed = LayerRules.versionArn(versionArn);
        } catch (LambdaException notALayerVersionArn) {
            return Optional.empty(); // e.g. an AWS-managed "awslayer" ARN, which no node has
        }
        return find(new LayerName(parsed.name(), Optional.of(parsed.region()), Optional.of(parsed.account())),
                parsed.version())
                .map(v -> new FunctionConfig.LayerRef(versionArn, v.code().size(), v.code().sha256Hex(),
                        v.code().unzippedSize()));
    }

    @Override
    public Page<LayerSummary> list(Optional<String> runtime, Optional<String> architecture, Optional<String> marker,
                                   Optional<Integer> maxItems) {
        LayerRules.checkList(runtime, architecture, maxItems);
        Optional<String> after = marker.filter(m -> !m.isEmpty()).map(DefaultLayerRegistry::decodeMarker);
        List<LayerSummary> matching = new ArrayList<>();
        String current = null;
        // Rows come by layer name, newest version first: the first match of each layer is its latest.
        for (LayerStore.VersionRow row : store.all()) {
            if (row.layerName().equals(current) || after.filter(a -> row.layerName().compareTo(a) <= 0).isPresent()) {
                continue;
            }
            LayerVersion v = LayerDocuments.fromRow(row);
            if (v.matches(runtime, architecture)) {
                matching.add(new LayerSummary(v.layerName(), v));
                current = row.layerName();
            }
        }
        return page(matching, maxItems, s -> s.layerName());
    }

    @Override
    public Page<LayerVersion> listVersions(String layerName, Optional<String> runtime, Optional<String> architecture,
                                           Optional<String> marker, Optional<Integer> maxItems) {
        LayerName name = LayerRules.name(layerName);
        LayerRules.checkList(runtime, architecture, maxItems);
        Optional<Long> before = marker.filter(m -> !m.isEmpty()).map(DefaultLayerRegistry::decodeVersionMarker);
        if (!isHere(name)) {
            return new Page<>(List.of(), Optional.empty());
        }
        Predicate<LayerVersion> wanted = v -> v.matches(runtime, architecture)
                && before.map(b -> v.version() < b).orElse(true);
        List<LayerVersion> versions = store.versions(name.name()).stream().map(LayerDocuments::fromRow)
                .filter(wanted).toList();
        return page(versions, maxItems, v -> Long.toString(v.version()));
    }

    private static <T> Page<T> page(List<T> all, Optional<Integer> maxItems, java.util.function.Function<T, String> key) {
        int limit = maxItems.orElse(LayerRules.MAX_LIST_ITEMS);
        if (all.size() <= limit) {
            return new Page<>(all, Optional.empty());
        }
        List<T> items = all.subList(0, limit);
        return new Page<>(items, Optional.of(encodeMarker(key.apply(items.getLast()))));
    }

    private static String encodeMarker(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeMarker(String marker) {
        try {
            return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidMarker(marker);
        }
    }

    private static long decodeVersionMarker(String marker) {
        try {
            return Long.parseLong(decodeMarker(marker));
        } catch (NumberFormatException e) {
            throw invalidMarker(marker);
        }
    }

    private static LambdaException invalidMarker(String marker) {
        return LambdaException.invalidParameter("Invalid Marker: " + marker
                + ". Pass the NextMarker of the previous response.");
    }

    @Override
    public void delete(String layerName, long version) {
        LayerName name = LayerRules.name(layerName);
        LayerRules.checkVersionNumber(version);
        if (!isHere(name)) {
            return;
        }
        references.lock().lock();
        try {
            if (store.delete(name.name(), version).isPresent()) {
                // Its code goes too, unless a function configured with this version still runs it.
                references.collect();
            }
        } finally {
            references.lock().unlock();
        }
    }

    // ---- policies ------------------------------------------------------------------------------

    @Override
    public PolicyText addPermission(Grant g) {
        LayerRules.checkGrant(g);
        LayerName name = LayerRules.name(g.layerName());
        String sid = g.statementId().orElseThrow();
        while (true) {
            LayerStore.VersionRow row = existing(name, g.version());
            Optional<LayerPolicy> policy = LayerPolicy.fromStored(row.policy());
            if (policy.flatMap(p -> p.statement(sid)).isPresent()) {
                throw LambdaException.conflict("The statement id (" + sid + ") provided already exists. Please provide"
                        + " a new statement id, or remove the existing statement.");
            }
            checkRevision(g.revisionId(), policy);
            String revision = ids.revisionId();
            LayerPolicy.Statement statement = new LayerPolicy.Statement(sid, g.principal().orElseThrow(),
                    g.organizationId());
            LayerPolicy next = policy.map(p -> p.plus(statement, revision))
                    .orElseGet(() -> new LayerPolicy(revision, List.of(statement)));
            if (store.replacePolicy(name.name(), g.version(), row.policy(), Optional.of(next.toStored()))) {
                return new PolicyText(LayerPolicy.statementJson(statement, versionArn(name.name(), g.version())),
                        revision);
            }
            // Another change to this policy won the compare-and-set: check again against the new one.
        }
    }

    @Override
    public PolicyText policy(String layerName, long version) {
        LayerName name = LayerRules.name(layerName);
        LayerStore.VersionRow row = existing(name, version);
        LayerPolicy policy = LayerPolicy.fromStored(row.policy())
                .orElseThrow(() -> LambdaException.notFound(NO_POLICY));
        return new PolicyText(policy.document(versionArn(name.name(), version)), policy.revisionId());
    }

    @Override
    public void removePermission(String layerName, long version, String statementId, Optional<String> revisionId) {
        LayerName name = LayerRules.name(layerName);
        LayerRules.checkStatementId(statementId);
        while (true) {
            LayerStore.VersionRow row = existing(name, version);
            Optional<LayerPolicy> policy = LayerPolicy.fromStored(row.policy());
            if (policy.isEmpty()) {
                throw LambdaException.notFound(NO_POLICY);
            }
            checkRevision(revisionId, policy);
            if (policy.get().statement(statementId).isEmpty()) {
                throw LambdaException.notFound("Statement " + statementId + " is not found in resource policy.");
            }
            Optional<String> next = policy.get().minus(statementId, ids.revisionId()).map(LayerPolicy::toStored);
            if (store.replacePolicy(name.name(), version, row.policy(), next)) {
                return;
            }
        }
    }

    /** The row of a version the policy operations address, or AWS's error naming the version's ARN. */
    private LayerStore.VersionRow existing(LayerName name, long version) {
        LayerRules.checkVersionNumber(version);
        Optional<LayerStore.VersionRow> row = isHere(name) ? store.find(name.name(), version) : Optional.empty();
        return row.orElseThrow(() -> LambdaException.notFound("Layer version " + "arn:aws:lambda:"
                + name.region().orElse(arns.region()) + ":" + name.account().orElse(arns.accountId()) + ":layer:"
                + name.name() + ":" + version + " does not exist."));
    }

    private static void checkRevision(Optional<String> expected, Optional<LayerPolicy> policy) {
        if (expected.isPresent() && !expected.equals(policy.map(LayerPolicy::revisionId))) {
            throw new LambdaException(ErrorCode.PRECONDITION_FAILED, "The Revision Id provided does not match the"
                    + " latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id");
        }
    }

    // ---- code and names ------------------------------------------------------------------------

    @Override
    public Optional<Path> codeBlob(String sha256Hex) {
        return sha256Hex.matches("[0-9a-f]{64}") ? code.blob(sha256Hex) : Optional.empty();
    }

    @Override
    public String layerArn(String layerName) {
        return "arn:aws:lambda:" + arns.region() + ":" + arns.accountId() + ":layer:" + layerName;
    }

    /** Whether a layer named by ARN is one of this node's (its region and account); a bare name always is. */
    private boolean isHere(LayerName name) {
        return name.region().map(arns.region()::equals).orElse(true)
                && name.account().map(arns.accountId()::equals).orElse(true);
    }
}
