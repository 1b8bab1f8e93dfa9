package dev.hearth.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the log store knows about groups beyond their directories: when a group was created and its
 * retention. One small JSON file ({@code groups.json} in the logs dir, which no group directory can be
 * named since group names are percent-encoded), rewritten whole on each change by writing a temporary
 * file, syncing it and renaming it over the old one, so a crash leaves either the old or the new file.
 * Thread-safe (synchronized; changes are rare).
 */
final class GroupMetadata {
    static final String FILE = "groups.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param retentionInDays empty when events never expire */
    record Entry(long creationTime, Optional<Integer> retentionInDays) {
    }

    private final Path file;
    private final Map<String, Entry> entries = new TreeMap<>();

    GroupMetadata(Path logsDir) {
        this.file = logsDir.resolve(FILE);
        load();
    }

    synchronized Optional<Entry> get(String group) {
        return Optional.ofNullable(entries.get(group));
    }

    synchronized Map<String, Entry> all() {
        return Map.copyOf(entries);
    }

    synchronized void put(String group, Entry entry) {
        Entry previous = entries.put(group, entry);
        try {
            save();
        } catch (RuntimeException e) {
            if (previous == null) {
                entries.remove(group);
            } else {
                entries.put(group, previous);
            }
            throw e;
        }
    }

    synchronized void remove(String group) {
        if (entries.remove(group) != null) {
            save();
        }
    }

    private void load() {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            if (e instanceof NoSuchFileException || !Files.exists(file)) {
                return;
            }
            throw new UncheckedIOException("cannot read the log group metadata " + file, e);
        }
        JsonNode groups = root == null ? null : root.get("groups");
        if (groups == null) {
            return;
        }
        groups.properties().forEach(e -> {
            JsonNode retention = e.getValue().get("retentionInDays");
            entries.put(e.getKey(), new Entry(e.getValue().path("creationTime").asLong(),
                    retention == null || retention.isNull() ? Optional.empty() : Optional.of(retention.asInt())));
        });
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode groups = root.putObject("groups");
        entries.forEach((name, entry) -> {
            ObjectNode g = groups.putObject(name);
            g.put("creationTime", entry.creationTime());
            entry.retentionInDays().ifPresent(days -> g.put("retentionInDays", days));
        });
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(root));
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log group metadata " + file, e);
        }
    }
}
