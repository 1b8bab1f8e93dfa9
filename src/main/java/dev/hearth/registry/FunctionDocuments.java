package dev.hearth.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.hearth.store.FunctionStore.VersionRow;

/**
 * Converts function versions to and from the JSON documents the store keeps. The document is ours
 * (not AWS's shape): it is the {@link FunctionVersion} record as Jackson writes it. Thread-safe.
 */
final class FunctionDocuments {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private FunctionDocuments() {
    }

    static VersionRow toRow(FunctionVersion v) {
        try {
            return new VersionRow(v.functionName(), v.version(), v.revisionId(), v.code().sha256Hex(), v.code().size(),
                    JSON.writeValueAsString(v));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a function version always serialises", e);
        }
    }

    static FunctionVersion fromRow(VersionRow row) {
        try {
            return JSON.readValue(row.document(), FunctionVersion.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt function document for " + row.functionName() + ":" + row.version(), e);
        }
    }
}
