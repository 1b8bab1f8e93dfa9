package dev.hearth.logs;

import java.util.List;
import java.util.Optional;

/**
 * One page of FilterLogEvents: events interleaved across streams in time order, the token for the rest
 * (empty when there is none) and the streams searched.
 */
public record FilteredPage(List<FilteredEvent> events, Optional<String> nextToken, List<String> searchedStreams) {
    public FilteredPage {
        events = List.copyOf(events);
        searchedStreams = List.copyOf(searchedStreams);
    }
}
