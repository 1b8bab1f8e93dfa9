package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.core.Arns;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The members of one CloudWatch Logs request body, read with the checks AWS's model puts on them
 * (types, ranges, name patterns), failing with AWS's JSON 1.1 errors. Pure; thread-safe.
 */
final class LogsRequest {
    private static final Pattern GROUP_NAME = Pattern.compile("[.\\-_/#A-Za-z0-9]+");
    private static final int NAME_MAX = 512;

    private final JsonNode body;
    private final Arns arns;

    LogsRequest(JsonNode body, Arns arns) {
        this.body = body;
        this.arns = arns;
    }

    Optional<String> string(String member) {
        JsonNode node = body.get(member);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw serialization(member, "a string");
        }
        return Optional.of(node.asText());
    }

    String requiredString(String member) {
        return string(member).orElseThrow(() -> LogsError.validation(member, null, "Member must not be null"));
    }

    Optional<Long> longValue(String member) {
        JsonNode node = body.get(member);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.canConvertToLong() || !node.isIntegralNumber()) {
            throw serialization(member, "an integer");
        }
        return Optional.of(node.asLong());
    }

    boolean bool(String member) {
        JsonNode node = body.get(member);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw serialization(member, "a boolean");
        }
        return node.asBoolean();
    }

    /** An integer member between {@code min} and {@code max}, or {@code fallback} when absent. */
    int intInRange(String member, int min, int max, int fallback) {
        Optional<Long> value = longValue(member);
        if (value.isEmpty()) {
            return fallback;
        }
        long v = value.get();
        if (v < min) {
            throw LogsError.validation(member, v, "Member must have value greater than or equal to " + min);
        }
        if (v > max) {
            throw LogsError.validation(member, v, "Member must have value less than or equal to " + max);
        }
        return (int) v;
    }

    List<String> strings(String member) {
        JsonNode node = body.get(member);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw serialization(member, "a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw serialization(member, "a list of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A log stream name member (required), checked against AWS's pattern and length. */
    String streamName(String member) {
        String name = requiredString(member);
        checkStreamName(member, name);
        return name;
    }

    /** The stream names of a list member, each checked as {@link #streamName} does. */
    List<String> streamNames(String member) {
        List<String> names = strings(member);
        names.forEach(name -> checkStreamName(member, name));
        return names;
    }

    private static void checkStreamName(String member, String name) {
        if (name.isEmpty() || name.length() > NAME_MAX) {
            throw LogsError.validation(member, name, "Member must have length " + (name.isEmpty()
                    ? "greater than or equal to 1" : "less than or equal to " + NAME_MAX));
        }
        if (name.indexOf(':') >= 0 || name.indexOf('*') >= 0) {
            throw LogsError.validation(member, name, "Member must satisfy regular expression pattern: [^:*]*");
        }
    }

    /** A log group name member, checked against AWS's pattern and length. */
    String groupName(String member) {
        String name = requiredString(member);
        checkGroupName(member, name);
        return name;
    }

    /**
     * The group a read names, by {@code logGroupName} or {@code logGroupIdentifier} (a name or an ARN, with
     * or without the trailing {@code :*}); exactly one of them.
     */
    String group() {
        Optional<String> name = string("logGroupName");
        Optional<String> identifier = string("logGroupIdentifier");
        if (name.isPresent() && identifier.isPresent()) {
            throw LogsError.invalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
        }
        if (name.isEmpty() && identifier.isEmpty()) {
            throw LogsError.invalidParameter("Should provide either logGroupName or logGroupIdentifier.");
        }
        if (name.isPresent()) {
            checkGroupName("logGroupName", name.get());
            return name.get();
        }
        String id = identifier.get();
        String prefix = "arn:aws:logs:" + arns.region() + ":" + arns.accountId() + ":log-group:";
        if (id.startsWith("arn:")) {
            if (!id.startsWith(prefix)) {
                throw LogsError.invalidParameter("The specified log group identifier is not valid: " + id);
            }
            id = id.substring(prefix.length());
            if (id.endsWith(":*")) {
                id = id.substring(0, id.length() - 2);
            }
        }
        checkGroupName("logGroupIdentifier", id);
        return id;
    }

    private static void checkGroupName(String member, String name) {
        if (name.isEmpty() || name.length() > NAME_MAX) {
            throw LogsError.validation(member, name, "Member must have length " + (name.isEmpty()
                    ? "greater than or equal to 1" : "less than or equal to " + NAME_MAX));
        }
        if (!GROUP_NAME.matcher(name).matches()) {
            throw LogsError.validation(member, name,
                    "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
        }
    }

    private static LogsError serialization(String member, String expected) {
        return new LogsError("SerializationException", "The value of '" + member + "' must be " + expected + ".");
    }
}
