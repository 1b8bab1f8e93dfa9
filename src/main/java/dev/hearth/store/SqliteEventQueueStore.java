package dev.hearth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link EventQueueStore} on SQLite. Each method is one transaction of {@link Database}, which commits
 * with a full fsync: an event is on disk when {@link #add} returns.
 */
final class SqliteEventQueueStore implements EventQueueStore {

    private final Database db;

    SqliteEventQueueStore(Database db) {
        this.db = db;
    }

    @Override
    public Head add(NewEvent event) {
        return db.transaction(c -> insert(c, event));
    }

    private static Head insert(Connection c, NewEvent e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO async_events (request_id, kind, function_name,"
                + " qualifier, target, payload, attributes, enqueued_ms, due_ms, trace_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            s.setString(1, e.requestId());
            s.setString(2, e.kind().name().toLowerCase(Locale.ROOT));
            setOptional(s, 3, e.functionName());
            setOptional(s, 4, e.qualifier());
            setOptional(s, 5, e.target());
            s.setBytes(6, e.payload());
            setOptional(s, 7, e.attributesJson());
            s.setLong(8, e.enqueuedMillis());
            s.setLong(9, e.dueMillis());
            setOptional(s, 10, e.traceId());
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return new Head(keys.getLong(1), e.kind(), queueOf(e.kind(), e.functionName(), e.target()),
                        e.enqueuedMillis(), e.dueMillis());
            }
        }
    }

    @Override
    public List<Head> recover() {
        return db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE async_events SET leased_until_ms = NULL WHERE leased_until_ms IS NOT NULL");
            }
            List<Head> heads = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT seq, kind, function_name, target, enqueued_ms, due_ms"
                         + " FROM async_events ORDER BY seq")) {
                while (r.next()) {
                    Kind kind = kind(r.getString(2));
                    heads.add(new Head(r.getLong(1), kind, queueOf(kind, Optional.ofNullable(r.getString(3)),
                            Optional.ofNullable(r.getString(4))), r.getLong(5), r.getLong(6)));
                }
            }
            return heads;
        });
    }

    @Override
    public Optional<Leased> lease(long seq, long leasedUntilMillis, boolean countInvoke) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE async_events SET leased_until_ms = ?,"
                    + " invokes = invokes + ? WHERE seq = ?")) {
                s.setLong(1, leasedUntilMillis);
                s.setInt(2, countInvoke ? 1 : 0);
                s.setLong(3, seq);
                if (s.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT request_id, kind, function_name, qualifier, target,"
                    + " payload, attributes, enqueued_ms, invokes, failures, last_response, last_error, last_version,"
                    + " trace_id FROM async_events WHERE seq = ?")) {
                s.setLong(1, seq);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    Optional<LastAttempt> last = Optional.ofNullable(r.getString(12)).map(error -> {
                        try {
                            return new LastAttempt(r.getBytes(11), error, r.getString(13));
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    return Optional.of(new Leased(seq, r.getString(1), kind(r.getString(2)),
                            Optional.ofNullable(r.getString(3)), Optional.ofNullable(r.getString(4)),
                            Optional.ofNullable(r.getString(5)), r.getBytes(6), Optional.ofNullable(r.getString(7)),
                            r.getLong(8), r.getInt(9), r.getInt(10), last, Optional.ofNullable(r.getString(14))));
                }
            }
        });
    }

    @Override
    public List<Head> finish(long seq, List<NewEvent> produced) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM async_events WHERE seq = ?")) {
                s.setLong(1, seq);
                s.executeUpdate();
            }
            List<Head> heads = new ArrayList<>();
            for (NewEvent e : produced) {
                heads.add(insert(c, e));
            }
            return heads;
        });
    }

    @Override
    public void retryLater(long seq, long dueMillis, int invokes, int failures, Optional<LastAttempt> last) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE async_events SET leased_until_ms = NULL, due_ms = ?,"
                    + " invokes = ?, failures = ?, last_response = ?, last_error = ?, last_version = ? WHERE seq = ?")) {
                s.setLong(1, dueMillis);
                s.setInt(2, invokes);
                s.setInt(3, failures);
                s.setBytes(4, last.map(LastAttempt::response).orElse(null));
                setOptional(s, 5, last.map(LastAttempt::functionError));
                setOptional(s, 6, last.map(LastAttempt::executedVersion));
                s.setLong(7, seq);
                return s.executeUpdate();
            }
        });
    }

    private static String queueOf(Kind kind, Optional<String> functionName, Optional<String> target) {
        return kind == Kind.INVOKE ? functionName.orElseThrow() : target.orElseThrow();
    }

    private static Kind kind(String column) {
        return Kind.valueOf(column.toUpperCase(Locale.ROOT));
    }

    private static void setOptional(PreparedStatement s, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            s.setString(index, value.get());
        } else {
            s.setNull(index, Types.VARCHAR);
        }
    }
}
