package dev.hearth.logs;

import java.util.Objects;
import java.util.Optional;

/**
 * What GetLogEvents asks of one stream.
 *
 * @param startTime     events at or after it (epoch ms)
 * @param endTime       events before it
 * @param startFromHead without a token: the earliest events rather than the latest
 * @param limit         1 to 10,000 events
 * @param token         a {@code nextForwardToken} or {@code nextBackwardToken} from an earlier page
 */
public record EventsQuery(Optional<Long> startTime, Optional<Long> endTime, boolean startFromHead, int limit,
                          Optional<String> token) {
    public static final int MAX_LIMIT = 10_000;

    public EventsQuery {
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
        Objects.requireNonNull(token, "token");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
    }
}
