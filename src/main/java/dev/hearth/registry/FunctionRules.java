package dev.hearth.registry;

import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;
import dev.hearth.registry.FunctionSettings.LoggingSettings;
import dev.hearth.registry.FunctionSettings.VpcSettings;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * AWS's validation rules for function configuration, and how settings apply over defaults (create) or
 * over the current configuration (update). Pure: no I/O, no state.
 *
 * <p>The order of checks follows AWS's layers: first the request-shape constraints of the service model
 * (all reported together as one {@code ValidationException}), then the semantic checks of the Lambda
 * service itself ({@code InvalidParameterValueException}, one at a time).
 */
public final class FunctionRules {

    static final String ROLE_PATTERN = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";
    static final String HANDLER_PATTERN = "[^\\s]+";
    static final String ENV_KEY_PATTERN = "[a-zA-Z]([a-zA-Z0-9_])+";
    static final String KMS_PATTERN = "(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()";
    static final String LAYER_PATTERN = "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)"
            + "|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)";
    static final String LOG_GROUP_PATTERN = "[\\.\\-_/#A-Za-z0-9]+";

    private static final Pattern ROLE = Pattern.compile(ROLE_PATTERN);
    private static final Pattern HANDLER = Pattern.compile(HANDLER_PATTERN);
    private static final Pattern ENV_KEY = Pattern.compile(ENV_KEY_PATTERN);
    private static final Pattern KMS = Pattern.compile(KMS_PATTERN);
    private static final Pattern LAYER = Pattern.compile(LAYER_PATTERN);
    private static final Pattern LOG_GROUP = Pattern.compile(LOG_GROUP_PATTERN);

    static final int MIN_MEMORY = 128;
    static final int MAX_MEMORY = 10_240;
    static final int MAX_TIMEOUT = 900;
    static final int MIN_EPHEMERAL = 512;
    static final int MAX_EPHEMERAL = 10_240;
    static final int MAX_DESCRIPTION = 256;
    static final int MAX_HANDLER = 128;
    static final int MAX_ENVIRONMENT_BYTES = 4096;
    static final int MAX_LAYERS = 5;

    /** Variables the Lambda runtime environment owns; AWS refuses them in a function's configuration. */
    static final Set<String> RESERVED_ENVIRONMENT_KEYS = Set.of(
            "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");

    private static final Set<String> ARCHITECTURES = Set.of("x86_64", "arm64");
    private static final Set<String> TRACING_MODES = Set.of("Active", "PassThrough");
    private static final Set<String> LOG_FORMATS = Set.of("JSON", "Text");
    private static final List<String> APPLICATION_LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");
    private static final List<String> SYSTEM_LOG_LEVELS = List.of("DEBUG", "INFO", "WARN");
    private static final Set<String> SNAP_START = Set.of("PublishedVersions", "None");

    private final String region;
    /** Finds a layer version on this node by its ARN. */
    private final Function<String, Optional<FunctionConfig.LayerRef>> layers;

    /** Rules on a node without layers: every layer reference names a version that does not exist. */
    public FunctionRules(String region) {
        this(region, arn -> Optional.empty());
    }

    public FunctionRules(String region, Function<String, Optional<FunctionConfig.LayerRef>> layers) {
        this.region = region;
        this.layers = layers;
    }

    /**
     * The complete configuration of a new function from its settings, or AWS's error. {@code role} is
     * required by the API and checked by the caller's request parsing.
     */
    public FunctionConfig forCreate(String functionName, FunctionSettings s) {
        checkShape(s, true);
        if (s.runtime().isEmpty() || s.handler().isEmpty()) {
            throw LambdaException.invalidParameter(
                    "Runtime and Handler are mandatory parameters for functions created with deployment packages.");
        }
        FunctionConfig defaults = new FunctionConfig("Zip", Optional.empty(), Optional.empty(), "", "",
                FunctionConfig.DEFAULT_TIMEOUT, FunctionConfig.DEFAULT_MEMORY, Optional.empty(),
                FunctionConfig.DEFAULT_EPHEMERAL_STORAGE, List.of("x86_64"), List.of(), "PassThrough",
                new FunctionConfig.Logging("Text", Optional.empty(), Optional.empty(), "/aws/lambda/" + functionName),
                Optional.empty(), Optional.empty(), Optional.empty(), "None");
        FunctionConfig config = apply(defaults, s);
        return config.withLayers(checkSemantics(config, s));
    }

    /** The configuration after an UpdateFunctionConfiguration, or AWS's error. */
    public FunctionConfig forUpdate(FunctionConfig current, FunctionSettings s) {
        checkShape(s, false);
        FunctionConfig config = apply(current, s);
        return config.withLayers(checkSemantics(config, s));
    }

    /** The request-shape constraints of AWS's service model, reported together. */
    private void checkShape(FunctionSettings s, boolean create) {
        Validation v = new Validation();
        s.role().ifPresent(role -> {
            if (!ROLE.matcher(role).matches()) {
                v.fail(role, "role", Validation.patternConstraint(ROLE_PATTERN));
            }
        });
        s.handler().ifPresent(handler -> {
            if (handler.length() > MAX_HANDLER) {
                v.fail(handler, "handler", "Member must have length less than or equal to " + MAX_HANDLER);
            } else if (!HANDLER.matcher(handler).matches()) {
                v.fail(handler, "handler", Validation.patternConstraint(HANDLER_PATTERN));
            }
        });
        s.description().ifPresent(d -> {
            if (d.length() > MAX_DESCRIPTION) {
                v.fail(d, "description", "Member must have length less than or equal to " + MAX_DESCRIPTION);
            }
        });
        s.timeout().ifPresent(t -> {
            if (t < 1) {
                v.fail(t, "timeout", "Member must have value greater than or equal to 1");
            } else if (t > MAX_TIMEOUT) {
                v.fail(t, "timeout", "Member must have value less than or equal to " + MAX_TIMEOUT);
            }
        });
        s.memorySize().ifPresent(m -> {
            if (m < MIN_MEMORY) {
                v.fail(m, "memorySize", "Member must have value greater than or equal to " + MIN_MEMORY);
            } else if (m > MAX_MEMORY) {
                v.fail(m, "memorySize", "Member must have value less than or equal to " + MAX_MEMORY);
            }
        });
        s.ephemeralStorage().ifPresent(e -> {
            if (e < MIN_EPHEMERAL) {
                v.fail(e, "ephemeralStorage.size", "Member must have value greater than or equal to " + MIN_EPHEMERAL);
            } else if (e > MAX_EPHEMERAL) {
                v.fail(e, "ephemeralStorage.size", "Member must have value less than or equal to " + MAX_EPHEMERAL);
            }
        });
        s.environment().ifPresent(env -> {
            if (env.keySet().stream().anyMatch(k -> !ENV_KEY.matcher(k).matches())) {
                v.failRaw("Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy"
                        + " constraint: [Member must satisfy regular expression pattern: " + ENV_KEY_PATTERN + "]");
            }
        });
        s.architectures().ifPresent(archs -> {
            if (archs.size() > 1) {
                v.fail(archs, "architectures", "Member must have length less than or equal to 1");
            } else if (archs.isEmpty()) {
                v.fail(archs, "architectures", "Member must have length greater than or equal to 1");
            } else if (!ARCHITECTURES.contains(archs.getFirst())) {
                v.fail(archs, "architectures", "Member must satisfy constraint: [Member must satisfy enum value set:"
                        + " [x86_64, arm64], Member must not be null]");
            }
        });
        s.layers().ifPresent(layers -> {
            if (layers.stream().anyMatch(l -> l.length() > 140 || !LAYER.matcher(l).matches())) {
                v.fail(layers, "layers", "Member must satisfy constraint: [Member must have length less than or equal"
                        + " to 140, Member must have length greater than or equal to 1, Member must satisfy regular"
                        + " expression pattern: " + LAYER_PATTERN + ", Member must not be null]");
            }
        });
        s.tracingMode().ifPresent(mode -> {
            if (!TRACING_MODES.contains(mode)) {
                v.fail(mode, "tracingConfig.mode", "Member must satisfy enum value set: [Active, PassThrough]");
            }
        });
        s.logging().ifPresent(l -> checkLoggingShape(l, v));
        s.kmsKeyArn().ifPresent(k -> {
            if (!KMS.matcher(k).matches()) {
                v.fail(k, "kMSKeyArn", Validation.patternConstraint(KMS_PATTERN));
            }
        });
        s.deadLetterTargetArn().ifPresent(arn -> {
            if (!KMS.matcher(arn).matches()) {
                v.fail(arn, "deadLetterConfig.targetArn", Validation.patternConstraint(KMS_PATTERN));
            }
        });
        s.vpc().ifPresent(vpc -> {
            vpc.subnetIds().ifPresent(ids -> {
                if (ids.size() > 16) {
                    v.fail(ids, "vpcConfig.subnetIds", "Member must have length less than or equal to 16");
                }
            });
            vpc.securityGroupIds().ifPresent(ids -> {
                if (ids.size() > 5) {
                    v.fail(ids, "vpcConfig.securityGroupIds", "Member must have length less than or equal to 5");
                }
            });
        });
        s.snapStartApplyOn().ifPresent(a -> {
            if (!SNAP_START.contains(a)) {
                v.fail(a, "snapStart.applyOn", "Member must satisfy enum value set: [PublishedVersions, None]");
            }
        });
        v.throwIfFailed();
    }

    private static void checkLoggingShape(LoggingSettings l, Validation v) {
        l.logFormat().ifPresent(f -> {
            if (!LOG_FORMATS.contains(f)) {
                v.fail(f, "loggingConfig.logFormat", "Member must satisfy enum value set: [JSON, Text]");
            }
        });
        l.applicationLogLevel().ifPresent(level -> {
            if (!APPLICATION_LOG_LEVELS.contains(level)) {
                v.fail(level, "loggingConfig.applicationLogLevel",
                        "Member must satisfy enum value set: " + APPLICATION_LOG_LEVELS);
            }
        });
        l.systemLogLevel().ifPresent(level -> {
            if (!SYSTEM_LOG_LEVELS.contains(level)) {
                v.fail(level, "loggingConfig.systemLogLevel", "Member must satisfy enum value set: " + SYSTEM_LOG_LEVELS);
            }
        });
        l.logGroup().ifPresent(g -> {
            if (g.isEmpty() || g.length() > 512 || !LOG_GROUP.matcher(g).matches()) {
                v.fail(g, "loggingConfig.logGroup", Validation.patternConstraint(LOG_GROUP_PATTERN));
            }
        });
    }

    /**
     * Lambda's own checks on a complete configuration, one error at a time as AWS reports them. Returns the
     * configuration's layers: the sent ones, resolved, or else the current ones unchanged.
     */
    private List<FunctionConfig.LayerRef> checkSemantics(FunctionConfig c, FunctionSettings sent) {
        if (sent.runtime().isPresent()) {
            String runtime = sent.runtime().get();
            if (!Runtimes.isKnown(runtime)) {
                throw LambdaException.invalidParameter(Runtimes.unknownRuntimeMessage(runtime));
            }
            if (Runtimes.isBlockedForCreate(runtime)) {
                throw LambdaException.invalidParameter(Runtimes.deprecatedRuntimeMessage(runtime));
            }
        }
        c.environment().ifPresent(FunctionRules::checkEnvironment);
        List<FunctionConfig.LayerRef> resolved = sent.layers().map(this::checkLayers).orElse(c.layers());
        if (!"None".equals(c.snapStartApplyOn()) && c.runtime().isPresent() && !supportsSnapStart(c.runtime().get())) {
            throw LambdaException.invalidParameter(c.runtime().get() + " is not supported for SnapStart enabled functions.");
        }
        return resolved;
    }

    private static boolean supportsSnapStart(String runtime) {
        return runtime.startsWith("java") && !runtime.startsWith("java8")
                || runtime.matches("python3\\.(1[2-9]|[2-9]\\d)")
                || runtime.startsWith("dotnet") && !runtime.startsWith("dotnetcore") && !"dotnet6".equals(runtime);
    }

    private static void checkEnvironment(Map<String, String> env) {
        List<String> reserved = env.keySet().stream().filter(RESERVED_ENVIRONMENT_KEYS::contains).sorted().toList();
        if (!reserved.isEmpty()) {
            throw LambdaException.invalidParameter("Lambda was unable to configure your environment variables because"
                    + " the environment variables you have provided contains reserved keys that are currently not"
                    + " supported for modification. Reserved keys used in this request: " + String.join(", ", reserved));
        }
        String measured = compactJson(env);
        if (measured.getBytes(StandardCharsets.UTF_8).length > MAX_ENVIRONMENT_BYTES) {
            throw LambdaException.invalidParameter("Lambda was unable to configure your environment variables because"
                    + " the environment variables you have provided exceeded the 4KB limit. String measured: " + measured);
        }
    }

    /** The environment as AWS measures it: compact JSON in the caller's key order. */
    static String compactJson(Map<String, String> env) {
        try {
            return COMPACT_JSON.writeValueAsString(env);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a string map always serialises", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper COMPACT_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Layer references as sent: at most five, one version per layer, in this region, and existing. Returns
     * them resolved, in order. A runtime the layer does not list as compatible is not refused: AWS only
     * warns about that in its console.
     */
    private List<FunctionConfig.LayerRef> checkLayers(List<String> layers) {
        if (layers.size() > MAX_LAYERS) {
            throw LambdaException.invalidParameter("Cannot reference more than 5 layers.");
        }
        Set<String> seen = new LinkedHashSet<>();
        List<String> arns = new ArrayList<>(layers);
        for (String arn : arns) {
            String unversioned = arn.substring(0, arn.lastIndexOf(':'));
            for (String earlier : seen) {
                if (earlier.substring(0, earlier.lastIndexOf(':')).equals(unversioned)) {
                    throw LambdaException.invalidParameter("Two different versions of the same layer are not allowed"
                            + " to be referenced in the same function. " + earlier + " and " + arn
                            + " are versions of the same layer.");
                }
            }
            seen.add(arn);
        }
        for (String arn : arns) {
            String[] parts = arn.split(":");
            if (parts.length > 3 && !parts[3].isEmpty() && !parts[3].equals(region)) {
                throw LambdaException.invalidParameter("Layers are not in the same region as the function. "
                        + "Layers are expected to be in region " + region + ".");
            }
        }
        List<FunctionConfig.LayerRef> resolved = new ArrayList<>();
        for (String arn : arns) {
            resolved.add(this.layers.apply(arn).orElseThrow(() ->
                    LambdaException.invalidParameter("Layer version " + arn + " does not exist.")));
        }
        return resolved;
    }

    /** Settings over a base configuration: members that were sent replace the base's (layers apart). */
    static FunctionConfig apply(FunctionConfig base, FunctionSettings s) {
        FunctionConfig.Logging logging = s.logging().map(l -> applyLogging(base.logging(), l)).orElse(base.logging());
        Optional<FunctionConfig.Vpc> vpc = s.vpc().isPresent() ? Optional.of(applyVpc(base.vpc(), s.vpc().get())) : base.vpc();
        return new FunctionConfig(
                base.packageType(),
                s.runtime().or(base::runtime),
                s.handler().or(base::handler),
                s.role().orElse(base.role()),
                s.description().orElse(base.description()),
                s.timeout().orElse(base.timeout()),
                s.memorySize().orElse(base.memorySize()),
                s.environment().isPresent() ? s.environment() : base.environment(),
                s.ephemeralStorage().orElse(base.ephemeralStorage()),
                s.architectures().orElse(base.architectures()),
                base.layers(), // sent layers are resolved against the layer store by checkSemantics
                s.tracingMode().orElse(base.tracingMode()),
                logging,
                s.deadLetterTargetArn().isPresent()
                        ? s.deadLetterTargetArn().filter(arn -> !arn.isEmpty()) : base.deadLetterTargetArn(),
                vpc,
                s.kmsKeyArn().isPresent() ? s.kmsKeyArn().filter(k -> !k.isEmpty()) : base.kmsKeyArn(),
                s.snapStartApplyOn().orElse(base.snapStartApplyOn()));
    }

    /** With the JSON format the levels default to INFO; with Text they do not apply and are dropped. */
    private static FunctionConfig.Logging applyLogging(FunctionConfig.Logging base, LoggingSettings l) {
        String format = l.logFormat().orElse(base.logFormat());
        String group = l.logGroup().orElse(base.logGroup());
        if ("JSON".equals(format)) {
            return new FunctionConfig.Logging(format,
                    Optional.of(l.applicationLogLevel().or(base::applicationLogLevel).orElse("INFO")),
                    Optional.of(l.systemLogLevel().or(base::systemLogLevel).orElse("INFO")), group);
        }
        if (l.applicationLogLevel().isPresent() || l.systemLogLevel().isPresent()) {
            throw LambdaException.invalidParameter("Invalid LoggingConfig: Log level can be configured only for"
                    + " functions with JSON log format.");
        }
        return new FunctionConfig.Logging(format, Optional.empty(), Optional.empty(), group);
    }

    private static FunctionConfig.Vpc applyVpc(Optional<FunctionConfig.Vpc> base, VpcSettings v) {
        return new FunctionConfig.Vpc(
                v.subnetIds().orElse(base.map(FunctionConfig.Vpc::subnetIds).orElse(List.of())),
                v.securityGroupIds().orElse(base.map(FunctionConfig.Vpc::securityGroupIds).orElse(List.of())),
                v.ipv6AllowedForDualStack().orElse(base.map(FunctionConfig.Vpc::ipv6AllowedForDualStack).orElse(false)));
    }
}
