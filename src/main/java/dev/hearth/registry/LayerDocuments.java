package dev.hearth.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.hearth.store.LayerStore.VersionRow;

import java.util.Optional;

/**
 * Converts layer versions to and from the JSON documents the store keeps: the {@link LayerVersion}
 * record as Jackson writes it (ours, not AWS's shape). Thread-safe.
 */
final class LayerDocuments {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private LayerDocuments() {
    }

    /** A new version's row; it has no policy yet. */
    static VersionRow toRow(LayerVersion v) {
        try {
            return new VersionRow(v.layerName(), v.version(), v.code().sha256Hex(), v.code().size(),
                    JSON.writeValueAsString(v), Optional.empty());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a layer version always serialises", e);
        }
    }

    static LayerVersion fromRow(VersionRow row) {
        try {
            return JSON.readValue(row.document(), LayerVersion.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt layer document for " + row.layerName() + ":" + row.version(), e);
        }
    }
}
