package dev.hearth.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ConcurrencyStore} on SQLite (migration V4). Each method is one transaction of {@link Database};
 * an insert for a function that is gone fails its foreign key, which is reported as {@code false}.
 */
final class SqliteConcurrencyStore implements ConcurrencyStore {

    private final Database db;

    SqliteConcurrencyStore(Database db) {
        this.db = db;
    }

    @Override
    public Map<String, Integer> reservedByFunction() {
        return db.transaction(c -> {
            Map<String, Integer> out = new HashMap<>();
            try (PreparedStatement q = c.prepareStatement("SELECT function_name, reserved FROM function_concurrency")) {
                ResultSet rs = q.executeQuery();
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
            return out;
        });
    }

    @Override
    public boolean putReserved(String functionName, int reserved) {
        return db.transaction(c -> {
            if (!functionExists(c, functionName)) {
                return false;
            }
            try (PreparedStatement u = c.prepareStatement("INSERT INTO function_concurrency (function_name, reserved)"
                    + " VALUES (?, ?) ON CONFLICT (function_name) DO UPDATE SET reserved = excluded.reserved")) {
                u.setString(1, functionName);
                u.setInt(2, reserved);
                u.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public void deleteReserved(String functionName) {
        db.transaction(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM function_concurrency WHERE function_name = ?")) {
                d.setString(1, functionName);
                return d.executeUpdate();
            }
        });
    }

    @Override
    public List<ProvisionedRow> provisioned() {
        return db.transaction(c -> {
            List<ProvisionedRow> out = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT function_name, qualifier, requested, last_modified"
                    + " FROM provisioned_concurrency ORDER BY function_name, qualifier")) {
                ResultSet rs = q.executeQuery();
                while (rs.next()) {
                    out.add(new ProvisionedRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4)));
                }
            }
            return out;
        });
    }

    @Override
    public boolean putProvisioned(ProvisionedRow row) {
        return db.transaction(c -> {
            if (!functionExists(c, row.functionName())) {
                return false;
            }
            try (PreparedStatement u = c.prepareStatement("INSERT INTO provisioned_concurrency (function_name,"
                    + " qualifier, requested, last_modified) VALUES (?, ?, ?, ?) ON CONFLICT (function_name, qualifier)"
                    + " DO UPDATE SET requested = excluded.requested, last_modified = excluded.last_modified")) {
                u.setString(1, row.functionName());
                u.setString(2, row.qualifier());
                u.setInt(3, row.requested());
                u.setString(4, row.lastModified());
                u.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public boolean deleteProvisioned(String functionName, String qualifier) {
        return db.transaction(c -> {
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM provisioned_concurrency WHERE function_name = ? AND qualifier = ?")) {
                d.setString(1, functionName);
                d.setString(2, qualifier);
                return d.executeUpdate() == 1;
            }
        });
    }

    private static boolean functionExists(java.sql.Connection c, String functionName) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM functions WHERE name = ?")) {
            q.setString(1, functionName);
            return q.executeQuery().next();
        }
    }
}
