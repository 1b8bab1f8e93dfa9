package dev.hearth.logs;

import java.util.List;

/** One page of GetLogEvents: events in ascending order and the tokens to move either way from it. */
public record EventsPage(List<LogEvent> events, String nextForwardToken, String nextBackwardToken) {
    public EventsPage {
        events = List.copyOf(events);
    }
}
