package dev.hearth.store;

import dev.hearth.core.LambdaException;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The node's SQLite database: one file under the data dir, in WAL mode with full fsync on commit,
 * migrated by Flyway on open.
 *
 * <p>Threading: SQLite allows one writer at a time, so all work goes through one connection guarded by
 * a fair lock; transactions are short (a few rows). Called from virtual threads only.
 */
public final class Database implements AutoCloseable {

    /** A unit of work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock(true);

    private Database(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating if needed) {@code file}, applies pending migrations and returns the database. */
    public static Database open(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a commit is on disk when it returns, so nothing acknowledged is lost on a crash.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(10_000);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());

        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        try {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            return new Database(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the store at " + file + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in a transaction, committing on success and rolling back on any exception. */
    public <T> T transaction(Work<T> work) {
        lock.lock();
        try {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(e);
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw LambdaException.service("The store failed: " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The first column of every row {@code sql} selects (no parameters), as a set; one transaction. */
    java.util.Set<String> strings(String sql) {
        return transaction(c -> {
            try (java.sql.PreparedStatement q = c.prepareStatement(sql)) {
                java.sql.ResultSet rs = q.executeQuery();
                java.util.Set<String> values = new java.util.HashSet<>();
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
                return values;
            }
        });
    }

    private void rollbackQuietly(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close the store", e);
        } finally {
            lock.unlock();
        }
    }
}
