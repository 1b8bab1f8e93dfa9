package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of request members. A member of the wrong JSON type is AWS's {@code SerializationException}
 * ("STRING_VALUE can not be converted to an Integer"); unknown members are ignored, as AWS ignores them.
 * A JSON {@code null} counts as absent.
 */
final class Fields {
    private Fields() {
    }

    static Optional<String> string(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        if (absent(n)) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw mismatch(n, "String");
        }
        return Optional.of(n.textValue());
    }

    static Optional<Integer> integer(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        if (absent(n)) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw mismatch(n, "Integer");
        }
        return Optional.of(n.intValue());
    }

    static Optional<Boolean> bool(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        if (absent(n)) {
            return Optional.empty();
        }
        if (!n.isBoolean()) {
            throw mismatch(n, "Boolean");
        }
        return Optional.of(n.booleanValue());
    }

    static Optional<JsonNode> object(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        if (absent(n)) {
            return Optional.empty();
        }
        if (!n.isObject()) {
            throw mismatch(n, "Structure");
        }
        return Optional.of(n);
    }

    static Optional<List<String>> strings(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        if (absent(n)) {
            return Optional.empty();
        }
        if (!n.isArray()) {
            throw mismatch(n, "List");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw mismatch(item, "String");
            }
            out.add(item.textValue());
        }
        return Optional.of(out);
    }

    /** A string-to-string map, in the caller's key order. */
    static Optional<Map<String, String>> stringMap(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        if (absent(n)) {
            return Optional.empty();
        }
        if (!n.isObject()) {
            throw mismatch(n, "Map");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull()) {
                out.put(e.getKey(), "");
            } else if (v.isTextual()) {
                out.put(e.getKey(), v.textValue());
            } else {
                throw mismatch(v, "String");
            }
        }
        return Optional.of(out);
    }

    /** A blob member: base64 text, as the AWS SDKs send binary in JSON. */
    static Optional<byte[]> blob(JsonNode obj, String name) {
        return string(obj, name).map(text -> {
            try {
                return Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new LambdaException(ErrorCode.SERIALIZATION, "Could not decode " + name + ": not valid base64.");
            }
        });
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode();
    }

    private static LambdaException mismatch(JsonNode n, String type) {
        return new LambdaException(ErrorCode.SERIALIZATION, tokenName(n) + " can not be converted to " + indefinite(type));
    }

    private static String indefinite(String type) {
        return ("Integer".equals(type) ? "an " : "a ") + type;
    }

    private static String tokenName(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "STRING_VALUE";
            case NUMBER -> "NUMBER_VALUE";
            case BOOLEAN -> n.booleanValue() ? "TRUE_VALUE" : "FALSE_VALUE";
            case OBJECT -> "START_OBJECT";
            case ARRAY -> "START_ARRAY";
            default -> "VALUE";
        };
    }
}
