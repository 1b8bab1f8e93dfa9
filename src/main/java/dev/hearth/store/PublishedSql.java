package dev.hearth.store;

import dev.hearth.store.FunctionStore.AliasRow;
import dev.hearth.store.FunctionStore.VersionDeletion;
import dev.hearth.store.FunctionStore.VersionRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of published versions and aliases for {@link SqliteFunctionStore}: each method runs inside a
 * transaction the caller holds. Kept apart so that the function store stays about functions.
 */
final class PublishedSql {
    private static final String ALIAS_COLUMNS =
            "function_name, name, function_version, additional_version, additional_weight, description, revision_id";

    private PublishedSql() {
    }

    static long lastPublishedNumber(Connection c, String functionName) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "SELECT last_version FROM function_counters WHERE function_name = ?")) {
            q.setString(1, functionName);
            ResultSet rs = q.executeQuery();
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static boolean insertPublishedVersion(Connection c, VersionRow version, String expectedLatestRevision,
                                          long expectedLastNumber) throws SQLException {
        if (version.ordinal() != expectedLastNumber + 1) {
            throw new IllegalArgumentException("version " + version.version() + " does not follow " + expectedLastNumber);
        }
        try (PreparedStatement q = c.prepareStatement("SELECT revision_id FROM function_versions"
                + " WHERE function_name = ? AND version = '$LATEST'")) {
            q.setString(1, version.functionName());
            ResultSet rs = q.executeQuery();
            if (!rs.next() || !rs.getString(1).equals(expectedLatestRevision)) {
                return false;
            }
        }
        if (lastPublishedNumber(c, version.functionName()) != expectedLastNumber) {
            return false;
        }
        try (PreparedStatement u = c.prepareStatement("INSERT INTO function_counters (function_name, last_version)"
                + " VALUES (?, ?) ON CONFLICT (function_name) DO UPDATE SET last_version = excluded.last_version")) {
            u.setString(1, version.functionName());
            u.setLong(2, version.ordinal());
            u.executeUpdate();
        }
        SqliteFunctionStore.insertVersion(c, version);
        return true;
    }

    static VersionDeletion deleteVersion(Connection c, String functionName, String version) throws SQLException {
        List<String> referencing = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT name FROM aliases WHERE function_name = ?"
                + " AND (function_version = ? OR additional_version = ?) ORDER BY name")) {
            q.setString(1, functionName);
            q.setString(2, version);
            q.setString(3, version);
            ResultSet rs = q.executeQuery();
            while (rs.next()) {
                referencing.add(rs.getString(1));
            }
        }
        if (!referencing.isEmpty()) {
            return new VersionDeletion(false, referencing, List.of());
        }
        String hash;
        try (PreparedStatement q = c.prepareStatement(
                "SELECT code_sha256 FROM function_versions WHERE function_name = ? AND version = ?")) {
            q.setString(1, functionName);
            q.setString(2, version);
            ResultSet rs = q.executeQuery();
            if (!rs.next()) {
                return new VersionDeletion(false, List.of(), List.of());
            }
            hash = rs.getString(1);
        }
        try (PreparedStatement d = c.prepareStatement(
                "DELETE FROM function_versions WHERE function_name = ? AND version = ?")) {
            d.setString(1, functionName);
            d.setString(2, version);
            d.executeUpdate();
        }
        try (PreparedStatement still = c.prepareStatement(
                "SELECT 1 FROM function_versions WHERE code_sha256 = ? LIMIT 1")) {
            still.setString(1, hash);
            boolean referenced = still.executeQuery().next();
            return new VersionDeletion(true, List.of(), referenced ? List.of() : List.of(hash));
        }
    }

    static boolean insertAlias(Connection c, AliasRow alias) throws SQLException {
        if (findAlias(c, alias.functionName(), alias.name()).isPresent()) {
            return false;
        }
        try (PreparedStatement i = c.prepareStatement("INSERT INTO aliases (" + ALIAS_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            bind(i, alias);
            i.executeUpdate();
            return true;
        }
    }

    static Optional<AliasRow> findAlias(Connection c, String functionName, String name) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + ALIAS_COLUMNS
                + " FROM aliases WHERE function_name = ? AND name = ?")) {
            q.setString(1, functionName);
            q.setString(2, name);
            ResultSet rs = q.executeQuery();
            return rs.next() ? Optional.of(alias(rs)) : Optional.empty();
        }
    }

    static boolean replaceAlias(Connection c, AliasRow alias, String expectedRevisionId) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE aliases SET function_version = ?, additional_version = ?,"
                + " additional_weight = ?, description = ?, revision_id = ?"
                + " WHERE function_name = ? AND name = ? AND revision_id = ?")) {
            u.setString(1, alias.functionVersion());
            setOptional(u, 2, alias.additionalVersion());
            u.setDouble(3, alias.additionalWeight());
            u.setString(4, alias.description());
            u.setString(5, alias.revisionId());
            u.setString(6, alias.functionName());
            u.setString(7, alias.name());
            u.setString(8, expectedRevisionId);
            return u.executeUpdate() == 1;
        }
    }

    static boolean deleteAlias(Connection c, String functionName, String name) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM aliases WHERE function_name = ? AND name = ?")) {
            d.setString(1, functionName);
            d.setString(2, name);
            return d.executeUpdate() == 1;
        }
    }

    /** The aliases of one function, or of every function when {@code functionName} is empty, by name. */
    static List<AliasRow> aliases(Connection c, Optional<String> functionName) throws SQLException {
        String sql = "SELECT " + ALIAS_COLUMNS + " FROM aliases"
                + (functionName.isPresent() ? " WHERE function_name = ?" : "") + " ORDER BY function_name, name";
        try (PreparedStatement q = c.prepareStatement(sql)) {
            if (functionName.isPresent()) {
                q.setString(1, functionName.get());
            }
            ResultSet rs = q.executeQuery();
            List<AliasRow> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(alias(rs));
            }
            return rows;
        }
    }

    private static void bind(PreparedStatement s, AliasRow a) throws SQLException {
        s.setString(1, a.functionName());
        s.setString(2, a.name());
        s.setString(3, a.functionVersion());
        setOptional(s, 4, a.additionalVersion());
        s.setDouble(5, a.additionalWeight());
        s.setString(6, a.description());
        s.setString(7, a.revisionId());
    }

    private static void setOptional(PreparedStatement s, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            s.setString(index, value.get());
        } else {
            s.setNull(index, Types.VARCHAR);
        }
    }

    private static AliasRow alias(ResultSet rs) throws SQLException {
        return new AliasRow(rs.getString("function_name"), rs.getString("name"), rs.getString("function_version"),
                Optional.ofNullable(rs.getString("additional_version")), rs.getDouble("additional_weight"),
                rs.getString("description"), rs.getString("revision_id"));
    }
}
