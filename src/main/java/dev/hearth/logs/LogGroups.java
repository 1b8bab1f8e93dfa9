package dev.hearth.logs;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The log store as the CloudWatch Logs API sees it: groups with their creation time and retention,
 * their streams, paged reads of one stream, searches across a group, and the sweep that enforces
 * retention and the disk cap. Failures the caller caused throw {@link LogStoreException}.
 *
 * <p>Threading: thread-safe; every method may touch the disk and blocks, so call it from virtual
 * threads (the API runs its routes there) or the janitor's thread, never from an event loop.
 */
public interface LogGroups {

    /** The retention periods AWS accepts, in days. */
    Set<Integer> RETENTION_DAYS = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
            1827, 2192, 2557, 2922, 3288, 3653);

    /**
     * The groups of the store {@code logs} writes under {@code logsDir}; their metadata lives in a small
     * file there. The clock stamps created groups and ages streams for retention.
     */
    static LogGroups create(Path logsDir, FunctionLogs logs, Clock clock) {
        return new DiskLogGroups(logsDir, logs, clock);
    }

    /** Every group, sorted by name. */
    List<LogGroupInfo> groups();

    Optional<LogGroupInfo> group(String name);

    /** Creates an empty group; refused when it exists. */
    void createGroup(String name);

    /** Deletes a group with all its streams and metadata. */
    void deleteGroup(String name);

    /** Sets the retention; {@code days} must be one of {@link #RETENTION_DAYS}. */
    void putRetention(String name, int days);

    /** Events of the group never expire again. */
    void deleteRetention(String name);

    /** The group's streams, sorted by name. */
    List<LogStreamInfo> streams(String group);

    /** One page of a stream's events (GetLogEvents). */
    EventsPage events(String group, String stream, EventsQuery query);

    /** One page of events across the group's streams (FilterLogEvents). */
    FilteredPage filter(String group, FilterQuery query);

    /**
     * Deletes the streams whose last event is older than their group's retention, then, while all
     * streams together take more than {@code capBytes}, the streams least recently written to.
     *
     * @return the streams deleted, as {@code group} and {@code stream} pairs
     */
    List<SweepPlan.StreamUsage> sweep(long capBytes);
}
