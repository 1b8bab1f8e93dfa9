package dev.hearth.registry;

import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;
import dev.hearth.store.CodeStore;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS's request constraints for the layer operations (service model shapes {@code LayerName},
 * {@code LayerVersionArn}, {@code CompatibleRuntimes}, {@code StatementId}, ...), reported as AWS reports
 * them: shape violations together as one {@code ValidationException}. Pure: no I/O, no state.
 */
final class LayerRules {

    static final String NAME_PATTERN = "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";
    static final String VERSION_ARN_PATTERN = "arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+";
    static final String STATEMENT_ID_PATTERN = "([a-zA-Z0-9-_]+)";
    static final String ACTION_PATTERN = "lambda:GetLayerVersion";
    static final String PRINCIPAL_PATTERN = "\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root";
    static final String ORGANIZATION_PATTERN = "o-[a-z0-9]{10,32}";

    static final int MAX_NAME = 140;
    static final int MAX_DESCRIPTION = 256;
    static final int MAX_LICENSE = 512;
    static final int MAX_RUNTIMES = 15;
    static final int MAX_ARCHITECTURES = 2;
    static final int MAX_LIST_ITEMS = 50;
    static final int MAX_STATEMENT_ID = 100;

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final Pattern VERSION_ARN = Pattern.compile(VERSION_ARN_PATTERN);
    /** Splits a layer ARN, with or without its version, into region, account, name and version. */
    private static final Pattern ARN_PARTS =
            Pattern.compile("arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\\d{12}):layer:([a-zA-Z0-9-_]+)(?::([0-9]+))?");
    private static final Set<String> ARCHITECTURES = Set.of("x86_64", "arm64");
    private static final String ARCHITECTURE_ENUM = "[x86_64, arm64]";

    private LayerRules() {
    }

    /** A layer as the caller named it: the bare name, and the region and account when it came as an ARN. */
    record LayerName(String name, Optional<String> region, Optional<String> account) {
    }

    /** A layer version ARN, split. */
    record VersionArn(String region, String account, String name, long version) {
    }

    /** The layer {@code raw} names (a name or a layer ARN), or AWS's {@code ValidationException}. */
    static LayerName name(String raw) {
        Validation v = new Validation();
        checkName(raw, v);
        v.throwIfFailed();
        Matcher arn = ARN_PARTS.matcher(raw);
        if (arn.matches()) {
            return new LayerName(arn.group(3), Optional.of(arn.group(1)), Optional.of(arn.group(2)));
        }
        return new LayerName(raw, Optional.empty(), Optional.empty());
    }

    private static void checkName(String raw, Validation v) {
        if (raw == null) {
            v.missing("layerName");
        } else if (raw.length() > MAX_NAME) {
            v.fail(raw, "layerName", "Member must have length less than or equal to " + MAX_NAME);
        } else if (!NAME.matcher(raw).matches()) {
            v.fail(raw, "layerName", Validation.patternConstraint(NAME_PATTERN));
        }
    }

    /** A layer version ARN (GetLayerVersionByArn), or AWS's {@code ValidationException}. */
    static VersionArn versionArn(String raw) {
        Validation v = new Validation();
        if (raw == null) {
            v.missing("arn");
        } else if (raw.length() > MAX_NAME) {
            v.fail(raw, "arn", "Member must have length less than or equal to " + MAX_NAME);
        } else if (!VERSION_ARN.matcher(raw).matches()) {
            v.fail(raw, "arn", Validation.patternConstraint(VERSION_ARN_PATTERN));
        }
        v.throwIfFailed();
        Matcher m = ARN_PARTS.matcher(raw);
        if (!m.matches() || m.group(4) == null) {
            throw new IllegalStateException("a version ARN always splits: " + raw);
        }
        return new VersionArn(m.group(1), m.group(2), m.group(3), parseVersion(m.group(4)));
    }

    /** A version number from an ARN; one beyond a long names no version that can exist. */
    private static long parseVersion(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The members of a PublishLayerVersion request, in the model's member order. */
    static void checkPublish(LayerRegistry.Publish p) {
        Validation v = new Validation();
        checkName(p.layerName(), v);
        p.description().filter(d -> d.length() > MAX_DESCRIPTION).ifPresent(d ->
                v.fail(d, "description", "Member must have length less than or equal to " + MAX_DESCRIPTION));
        if (p.content().isEmpty()) {
            v.missing("content");
        }
        p.compatibleRuntimes().ifPresent(runtimes -> {
            if (runtimes.size() > MAX_RUNTIMES) {
                v.fail(runtimes, "compatibleRuntimes", "Member must have length less than or equal to " + MAX_RUNTIMES);
            } else if (!runtimes.stream().allMatch(Runtimes::isKnown)) {
                v.fail(runtimes, "compatibleRuntimes", "Member must satisfy enum value set: " + Runtimes.ENUM_MESSAGE_ORDER);
            }
        });
        p.licenseInfo().filter(l -> l.length() > MAX_LICENSE).ifPresent(l ->
                v.fail(l, "licenseInfo", "Member must have length less than or equal to " + MAX_LICENSE));
        p.compatibleArchitectures().ifPresent(archs -> {
            if (archs.size() > MAX_ARCHITECTURES) {
                v.fail(archs, "compatibleArchitectures",
                        "Member must have length less than or equal to " + MAX_ARCHITECTURES);
            } else if (!ARCHITECTURES.containsAll(archs)) {
                v.fail(archs, "compatibleArchitectures",
                        "Member must satisfy constraint: [Member must satisfy enum value set: " + ARCHITECTURE_ENUM + "]");
            }
        });
        v.throwIfFailed();
    }

    /** The filters and page size of ListLayers and ListLayerVersions. */
    static void checkList(Optional<String> runtime, Optional<String> architecture, Optional<Integer> maxItems) {
        Validation v = new Validation();
        runtime.filter(r -> !Runtimes.isKnown(r)).ifPresent(r ->
                v.fail(r, "compatibleRuntime", "Member must satisfy enum value set: " + Runtimes.ENUM_MESSAGE_ORDER));
        maxItems.ifPresent(n -> {
            if (n < 1) {
                v.fail(n, "maxItems", "Member must have value greater than or equal to 1");
            } else if (n > MAX_LIST_ITEMS) {
                v.fail(n, "maxItems", "Member must have value less than or equal to " + MAX_LIST_ITEMS);
            }
        });
        architecture.filter(a -> !ARCHITECTURES.contains(a)).ifPresent(a ->
                v.fail(a, "compatibleArchitecture", "Member must satisfy enum value set: " + ARCHITECTURE_ENUM));
        v.throwIfFailed();
    }

    /** The members of an AddLayerVersionPermission request, in the model's member order. */
    static void checkGrant(LayerRegistry.Grant g) {
        Validation v = new Validation();
        checkName(g.layerName(), v);
        if (g.statementId().isEmpty()) {
            v.missing("statementId");
        } else {
            checkStatementId(g.statementId().get(), v);
        }
        if (g.action().isEmpty()) {
            v.missing("action");
        } else if (!ACTION_PATTERN.equals(g.action().get())) {
            String action = g.action().get();
            v.fail(action, "action", action.length() > ACTION_PATTERN.length()
                    ? "Member must have length less than or equal to " + ACTION_PATTERN.length()
                    : Validation.patternConstraint(ACTION_PATTERN));
        }
        if (g.principal().isEmpty()) {
            v.missing("principal");
        } else if (!g.principal().get().matches(PRINCIPAL_PATTERN)) {
            v.fail(g.principal().get(), "principal", Validation.patternConstraint(PRINCIPAL_PATTERN));
        }
        g.organizationId().ifPresent(org -> {
            if (org.length() > 34) {
                v.fail(org, "organizationId", "Member must have length less than or equal to 34");
            } else if (!org.matches(ORGANIZATION_PATTERN)) {
                v.fail(org, "organizationId", Validation.patternConstraint(ORGANIZATION_PATTERN));
            }
        });
        v.throwIfFailed();
    }

    /** The statement id of RemoveLayerVersionPermission. */
    static void checkStatementId(String statementId) {
        Validation v = new Validation();
        checkStatementId(statementId, v);
        v.throwIfFailed();
    }

    private static void checkStatementId(String statementId, Validation v) {
        if (statementId.length() > MAX_STATEMENT_ID) {
            v.fail(statementId, "statementId", "Member must have length less than or equal to " + MAX_STATEMENT_ID);
        } else if (!statementId.matches(STATEMENT_ID_PATTERN)) {
            v.fail(statementId, "statementId", Validation.patternConstraint(STATEMENT_ID_PATTERN));
        }
    }

    /**
     * A function's code and its layers, unzipped, must fit AWS's limit; AWS refuses the function (not the
     * layers) otherwise.
     */
    static void checkCombinedSize(long codeUnzippedSize, List<FunctionConfig.LayerRef> layers) {
        long total = codeUnzippedSize + layers.stream().mapToLong(FunctionConfig.LayerRef::unzippedSize).sum();
        if (!layers.isEmpty() && total > CodeStore.MAX_UNZIPPED_BYTES) {
            throw LambdaException.invalidParameter("Function code combined with layers exceeds the maximum allowed"
                    + " size of " + CodeStore.MAX_UNZIPPED_BYTES + " bytes. The actual size is " + total + " bytes.");
        }
    }

    /** AWS's answer to a version number below 1 on the operations that address one version. */
    static void checkVersionNumber(long version) {
        if (version < 1) {
            throw LambdaException.invalidParameter("Layer Version Cannot be less than 1");
        }
    }
}
