package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.registry.CodeInput;
import dev.hearth.registry.Commands;
import dev.hearth.registry.FunctionSettings;
import dev.hearth.registry.FunctionSettings.LoggingSettings;
import dev.hearth.registry.FunctionSettings.VpcSettings;

import java.util.Map;
import java.util.Optional;

/**
 * Turns Lambda API request bodies (AWS's member names, PascalCase) into the registry's commands.
 * Only shapes and types are checked here; the rules live in the registry.
 */
final class FunctionRequests {
    private FunctionRequests() {
    }

    static Commands.CreateFunction create(JsonNode body) {
        String name = Fields.string(body, "FunctionName").orElse(null);
        CodeInput code = Fields.object(body, "Code").map(FunctionRequests::code)
                .orElse(new CodeInput(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        return new Commands.CreateFunction(name, settings(body), Fields.string(body, "PackageType"), code,
                Fields.stringMap(body, "Tags").orElse(Map.of()), Fields.bool(body, "Publish").orElse(false));
    }

    static Commands.UpdateConfiguration updateConfiguration(String functionName, JsonNode body) {
        return new Commands.UpdateConfiguration(functionName, settings(body), Fields.string(body, "RevisionId"));
    }

    static Commands.UpdateCode updateCode(String functionName, JsonNode body) {
        return new Commands.UpdateCode(functionName, code(body), Fields.strings(body, "Architectures"),
                Fields.string(body, "RevisionId"), Fields.bool(body, "DryRun").orElse(false),
                Fields.bool(body, "Publish").orElse(false));
    }

    /** The members shared by {@code Code} (create) and the UpdateFunctionCode body. */
    private static CodeInput code(JsonNode node) {
        return new CodeInput(Fields.blob(node, "ZipFile"), Fields.string(node, "S3Bucket"), Fields.string(node, "S3Key"),
                Fields.string(node, "ImageUri"));
    }

    static FunctionSettings settings(JsonNode body) {
        return new FunctionSettings(
                Fields.string(body, "Runtime"),
                Fields.string(body, "Handler"),
                Fields.string(body, "Role"),
                Fields.string(body, "Description"),
                Fields.integer(body, "Timeout"),
                Fields.integer(body, "MemorySize"),
                Fields.object(body, "Environment").map(env -> Fields.stringMap(env, "Variables").orElse(Map.of())),
                Fields.object(body, "EphemeralStorage").flatMap(e -> Fields.integer(e, "Size")),
                Fields.strings(body, "Architectures"),
                Fields.strings(body, "Layers"),
                Fields.object(body, "TracingConfig").flatMap(t -> Fields.string(t, "Mode")),
                Fields.object(body, "LoggingConfig").map(l -> new LoggingSettings(Fields.string(l, "LogFormat"),
                        Fields.string(l, "ApplicationLogLevel"), Fields.string(l, "SystemLogLevel"),
                        Fields.string(l, "LogGroup"))),
                Fields.object(body, "DeadLetterConfig").map(d -> Fields.string(d, "TargetArn").orElse("")),
                Fields.object(body, "VpcConfig").map(v -> new VpcSettings(Fields.strings(v, "SubnetIds"),
                        Fields.strings(v, "SecurityGroupIds"), Fields.bool(v, "Ipv6AllowedForDualStack"))),
                Fields.string(body, "KMSKeyArn"),
                Fields.object(body, "SnapStart").flatMap(s -> Fields.string(s, "ApplyOn")));
    }
}
