package dev.hearth.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;

import java.io.IOException;

/**
 * The API's one JSON mapper and its parse/write helpers. Source locations are left out of parser
 * messages ({@code INCLUDE_SOURCE_IN_LOCATION} off), which is how AWS's own Jackson-based front end
 * words them. Strings may be as long as the largest request body: a 50 MB zip arrives as one base64
 * string of about 70 million characters, far past Jackson's default limit of 20 million. Thread-safe.
 */
public final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength((int) LambdaRoutes.CODE_REQUEST_LIMIT).build())
                    .build())
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
            .build();

    private Json() {
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** Parses a request body that must be a JSON object; an empty body is an empty object. */
    static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            return object();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new LambdaException(ErrorCode.SERIALIZATION, "Could not parse request body into json: "
                    + e.getMessage(), java.util.Map.of(), e);
        }
        if (node == null || node.isMissingNode()) {
            return object();
        }
        if (!node.isObject()) {
            throw new LambdaException(ErrorCode.SERIALIZATION, "Start of structure or map found where not expected.");
        }
        return node;
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
