package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;
import dev.hearth.store.CodeArtifact;
import dev.hearth.store.CodeStore;
import dev.hearth.store.FunctionStore;
import dev.hearth.store.FunctionStore.ListKey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The function registry on a {@link FunctionStore} and a {@link CodeStore}. See {@link FunctionRegistry}
 * for the contract. Holds no cache of its own: control-plane reads go to the store (the data plane reads
 * the in-memory {@code CachingFunctionStore} through {@link FunctionDirectory}).
 *
 * <p>Longer than our usual class: it is one section per operation group (create, read, update, delete,
 * tags, account, name resolution), each short, and they share the name-resolution and precondition
 * helpers; the rules themselves live in {@link FunctionRules}. Name and qualifier resolution lives in
 * {@link Qualifiers}, publishing in {@link Publisher}, and the version and alias operations in
 * {@link DefaultVersionRegistry}; only qualified reads and deletes of versions are here.
 */
final class DefaultFunctionRegistry implements FunctionRegistry {

    static final int DEFAULT_MAX_ITEMS = 50;
    static final int MAX_MAX_ITEMS = 10_000;
    static final int MAX_TAGS = 50;

    private final FunctionStore store;
    private final CodeStore code;
    private final FunctionRules rules;
    private final FunctionActivator activator;
    private final Publisher publisher;
    private final Qualifiers names;
    private final Arns arns;
    private final Ids ids;
    private final Clock clock;
    /** Serialises storing code with committing the rows that reference it, against deleting unreferenced code. */
    private final ReentrantLock codeLock;
    /** What code is still referenced (by functions, layers and functions' layers), and its collection. */
    private final CodeReferences references;
    private final java.util.function.Function<String, Optional<FunctionConfig.LayerRef>> layers;

    /** @param layers finds a layer version by its ARN, for the function's {@code Layers} */
    DefaultFunctionRegistry(FunctionStore store, CodeStore code, CodeReferences references,
                            java.util.function.Function<String, Optional<FunctionConfig.LayerRef>> layers, Arns arns,
                            Ids ids, Clock clock, Executor background) {
        this(store, code, references, layers, arns, ids, clock, background, new SnapshotGate());
    }

    /** @param snapshots where publishing a SnapStart version waits for its snapshot */
    DefaultFunctionRegistry(FunctionStore store, CodeStore code, CodeReferences references,
                            java.util.function.Function<String, Optional<FunctionConfig.LayerRef>> layers, Arns arns,
                            Ids ids, Clock clock, Executor background, SnapshotGate snapshots) {
        this.store = store;
        this.code = code;
        this.references = references;
        this.codeLock = references.lock();
        this.layers = layers;
        this.arns = arns;
        this.ids = ids;
        this.clock = clock;
        this.rules = new FunctionRules(arns.region(), layers);
        this.activator = new FunctionActivator(store, code, ids, background, snapshots);
        this.publisher = new Publisher(store, activator, ids, clock);
        this.names = new Qualifiers(arns);
    }

    // ---- create ------------------------------------------------------------------------------

    @Override
    public FunctionVersion create(Commands.CreateFunction command) {
        FunctionRef ref = Validation.functionName(command.functionName(), FunctionRef.Form.CREATE);
        if (ref.accountId().filter(a -> !a.equals(arns.accountId())).isPresent()
                && ref.region().filter(r -> !r.equals(arns.region())).isEmpty()) {
            // Creating in another account is an authorisation failure on AWS, and it says no more than that.
            throw new LambdaException(ErrorCode.ACCESS_DENIED, null);
        }
        checkReachable(ref);
        if (command.settings().role().isEmpty()) {
            new Validation().missing("role").throwIfFailed();
        }
        if (ref.qualifier().isPresent()) {
            throw LambdaException.invalidParameter("Unsupported function name format: " + command.functionName()
                    + ". A function name for CreateFunction cannot contain a version or alias qualifier.");
        }
        if (command.packageType().filter(t -> !"Zip".equals(t)).isPresent()) {
            String type = command.packageType().get();
            if (!"Image".equals(type)) {
                new Validation().fail(type, "packageType", "Member must satisfy enum value set: [Image, Zip]")
                        .throwIfFailed();
            }
            throw LambdaException.invalidParameter("Hearth does not support container image functions yet"
                    + " (PackageType Image); deploy a .zip package with Code.ZipFile.");
        }
        checkTags(command.tags(), 0);
        FunctionConfig config = rules.forCreate(ref.name(), command.settings());
        byte[] zip = zipFrom(command.code());
        checkSizeWithLayers(zip, config);

        codeLock.lock();
        try {
            checkLayersStillExist(config, List.of());
            CodeArtifact artifact = code.put(zip);
            FunctionVersion latest = new FunctionVersion(ref.name(), FunctionVersion.LATEST, config, artifact,
                    ids.revisionId(), clock.millis(), Phase.CREATING, Optional.empty(), Optional.empty());
            if (!store.insertFunction(FunctionDocuments.toRow(latest), command.tags(), clock.millis())) {
                throw LambdaException.conflict("Function already exist: " + ref.name());
            }
            activator.activate(ref.name(), FunctionVersion.LATEST);
            // With Publish, AWS answers with the new version 1 (still Pending) under the unqualified ARN.
            return command.publish() ? publisher.publishPending(latest) : latest;
        } finally {
            codeLock.unlock();
        }
    }

    /** Code plus layers must fit AWS's unzipped limit; measured before anything is stored. */
    private void checkSizeWithLayers(byte[] zip, FunctionConfig config) {
        if (!config.layers().isEmpty()) {
            LayerRules.checkCombinedSize(code.inspect(zip).unzippedSize(), config.layers());
        }
    }

    /** The zip bytes of a code input, or AWS's error for a source Hearth does not take. */
    private static byte[] zipFrom(CodeInput input) {
        if (input.imageUri().isPresent()) {
            throw LambdaException.invalidParameter("Hearth does not support container image functions yet"
                    + " (Code.ImageUri); deploy a .zip package with Code.ZipFile.");
        }
        if (input.s3Bucket().isPresent() || input.s3Key().isPresent()) {
            throw LambdaException.invalidParameter("Hearth does not support code from S3 yet (Code.S3Bucket/S3Key);"
                    + " send the .zip package inline with Code.ZipFile (the AWS CLI's --zip-file fileb://...).");
        }
        byte[] zip = input.zipFile().orElseThrow(() ->
                LambdaException.invalidParameter("Please provide a source for function code."));
        if (zip.length > CodeStore.MAX_ZIPPED_BYTES) {
            throw new LambdaException(ErrorCode.REQUEST_TOO_LARGE,
                    "Zipped size must be smaller than " + CodeStore.MAX_ZIPPED_BYTES + " bytes");
        }
        return zip;
    }

    // ---- read --------------------------------------------------------------------------------

    @Override
    public FunctionView get(String functionName, Optional<String> qualifier) {
        Resolved r = resolve(functionName, qualifier);
        Optional<String> alias = r.qualifier().filter(q -> Qualifiers.kindOf(q) == Qualified.Kind.ALIAS);
        // An alias reads as the version it points to, under the alias's ARN.
        FunctionVersion version = load(alias.isEmpty() ? r : new Resolved(r.name(),
                Optional.of(store.findAlias(r.name(), alias.get()).map(FunctionStore.AliasRow::functionVersion)
                        .orElseThrow(() -> LambdaException.notFound("Function not found: "
                                + arns.function(r.name(), alias.get()))))));
        Map<String, String> tags = store.tags(r.name()).orElseGet(Map::of);
        return new FunctionView(version, r.qualifier().isPresent(), tags, alias);
    }

    @Override
    public FunctionPage list(Optional<String> functionVersion, Optional<String> marker, Optional<Integer> maxItems) {
        Validation v = new Validation();
        functionVersion.filter(fv -> !"ALL".equals(fv))
                .ifPresent(fv -> v.fail(fv, "functionVersion", "Member must satisfy enum value set: [ALL]"));
        maxItems.ifPresent(n -> {
            if (n < 1) {
                v.fail(n, "maxItems", "Member must have value greater than or equal to 1");
            } else if (n > MAX_MAX_ITEMS) {
                v.fail(n, "maxItems", "Member must have value less than or equal to " + MAX_MAX_ITEMS);
            }
        });
        v.throwIfFailed();
        boolean all = functionVersion.isPresent();
        Optional<ListKey> after = marker.filter(m -> !m.isEmpty()).map(DefaultFunctionRegistry::decodeMarker);
        FunctionStore.Page page = store.listVersions(all ? Optional.empty() : Optional.of(FunctionVersion.LATEST),
                after, maxItems.orElse(DEFAULT_MAX_ITEMS));
        List<FunctionVersion> functions = page.rows().stream().map(FunctionDocuments::fromRow).toList();
        return new FunctionPage(functions, all, page.next().map(DefaultFunctionRegistry::encodeMarker));
    }

    private static String encodeMarker(ListKey key) {
        String raw = key.functionName() + "\n" + key.ordinal();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static ListKey decodeMarker(String marker) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
            int nl = raw.lastIndexOf('\n');
            return new ListKey(raw.substring(0, nl), Long.parseLong(raw.substring(nl + 1)));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw LambdaException.invalidParameter("Invalid Marker: " + marker
                    + ". Pass the NextMarker of the previous ListFunctions response.");
        }
    }

    // ---- update ------------------------------------------------------------------------------

    @Override
    public FunctionVersion updateConfiguration(Commands.UpdateConfiguration command) {
        Resolved r = resolveUnqualifiedForUpdate(command.functionName());
        FunctionVersion current = loadForUpdate(r, command.revisionId());
        FunctionConfig config = rules.forUpdate(current.config(), command.settings());
        LayerRules.checkCombinedSize(current.code().unzippedSize(), config.layers());
        FunctionVersion next = current.updated(config, current.code(), phaseAfterChange(current), ids.revisionId(),
                clock.millis());
        codeLock.lock();
        try {
            checkLayersStillExist(config, current.config().layers());
            commitUpdate(r, current, next, command.revisionId());
        } finally {
            codeLock.unlock();
        }
        return next;
    }

    /**
     * Called with the code lock held, just before a commit: a layer version the rules resolved may have
     * been deleted since, and its code collected with it, as nothing referenced it yet. Layers the version
     * already had are safe: their code stays while any function version references it.
     */
    private void checkLayersStillExist(FunctionConfig config, List<FunctionConfig.LayerRef> alreadyReferenced) {
        for (FunctionConfig.LayerRef layer : config.layers()) {
            if (!alreadyReferenced.contains(layer) && layers.apply(layer.arn()).isEmpty()) {
                throw LambdaException.invalidParameter("Layer version " + layer.arn() + " does not exist.");
            }
        }
    }

    @Override
    public FunctionVersion updateCode(Commands.UpdateCode command) {
        Resolved r = resolveUnqualifiedForUpdate(command.functionName());
        if (command.architectures().isPresent()) {
            FunctionSettings archOnly = new FunctionSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    command.architectures(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
            rules.forUpdate(placeholderConfig(), archOnly); // shape check only
        }
        FunctionVersion current = loadForUpdate(r, command.revisionId());
        if (command.code().imageUri().isPresent()) {
            // Every function on Hearth is a Zip function; this is AWS's answer for ImageUri on one.
            throw LambdaException.invalidParameter(
                    "Please don't provide ImageUri when updating a function with packageType Zip.");
        }
        byte[] zip = zipFrom(command.code());
        FunctionConfig config = command.architectures().map(a -> withArchitectures(current.config(), a))
                .orElse(current.config());
        checkSizeWithLayers(zip, config);
        if (command.dryRun()) {
            CodeArtifact artifact = code.inspect(zip);
            return current.updated(config, artifact, phaseAfterChange(current), current.revisionId(),
                    current.lastModifiedMillis());
        }
        codeLock.lock();
        try {
            CodeArtifact artifact = code.put(zip);
            FunctionVersion next = current.updated(config, artifact, phaseAfterChange(current), ids.revisionId(),
                    clock.millis());
            commitUpdate(r, current, next, command.revisionId());
            return command.publish() ? publisher.publishPending(next) : next;
        } finally {
            codeLock.unlock();
        }
    }

    /**
     * The phase a changed function enters: an update of a working function, or, for a function whose
     * creation failed, another attempt at creating it (the change may have fixed it).
     */
    private static Phase phaseAfterChange(FunctionVersion current) {
        return current.phase() == Phase.CREATE_FAILED ? Phase.CREATING : Phase.UPDATING;
    }

    private static FunctionConfig placeholderConfig() {
        return new FunctionConfig("Zip", Optional.empty(), Optional.empty(), "", "", 3, 128, Optional.empty(), 512,
                List.of("x86_64"), List.of(), "PassThrough",
                new FunctionConfig.Logging("Text", Optional.empty(), Optional.empty(), "/aws/lambda/x"),
                Optional.empty(), Optional.empty(), Optional.empty(), "None");
    }

    private static FunctionConfig withArchitectures(FunctionConfig c, List<String> architectures) {
        return new FunctionConfig(c.packageType(), c.runtime(), c.handler(), c.role(), c.description(), c.timeout(),
                c.memorySize(), c.environment(), c.ephemeralStorage(), architectures, c.layers(), c.tracingMode(),
                c.logging(), c.deadLetterTargetArn(), c.vpc(), c.kmsKeyArn(), c.snapStartApplyOn());
    }

    private Resolved resolveUnqualifiedForUpdate(String functionName) {
        Resolved r = resolve(functionName, Optional.empty());
        if (r.qualifier().isPresent() && !FunctionVersion.LATEST.equals(r.qualifier().get())) {
            throw LambdaException.invalidParameter("Current operation does not support versions other than $LATEST."
                    + " Please set version to $LATEST or do not set a version in your request.");
        }
        return r;
    }

    /** The current $LATEST, checked against AWS's preconditions for an update. */
    private FunctionVersion loadForUpdate(Resolved r, Optional<String> expectedRevision) {
        FunctionVersion current = load(new Resolved(r.name(), Optional.empty()));
        checkNotBusy(current);
        if (expectedRevision.isPresent() && !expectedRevision.get().equals(current.revisionId())) {
            throw LambdaException.revisionMismatch();
        }
        return current;
    }

    private void checkNotBusy(FunctionVersion current) {
        if (current.phase() == Phase.CREATING) {
            throw LambdaException.conflict("The operation cannot be performed at this time. The function is currently"
                    + " in the following state: Pending");
        }
        if (current.phase() == Phase.UPDATING) {
            throw LambdaException.conflict("The operation cannot be performed at this time. An update is in progress"
                    + " for resource: " + arns.function(current.functionName()));
        }
    }

    /** Compare-and-set on the revision id: of two concurrent updates, exactly one wins. */
    private void commitUpdate(Resolved r, FunctionVersion current, FunctionVersion next, Optional<String> expectedRevision) {
        if (store.replaceVersion(FunctionDocuments.toRow(next), current.revisionId())) {
            activator.activate(r.name(), FunctionVersion.LATEST);
            return;
        }
        FunctionVersion now = load(new Resolved(r.name(), Optional.empty()));
        if (expectedRevision.isPresent()) {
            throw LambdaException.revisionMismatch();
        }
        checkNotBusy(now);
        throw LambdaException.conflict("The operation cannot be performed at this time. An update is in progress"
                + " for resource: " + arns.function(r.name()));
    }

    // ---- delete ------------------------------------------------------------------------------

    @Override
    public void delete(String functionName, Optional<String> qualifier) {
        Resolved r = resolve(functionName, qualifier);
        if (r.qualifier().isPresent()) {
            String q = r.qualifier().get();
            if (FunctionVersion.LATEST.equals(q)) {
                throw LambdaException.invalidParameter("$LATEST version cannot be deleted without deleting the function.");
            }
            if (store.findVersion(r.name(), FunctionVersion.LATEST).isEmpty()) {
                throw LambdaException.notFound("Function not found: " + arns.function(r.name()));
            }
            if (!Qualifiers.isVersionNumber(q)) {
                throw LambdaException.invalidParameter("Deletion of aliases is not currently supported.");
            }
            deleteVersion(r.name(), q);
            return;
        }
        codeLock.lock();
        try {
            store.deleteFunction(r.name())
                    .orElseThrow(() -> LambdaException.notFound("Function not found: " + arns.function(r.name())));
            // The function's orphaned code, and also layer code it held the last reference to (a deleted
            // layer version's), which the store's orphan list cannot know about.
            references.collect();
        } finally {
            codeLock.unlock();
        }
    }

    /** Deletes one published version; as on AWS, deleting a version that does not exist succeeds. */
    private void deleteVersion(String name, String version) {
        codeLock.lock();
        try {
            FunctionStore.VersionDeletion result = store.deleteVersion(name, version);
            if (!result.referencingAliases().isEmpty()) {
                throw LambdaException.conflict("Unable to delete version because the following aliases reference it: ["
                        + String.join(", ", result.referencingAliases()) + "]");
            }
            // Collected, not deleted one by one: an orphaned zip may also be a layer's, or hold a layer's code.
            references.collect();
        } finally {
            codeLock.unlock();
        }
    }

    // ---- tags --------------------------------------------------------------------------------

    @Override
    public Map<String, String> listTags(String resourceArn) {
        String name = taggableFunction(resourceArn);
        return store.tags(name).orElseThrow(() -> LambdaException.notFound("Function not found: " + arns.function(name)));
    }

    @Override
    public void tag(String resourceArn, Map<String, String> tags) {
        String name = taggableFunction(resourceArn);
        if (tags.isEmpty()) {
            throw LambdaException.invalidParameter("An error occurred and the request cannot be processed.");
        }
        Map<String, String> current = store.tags(name)
                .orElseThrow(() -> LambdaException.notFound("Function not found: " + arns.function(name)));
        Map<String, String> merged = new LinkedHashMap<>(current);
        merged.putAll(tags);
        checkTags(merged, 0);
        store.replaceTags(name, merged);
    }

    @Override
    public void untag(String resourceArn, List<String> tagKeys) {
        String name = taggableFunction(resourceArn);
        if (tagKeys.isEmpty()) {
            new Validation().missing("tagKeys").throwIfFailed();
        }
        Map<String, String> current = store.tags(name)
                .orElseThrow(() -> LambdaException.notFound("Function not found: " + arns.function(name)));
        Map<String, String> remaining = new LinkedHashMap<>(current);
        tagKeys.forEach(remaining::remove);
        store.replaceTags(name, remaining);
    }

    static final String TAGGABLE_PATTERN = "arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:"
            + "\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}"
            + "|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
            + "|capacity-provider:[a-zA-Z0-9-_]+)";
    private static final java.util.regex.Pattern TAGGABLE = java.util.regex.Pattern.compile(TAGGABLE_PATTERN);

    /** The function name a tagging ARN names, or AWS's error for an ARN that cannot carry tags. */
    private String taggableFunction(String resourceArn) {
        if (resourceArn.length() > 256 || !TAGGABLE.matcher(resourceArn).matches()) {
            new Validation().fail(resourceArn, "resource", Validation.patternConstraint(TAGGABLE_PATTERN)).throwIfFailed();
        }
        String[] parts = resourceArn.split(":");
        if (!"function".equals(parts[5])) {
            throw LambdaException.notFound("The resource you requested does not exist.");
        }
        if (!parts[3].equals(arns.region())) {
            throw LambdaException.notFound("Functions from '" + parts[3] + "' are not reachable in this region ('"
                    + arns.region() + "')");
        }
        if (parts.length > 7) {
            throw LambdaException.invalidParameter(
                    "Tags on function aliases and versions are not supported. Please specify a function ARN.");
        }
        if (!parts[4].equals(arns.accountId())) {
            throw LambdaException.notFound("Function not found: " + resourceArn);
        }
        return parts[6];
    }

    private static void checkTags(Map<String, String> tags, int existing) {
        if (tags.size() + existing > MAX_TAGS) {
            throw LambdaException.invalidParameter("Number of tags exceeds resource tag limit.");
        }
        Validation v = new Validation();
        tags.forEach((k, val) -> {
            if (k.isEmpty() || k.length() > 128) {
                v.fail(k, "tags.key", "Member must have length between 1 and 128");
            }
            if (val != null && val.length() > 256) {
                v.fail(val, "tags.value", "Member must have length less than or equal to 256");
            }
        });
        v.throwIfFailed();
    }

    // ---- account, code, recovery ---------------------------------------------------------------

    @Override
    public AccountUsage usage() {
        FunctionStore.Usage u = store.usage();
        return new AccountUsage(u.functionCount(), u.totalCodeSize() + references.layerCodeSize());
    }

    @Override
    public Optional<Path> codeBlob(String sha256Hex) {
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        return code.blob(sha256Hex);
    }

    @Override
    public void recover() {
        references.recover();
        for (FunctionStore.VersionRow row : store.allVersions()) {
            if (FunctionDocuments.fromRow(row).phase().isBusy()) {
                activator.activate(row.functionName(), row.version());
            }
        }
    }

    // ---- name resolution ------------------------------------------------------------------------

    /** A validated function name with the qualifier the caller gave (in the ARN or the parameter). */
    private record Resolved(String name, Optional<String> qualifier) {
    }

    private Resolved resolve(String functionName, Optional<String> qualifierParam) {
        Qualifiers.Named named = names.resolve(functionName, qualifierParam);
        return new Resolved(named.name(), named.qualifier());
    }

    private void checkReachable(FunctionRef ref) {
        names.checkReachable(ref);
    }

    /** Loads the version ({@code $LATEST} or a number) a resolved name points at. */
    private FunctionVersion load(Resolved r) {
        String version = r.qualifier().orElse(FunctionVersion.LATEST);
        return store.findVersion(r.name(), version).map(FunctionDocuments::fromRow).orElseThrow(() ->
                LambdaException.notFound("Function not found: " + (r.qualifier().isPresent()
                        ? arns.function(r.name(), r.qualifier().get()) : arns.function(r.name()))));
    }
}
