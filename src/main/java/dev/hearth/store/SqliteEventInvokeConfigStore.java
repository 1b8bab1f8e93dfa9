package dev.hearth.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link EventInvokeConfigStore} on SQLite; each method is one transaction of {@link Database}. */
final class SqliteEventInvokeConfigStore implements EventInvokeConfigStore {

    private static final String COLUMNS = "function_name, qualifier, maximum_retry_attempts, maximum_event_age,"
            + " on_success, on_failure, last_modified_ms";

    private final Database db;

    SqliteEventInvokeConfigStore(Database db) {
        this.db = db;
    }

    @Override
    public void put(Row row) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO event_invoke_configs (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (function_name, qualifier) DO UPDATE SET"
                    + " maximum_retry_attempts = excluded.maximum_retry_attempts,"
                    + " maximum_event_age = excluded.maximum_event_age, on_success = excluded.on_success,"
                    + " on_failure = excluded.on_failure, last_modified_ms = excluded.last_modified_ms")) {
                s.setString(1, row.functionName());
                s.setString(2, row.qualifier());
                setInt(s, 3, row.maximumRetryAttempts());
                setInt(s, 4, row.maximumEventAgeInSeconds());
                setString(s, 5, row.onSuccess());
                setString(s, 6, row.onFailure());
                s.setLong(7, row.lastModifiedMillis());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Row> get(String functionName, String qualifier) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?")) {
                s.setString(1, functionName);
                s.setString(2, qualifier);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(row(r)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean delete(String functionName, String qualifier) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?")) {
                s.setString(1, functionName);
                s.setString(2, qualifier);
                return s.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<Row> list(String functionName) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM event_invoke_configs WHERE function_name = ? ORDER BY qualifier")) {
                s.setString(1, functionName);
                List<Row> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(row(r));
                    }
                }
                return rows;
            }
        });
    }

    private static Row row(ResultSet r) throws SQLException {
        return new Row(r.getString(1), r.getString(2), optionalInt(r, 3), optionalInt(r, 4),
                Optional.ofNullable(r.getString(5)), Optional.ofNullable(r.getString(6)), r.getLong(7));
    }

    private static Optional<Integer> optionalInt(ResultSet r, int column) throws SQLException {
        int value = r.getInt(column);
        return r.wasNull() ? Optional.empty() : Optional.of(value);
    }

    private static void setInt(PreparedStatement s, int index, Optional<Integer> value) throws SQLException {
        if (value.isPresent()) {
            s.setInt(index, value.get());
        } else {
            s.setNull(index, Types.INTEGER);
        }
    }

    private static void setString(PreparedStatement s, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            s.setString(index, value.get());
        } else {
            s.setNull(index, Types.VARCHAR);
        }
    }
}
