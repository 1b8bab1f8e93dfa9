package dev.hearth.logs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What FilterLogEvents asks of a group.
 *
 * @param streamNames      only these streams (empty: not restricted by name)
 * @param streamNamePrefix only streams whose name starts with it
 * @param startTime        events at or after it (epoch ms)
 * @param endTime          events at or before it
 * @param limit            1 to 10,000 events
 * @param token            the {@code nextToken} of an earlier page
 */
public record FilterQuery(List<String> streamNames, Optional<String> streamNamePrefix, Optional<Long> startTime,
                          Optional<Long> endTime, FilterPattern pattern, int limit, Optional<String> token) {
    public FilterQuery {
        streamNames = List.copyOf(streamNames);
        Objects.requireNonNull(streamNamePrefix, "streamNamePrefix");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(token, "token");
        if (limit < 1 || limit > EventsQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + EventsQuery.MAX_LIMIT + ", got " + limit);
        }
    }
}
