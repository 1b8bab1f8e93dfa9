package dev.hearth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * {@link LayerStore} on SQLite. Each method is one transaction of {@link Database}, whose single writer
 * makes the read-increment-insert of {@link #publish} atomic.
 */
final class SqliteLayerStore implements LayerStore {

    private static final String COLUMNS = "layer_name, version, code_sha256, code_size, document, policy";

    private final Database db;

    SqliteLayerStore(Database db) {
        this.db = db;
    }

    @Override
    public VersionRow publish(String layerName, LongFunction<VersionRow> build) {
        return db.transaction(c -> {
            long next = 1;
            try (PreparedStatement q = c.prepareStatement("SELECT next_version FROM layers WHERE name = ?")) {
                q.setString(1, layerName);
                ResultSet rs = q.executeQuery();
                if (rs.next()) {
                    next = rs.getLong(1);
                }
            }
            try (PreparedStatement u = c.prepareStatement("INSERT INTO layers (name, next_version) VALUES (?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET next_version = excluded.next_version")) {
                u.setString(1, layerName);
                u.setLong(2, next + 1);
                u.executeUpdate();
            }
            VersionRow row = build.apply(next);
            if (!row.layerName().equals(layerName) || row.version() != next) {
                throw new IllegalArgumentException("the row must be version " + next + " of " + layerName);
            }
            try (PreparedStatement i = c.prepareStatement("INSERT INTO layer_versions (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                i.setString(1, row.layerName());
                i.setLong(2, row.version());
                i.setString(3, row.codeSha256Hex());
                i.setLong(4, row.codeSize());
                i.setString(5, row.document());
                i.setString(6, row.policy().orElse(null));
                i.executeUpdate();
            }
            return row;
        });
    }

    @Override
    public Optional<VersionRow> find(String layerName, long version) {
        return db.transaction(c -> findIn(c, layerName, version));
    }

    private static Optional<VersionRow> findIn(Connection c, String layerName, long version) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS
                + " FROM layer_versions WHERE layer_name = ? AND version = ?")) {
            q.setString(1, layerName);
            q.setLong(2, version);
            ResultSet rs = q.executeQuery();
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    @Override
    public List<VersionRow> versions(String layerName) {
        return db.transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM layer_versions WHERE layer_name = ? ORDER BY version DESC")) {
                q.setString(1, layerName);
                return rows(q.executeQuery());
            }
        });
    }

    @Override
    public List<VersionRow> all() {
        return db.transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM layer_versions ORDER BY layer_name, version DESC")) {
                return rows(q.executeQuery());
            }
        });
    }

    @Override
    public Optional<VersionRow> delete(String layerName, long version) {
        return db.transaction(c -> {
            Optional<VersionRow> row = findIn(c, layerName, version);
            if (row.isPresent()) {
                try (PreparedStatement d = c.prepareStatement(
                        "DELETE FROM layer_versions WHERE layer_name = ? AND version = ?")) {
                    d.setString(1, layerName);
                    d.setLong(2, version);
                    d.executeUpdate();
                }
            }
            return row;
        });
    }

    @Override
    public boolean replacePolicy(String layerName, long version, Optional<String> expected, Optional<String> policy) {
        return db.transaction(c -> {
            // IS compares NULL with NULL as equal, so "no policy yet" is a value the swap can expect.
            try (PreparedStatement u = c.prepareStatement("UPDATE layer_versions SET policy = ?"
                    + " WHERE layer_name = ? AND version = ? AND policy IS ?")) {
                u.setString(1, policy.orElse(null));
                u.setString(2, layerName);
                u.setLong(3, version);
                u.setString(4, expected.orElse(null));
                return u.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Set<String> referencedCode() {
        return db.strings("SELECT DISTINCT code_sha256 FROM layer_versions");
    }

    @Override
    public long totalCodeSize() {
        return db.transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT COALESCE(SUM(code_size), 0) FROM layer_versions")) {
                ResultSet rs = q.executeQuery();
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static List<VersionRow> rows(ResultSet rs) throws SQLException {
        List<VersionRow> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(row(rs));
        }
        return rows;
    }

    private static VersionRow row(ResultSet rs) throws SQLException {
        return new VersionRow(rs.getString("layer_name"), rs.getLong("version"), rs.getString("code_sha256"),
                rs.getLong("code_size"), rs.getString("document"), Optional.ofNullable(rs.getString("policy")));
    }
}
