package dev.hearth.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.Arns;
import dev.hearth.registry.FunctionConfig;
import dev.hearth.registry.FunctionVersion;
import dev.hearth.registry.Phase;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Renders a function version as AWS's {@code FunctionConfiguration} JSON, with the keys AWS includes in
 * each context: a create response has no {@code LastUpdateStatus}; list items have no state fields and
 * no {@code RuntimeVersionConfig}. Thread-safe.
 */
final class FunctionJson {

    /** AWS's LastModified format, e.g. {@code 2024-03-27T10:15:30.123+0000}. */
    static final DateTimeFormatter LAST_MODIFIED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

    /** AWS reuses the creation wording for updates in progress. */
    static final String BEING_CREATED = "The function is being created.";

    /** Which response a configuration goes into. */
    enum Context { DETAIL, LIST }

    private final Arns arns;

    FunctionJson(Arns arns) {
        this.arns = arns;
    }

    ObjectNode configuration(FunctionVersion v, boolean qualifiedArn, Context context) {
        return configuration(v, qualifiedArn ? java.util.Optional.of(v.version()) : java.util.Optional.empty(), context);
    }

    /** As AWS renders a version under a FunctionArn qualified by {@code arnQualifier} (a version or alias), if any. */
    ObjectNode configuration(FunctionVersion v, java.util.Optional<String> arnQualifier, Context context) {
        FunctionConfig c = v.config();
        ObjectNode o = Json.object();
        o.put("FunctionName", v.functionName());
        o.put("FunctionArn", arnQualifier.map(q -> arns.function(v.functionName(), q))
                .orElseGet(() -> arns.function(v.functionName())));
        c.runtime().ifPresent(r -> o.put("Runtime", r));
        o.put("Role", c.role());
        c.handler().ifPresent(h -> o.put("Handler", h));
        o.put("CodeSize", v.code().size());
        o.put("Description", c.description());
        o.put("Timeout", c.timeout());
        o.put("MemorySize", c.memorySize());
        o.put("LastModified", LAST_MODIFIED.format(Instant.ofEpochMilli(v.lastModifiedMillis())));
        o.put("CodeSha256", v.code().sha256Base64());
        o.put("Version", v.version());
        c.vpc().ifPresent(vpc -> {
            ObjectNode n = o.putObject("VpcConfig");
            stringArray(n.putArray("SubnetIds"), vpc.subnetIds());
            stringArray(n.putArray("SecurityGroupIds"), vpc.securityGroupIds());
            n.put("VpcId", "");
            n.put("Ipv6AllowedForDualStack", vpc.ipv6AllowedForDualStack());
        });
        c.environment().ifPresent(env -> {
            ObjectNode vars = o.putObject("Environment").putObject("Variables");
            env.forEach(vars::put);
        });
        c.deadLetterTargetArn().ifPresent(arn -> o.putObject("DeadLetterConfig").put("TargetArn", arn));
        c.kmsKeyArn().ifPresent(k -> o.put("KMSKeyArn", k));
        o.putObject("TracingConfig").put("Mode", c.tracingMode());
        o.put("RevisionId", v.revisionId());
        if (!c.layers().isEmpty()) {
            ArrayNode layers = o.putArray("Layers");
            c.layers().forEach(l -> layers.addObject().put("Arn", l.arn()).put("CodeSize", l.codeSize()));
        }
        if (context == Context.DETAIL) {
            state(o, v);
        }
        o.put("PackageType", c.packageType());
        stringArray(o.putArray("Architectures"), c.architectures());
        o.putObject("EphemeralStorage").put("Size", c.ephemeralStorage());
        ObjectNode snap = o.putObject("SnapStart");
        snap.put("ApplyOn", c.snapStartApplyOn());
        // SnapStart applies to published versions only: AWS reports it On for those.
        snap.put("OptimizationStatus", "PublishedVersions".equals(c.snapStartApplyOn())
                && !FunctionVersion.LATEST.equals(v.version()) ? "On" : "Off");
        if (context == Context.DETAIL) {
            c.runtime().ifPresent(r -> o.putObject("RuntimeVersionConfig")
                    .put("RuntimeVersionArn", arns.runtimeVersion(r)));
        }
        ObjectNode logging = o.putObject("LoggingConfig");
        logging.put("LogFormat", c.logging().logFormat());
        c.logging().applicationLogLevel().ifPresent(l -> logging.put("ApplicationLogLevel", l));
        c.logging().systemLogLevel().ifPresent(l -> logging.put("SystemLogLevel", l));
        logging.put("LogGroup", c.logging().logGroup());
        return o;
    }

    /** State and LastUpdateStatus as AWS reports each phase. */
    private static void state(ObjectNode o, FunctionVersion v) {
        Phase phase = v.phase();
        o.put("State", phase.state());
        switch (phase) {
            case CREATING -> {
                o.put("StateReason", BEING_CREATED);
                o.put("StateReasonCode", "Creating");
            }
            case CREATE_FAILED -> {
                o.put("StateReason", v.failureReason().orElse(""));
                o.put("StateReasonCode", v.failureReasonCode().orElse("InternalError"));
                o.put("LastUpdateStatus", "Failed");
                o.put("LastUpdateStatusReason", v.failureReason().orElse(""));
                o.put("LastUpdateStatusReasonCode", v.failureReasonCode().orElse("InternalError"));
            }
            case READY -> o.put("LastUpdateStatus", "Successful");
            case UPDATING -> {
                o.put("LastUpdateStatus", "InProgress");
                o.put("LastUpdateStatusReason", BEING_CREATED);
                o.put("LastUpdateStatusReasonCode", "Creating");
            }
            case UPDATE_FAILED -> {
                o.put("LastUpdateStatus", "Failed");
                o.put("LastUpdateStatusReason", v.failureReason().orElse(""));
                o.put("LastUpdateStatusReasonCode", v.failureReasonCode().orElse("InternalError"));
            }
        }
    }

    ObjectNode tags(Map<String, String> tags) {
        ObjectNode o = Json.object();
        tags.forEach(o::put);
        return o;
    }

    private static void stringArray(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
