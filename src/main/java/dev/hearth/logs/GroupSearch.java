package dev.hearth.logs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * FilterLogEvents over the streams of a group: events of all selected streams interleaved by
 * (timestamp, stream name, position in the stream), the first {@code limit} after the token's event.
 * The token names the last event returned, so a page never depends on state kept here: a client can
 * resume after a restart, and streams appended to in between are picked up. Memory is bounded by the
 * page (a heap of the best {@code limit + 1} candidates); a stream whose time range misses the query is
 * not read at all, which keeps the 5-second polls of {@code aws logs tail --follow} cheap. Streams are
 * read in order and assumed time-ordered, which they are as one environment appends to each.
 * Blocking; call from virtual threads.
 */
final class GroupSearch {
    private static final String TOKEN_VERSION = "1";
    private static final Comparator<Hit> ORDER = Comparator.comparingLong(Hit::timestamp)
            .thenComparing(Hit::stream).thenComparingLong(Hit::index);

    private GroupSearch() {
    }

    /** One stream the caller selected, with its file and summary. */
    record Candidate(String name, Path file, LogStreamInfo info) {
    }

    static FilteredPage search(List<Candidate> streams, FilterQuery query) {
        Optional<Hit> after = query.token().map(GroupSearch::parseToken);
        PriorityQueue<Hit> best = new PriorityQueue<>(ORDER.reversed());
        int keep = query.limit() + 1;
        List<String> searched = new ArrayList<>();
        for (Candidate stream : streams) {
            if (!overlaps(stream.info(), query)) {
                continue;
            }
            searched.add(stream.name());
            StreamFiles.scan(stream.file(), (index, event) -> {
                long t = event.timestampMillis();
                if (query.endTime().isPresent() && t > query.endTime().get()) {
                    return false;
                }
                if (query.startTime().isPresent() && t < query.startTime().get()) {
                    return true;
                }
                Hit hit = new Hit(t, stream.name(), index, event.message());
                if (after.isPresent() && ORDER.compare(hit, after.get()) <= 0) {
                    return true;
                }
                if (best.size() == keep && ORDER.compare(hit, best.peek()) >= 0) {
                    return false; // later events of this stream sort later still
                }
                if (!query.pattern().matches(event.message())) {
                    return true;
                }
                best.add(hit);
                if (best.size() > keep) {
                    best.poll();
                }
                return true;
            });
        }
        List<Hit> sorted = new ArrayList<>(best);
        sorted.sort(ORDER);
        List<FilteredEvent> events = new ArrayList<>();
        long bytes = 0;
        for (Hit hit : sorted) {
            long size = hit.message().length() + StreamPages.EVENT_OVERHEAD;
            if (events.size() == query.limit() || (!events.isEmpty() && bytes + size > StreamPages.MAX_PAGE_BYTES)) {
                Hit last = sorted.get(events.size() - 1);
                return new FilteredPage(events, Optional.of(token(last)), searched);
            }
            events.add(new FilteredEvent(hit.stream(), hit.timestamp(), hit.message(), eventId(hit)));
            bytes += size;
        }
        return new FilteredPage(events, Optional.empty(), searched);
    }

    private static boolean overlaps(LogStreamInfo info, FilterQuery query) {
        if (info.firstEventTimestamp().isEmpty()) {
            return false;
        }
        boolean endsBefore = query.startTime().isPresent() && info.lastEventTimestamp().orElse(Long.MAX_VALUE)
                < query.startTime().get();
        boolean startsAfter = query.endTime().isPresent() && info.firstEventTimestamp().get() > query.endTime().get();
        return !endsBefore && !startsAfter;
    }

    /** 56 digits like AWS's: the timestamp, a hash of the stream name and the event's position in it. */
    static String eventId(Hit hit) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : hit.stream().getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return String.format("%019d%019d%018d", Math.max(0, hit.timestamp()), hash & Long.MAX_VALUE, hit.index());
    }

    private static String token(Hit last) {
        String raw = TOKEN_VERSION + "\n" + last.timestamp() + "\n" + last.index() + "\n" + last.stream();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static Hit parseToken(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = raw.split("\n", 4);
            if (parts.length == 4 && parts[0].equals(TOKEN_VERSION)) {
                return new Hit(Long.parseLong(parts[1]), parts[3], Long.parseLong(parts[2]), "");
            }
        } catch (IllegalArgumentException e) { // bad base64 or number
            throw LogStoreException.invalidToken();
        }
        throw LogStoreException.invalidToken();
    }

    record Hit(long timestamp, String stream, long index, String message) {
    }
}
