package dev.hearth.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link FunctionStore} on SQLite. Each method is one transaction of {@link Database}.
 */
final class SqliteFunctionStore implements FunctionStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> TAGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "function_name, version, revision_id, code_sha256, code_size, document";

    private final Database db;

    SqliteFunctionStore(Database db) {
        this.db = db;
    }

    @Override
    public boolean insertFunction(VersionRow latest, Map<String, String> tags, long createdMillis) {
        return db.transaction(c -> {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM functions WHERE name = ?")) {
                exists.setString(1, latest.functionName());
                if (exists.executeQuery().next()) {
                    return false;
                }
            }
            try (PreparedStatement fn = c.prepareStatement(
                    "INSERT INTO functions (name, created_ms, tags_json) VALUES (?, ?, ?)")) {
                fn.setString(1, latest.functionName());
                fn.setLong(2, createdMillis);
                fn.setString(3, toJson(tags));
                fn.executeUpdate();
            }
            insertVersion(c, latest);
            return true;
        });
    }

    static void insertVersion(Connection c, VersionRow row) throws SQLException {
        try (PreparedStatement v = c.prepareStatement("INSERT INTO function_versions (" + COLUMNS
                + ", ordinal) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            v.setString(1, row.functionName());
            v.setString(2, row.version());
            v.setString(3, row.revisionId());
            v.setString(4, row.codeSha256Hex());
            v.setLong(5, row.codeSize());
            v.setString(6, row.document());
            v.setLong(7, row.ordinal());
            v.executeUpdate();
        }
    }

    @Override
    public Optional<VersionRow> findVersion(String functionName, String version) {
        return db.transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM function_versions WHERE function_name = ? AND version = ?")) {
                q.setString(1, functionName);
                q.setString(2, version);
                ResultSet rs = q.executeQuery();
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public boolean replaceVersion(VersionRow row, String expectedRevisionId) {
        return db.transaction(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE function_versions SET revision_id = ?,"
                    + " code_sha256 = ?, code_size = ?, document = ?"
                    + " WHERE function_name = ? AND version = ? AND revision_id = ?")) {
                u.setString(1, row.revisionId());
                u.setString(2, row.codeSha256Hex());
                u.setLong(3, row.codeSize());
                u.setString(4, row.document());
                u.setString(5, row.functionName());
                u.setString(6, row.version());
                u.setString(7, expectedRevisionId);
                return u.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<List<String>> deleteFunction(String functionName) {
        return db.transaction(c -> {
            List<String> hashes = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT DISTINCT code_sha256 FROM function_versions WHERE function_name = ?")) {
                q.setString(1, functionName);
                ResultSet rs = q.executeQuery();
                while (rs.next()) {
                    hashes.add(rs.getString(1));
                }
            }
            try (PreparedStatement d = c.prepareStatement("DELETE FROM functions WHERE name = ?")) {
                d.setString(1, functionName);
                if (d.executeUpdate() == 0) {
                    return Optional.<List<String>>empty();
                }
            }
            List<String> orphaned = new ArrayList<>();
            try (PreparedStatement still = c.prepareStatement(
                    "SELECT 1 FROM function_versions WHERE code_sha256 = ? LIMIT 1")) {
                for (String hash : hashes) {
                    still.setString(1, hash);
                    if (!still.executeQuery().next()) {
                        orphaned.add(hash);
                    }
                }
            }
            return Optional.of(orphaned);
        });
    }

    @Override
    public Page listVersions(Optional<String> onlyVersion, Optional<ListKey> after, int limit) {
        return db.transaction(c -> {
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + ", ordinal FROM function_versions WHERE 1=1");
            if (onlyVersion.isPresent()) {
                sql.append(" AND version = ?");
            }
            if (after.isPresent()) {
                sql.append(" AND (function_name > ? OR (function_name = ? AND ordinal > ?))");
            }
            sql.append(" ORDER BY function_name, ordinal LIMIT ?");
            try (PreparedStatement q = c.prepareStatement(sql.toString())) {
                int i = 1;
                if (onlyVersion.isPresent()) {
                    q.setString(i++, onlyVersion.get());
                }
                if (after.isPresent()) {
                    q.setString(i++, after.get().functionName());
                    q.setString(i++, after.get().functionName());
                    q.setLong(i++, after.get().ordinal());
                }
                q.setInt(i, limit + 1);
                ResultSet rs = q.executeQuery();
                List<VersionRow> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row(rs));
                }
                if (rows.size() <= limit) {
                    return new Page(rows, Optional.empty());
                }
                List<VersionRow> page = rows.subList(0, limit);
                VersionRow last = page.getLast();
                return new Page(List.copyOf(page), Optional.of(new ListKey(last.functionName(), last.ordinal())));
            }
        });
    }

    @Override
    public Optional<Map<String, String>> tags(String functionName) {
        return db.transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT tags_json FROM functions WHERE name = ?")) {
                q.setString(1, functionName);
                ResultSet rs = q.executeQuery();
                return rs.next() ? Optional.of(fromJson(rs.getString(1))) : Optional.empty();
            }
        });
    }

    @Override
    public boolean replaceTags(String functionName, Map<String, String> tags) {
        return db.transaction(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE functions SET tags_json = ? WHERE name = ?")) {
                u.setString(1, toJson(tags));
                u.setString(2, functionName);
                return u.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Usage usage() {
        return db.transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT (SELECT COUNT(*) FROM functions),"
                    + " (SELECT COALESCE(SUM(code_size), 0) FROM function_versions)")) {
                ResultSet rs = q.executeQuery();
                rs.next();
                return new Usage(rs.getLong(1), rs.getLong(2));
            }
        });
    }

    @Override
    public List<VersionRow> allVersions() {
        return db.transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM function_versions")) {
                ResultSet rs = q.executeQuery();
                List<VersionRow> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row(rs));
                }
                return rows;
            }
        });
    }

    @Override
    public Set<String> referencedCode() {
        return db.strings("SELECT DISTINCT code_sha256 FROM function_versions");
    }

    @Override
    public long lastPublishedNumber(String functionName) {
        return db.transaction(c -> PublishedSql.lastPublishedNumber(c, functionName));
    }

    @Override
    public boolean insertPublishedVersion(VersionRow version, String expectedLatestRevision, long expectedLastNumber) {
        return db.transaction(c -> PublishedSql.insertPublishedVersion(c, version, expectedLatestRevision,
                expectedLastNumber));
    }

    @Override
    public VersionDeletion deleteVersion(String functionName, String version) {
        return db.transaction(c -> PublishedSql.deleteVersion(c, functionName, version));
    }

    @Override
    public boolean insertAlias(AliasRow alias) {
        return db.transaction(c -> PublishedSql.insertAlias(c, alias));
    }

    @Override
    public Optional<AliasRow> findAlias(String functionName, String name) {
        return db.transaction(c -> PublishedSql.findAlias(c, functionName, name));
    }

    @Override
    public boolean replaceAlias(AliasRow alias, String expectedRevisionId) {
        return db.transaction(c -> PublishedSql.replaceAlias(c, alias, expectedRevisionId));
    }

    @Override
    public boolean deleteAlias(String functionName, String name) {
        return db.transaction(c -> PublishedSql.deleteAlias(c, functionName, name));
    }

    @Override
    public List<AliasRow> aliases(String functionName) {
        return db.transaction(c -> PublishedSql.aliases(c, Optional.of(functionName)));
    }

    @Override
    public List<AliasRow> allAliases() {
        return db.transaction(c -> PublishedSql.aliases(c, Optional.empty()));
    }

    private static VersionRow row(ResultSet rs) throws SQLException {
        return new VersionRow(rs.getString("function_name"), rs.getString("version"), rs.getString("revision_id"),
                rs.getString("code_sha256"), rs.getLong("code_size"), rs.getString("document"));
    }

    private static String toJson(Map<String, String> tags) {
        try {
            return JSON.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string map always serialises", e);
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return JSON.readValue(json, TAGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt tags in the store: " + json, e);
        }
    }
}
