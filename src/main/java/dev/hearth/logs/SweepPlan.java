package dev.hearth.logs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which streams a sweep deletes, as a pure function of what is on disk: first every stream whose last
 * activity is older than its group's retention, then, oldest first, as many more as it takes to bring
 * the total under the disk cap. Thread-safe.
 */
public final class SweepPlan {
    static final long DAY_MILLIS = 86_400_000L;

    private SweepPlan() {
    }

    /**
     * One stream's footprint.
     *
     * @param lastActivity its last event's timestamp, or its last write when it has no events
     */
    public record StreamUsage(String group, String stream, long lastActivity, long bytes) {
    }

    static List<StreamUsage> toDelete(List<StreamUsage> streams, Map<String, Integer> retentionDays, long now,
                                      long capBytes) {
        List<StreamUsage> doomed = new ArrayList<>();
        List<StreamUsage> kept = new ArrayList<>();
        for (StreamUsage s : streams) {
            Integer days = retentionDays.get(s.group());
            if (days != null && s.lastActivity() < now - days * DAY_MILLIS) {
                doomed.add(s);
            } else {
                kept.add(s);
            }
        }
        long total = kept.stream().mapToLong(StreamUsage::bytes).sum();
        kept.sort(Comparator.comparingLong(StreamUsage::lastActivity).thenComparing(StreamUsage::group)
                .thenComparing(StreamUsage::stream));
        for (int i = 0; i < kept.size() && total > capBytes; i++) {
            doomed.add(kept.get(i));
            total -= kept.get(i).bytes();
        }
        return doomed;
    }
}
