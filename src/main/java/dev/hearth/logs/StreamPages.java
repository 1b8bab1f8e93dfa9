package dev.hearth.logs;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * GetLogEvents over one stream file, with AWS's token semantics. A token names a position between two
 * events by the index of the event after it: {@code f/N} reads forward from event N, {@code b/N} reads
 * backward from just before it. A page of events N..M answers {@code f/(M+1)} and {@code b/N}; a page
 * that finds nothing answers the token it was given, which is how clients know they reached the end.
 * Without a token the page is the first events ({@code startFromHead}) or the latest. Positions stay
 * valid because stream files are only appended to. Memory is bounded by the page, not the file.
 * Blocking; call from virtual threads.
 */
final class StreamPages {
    /** AWS's cap on one response: 1 MB of messages, counting 26 bytes of overhead per event. */
    static final long MAX_PAGE_BYTES = 1_048_576;
    static final int EVENT_OVERHEAD = 26;

    private StreamPages() {
    }

    static EventsPage read(Path file, EventsQuery query) {
        Position from = query.token().map(StreamPages::parse)
                .orElse(new Position(query.startFromHead(), query.startFromHead() ? 0 : Long.MAX_VALUE));
        List<Indexed> page = from.forward() ? forward(file, query, from.index()) : backward(file, query, from.index());
        if (page.isEmpty()) {
            String same = query.token().orElse(null);
            long at = from.index() == Long.MAX_VALUE ? StreamFiles.scan(file, (i, e) -> true) : from.index();
            String f = same != null && from.forward() ? same : "f/" + at;
            String b = same != null && !from.forward() ? same : "b/" + at;
            return new EventsPage(List.of(), f, b);
        }
        return new EventsPage(page.stream().map(Indexed::event).toList(),
                "f/" + (page.getLast().index() + 1), "b/" + page.getFirst().index());
    }

    private static List<Indexed> forward(Path file, EventsQuery query, long from) {
        List<Indexed> out = new ArrayList<>();
        long[] bytes = {0};
        StreamFiles.scan(file, (index, event) -> {
            if (index < from || !inRange(query, event)) {
                return true;
            }
            long size = size(event);
            if (!out.isEmpty() && bytes[0] + size > MAX_PAGE_BYTES) {
                return false;
            }
            out.add(new Indexed(index, event));
            bytes[0] += size;
            return out.size() < query.limit();
        });
        return out;
    }

    private static List<Indexed> backward(Path file, EventsQuery query, long before) {
        ArrayDeque<Indexed> window = new ArrayDeque<>();
        long[] bytes = {0};
        StreamFiles.scan(file, (index, event) -> {
            if (index >= before) {
                return false;
            }
            if (!inRange(query, event)) {
                return true;
            }
            window.addLast(new Indexed(index, event));
            bytes[0] += size(event);
            while (window.size() > query.limit() || (window.size() > 1 && bytes[0] > MAX_PAGE_BYTES)) {
                bytes[0] -= size(window.removeFirst().event());
            }
            return true;
        });
        return new ArrayList<>(window);
    }

    private static boolean inRange(EventsQuery query, LogEvent event) {
        long t = event.timestampMillis();
        return query.startTime().map(s -> t >= s).orElse(true) && query.endTime().map(e -> t < e).orElse(true);
    }

    static long size(LogEvent event) {
        return event.message().length() + EVENT_OVERHEAD;
    }

    private static Position parse(String token) {
        if (token.length() > 2 && (token.startsWith("f/") || token.startsWith("b/"))) {
            try {
                long index = Long.parseLong(token.substring(2));
                if (index >= 0) {
                    return new Position(token.charAt(0) == 'f', index);
                }
            } catch (NumberFormatException e) {
                throw LogStoreException.invalidToken();
            }
        }
        throw LogStoreException.invalidToken();
    }

    private record Position(boolean forward, long index) {
    }

    private record Indexed(long index, LogEvent event) {
    }
}
