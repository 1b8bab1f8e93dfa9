package dev.hearth.logs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CloudWatch-facing view of the log store: groups and their metadata across restarts, GetLogEvents
 * paging with AWS's tokens, FilterLogEvents interleaving and paging, and the sweep's retention and cap.
 */
class LogGroupsTest {
    private static final String GROUP = "/aws/lambda/fn";
    private static final long T0 = Instant.parse("2026-01-10T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private FunctionLogs logs;
    private LogGroups groups;

    @BeforeEach
    void open() {
        logs = FunctionLogs.create(dir, clock);
        groups = LogGroups.create(dir, logs, clock);
    }

    @AfterEach
    void close() {
        logs.close();
    }

    private void write(String stream, long... timestamps) {
        LogStream s = logs.open(GROUP, stream);
        for (long t : timestamps) {
            s.append(t, stream + "@" + t);
        }
        logs.flush();
    }

    private static List<String> messages(EventsPage page) {
        return page.events().stream().map(LogEvent::message).toList();
    }

    @Test
    void createdGroup_keepsCreationTimeAndRetention_acrossRestart() {
        groups.createGroup("/custom/app");
        groups.putRetention("/custom/app", 7);
        assertThatThrownBy(() -> groups.createGroup("/custom/app")).isInstanceOf(LogStoreException.class)
                .hasMessage("The specified log group already exists");

        logs.close();
        clock.set(T0 + 5_000);
        logs = FunctionLogs.create(dir, clock);
        groups = LogGroups.create(dir, logs, clock);

        assertThat(groups.group("/custom/app")).contains(new LogGroupInfo("/custom/app", T0, Optional.of(7), 0));
        groups.deleteRetention("/custom/app");
        assertThat(groups.group("/custom/app").orElseThrow().retentionInDays()).isEmpty();
    }

    @Test
    void deleteGroup_removesItsFilesAndMetadata_andMissingGroupsAreNotFound() {
        write("s1", T0);
        groups.putRetention(GROUP, 1);

        groups.deleteGroup(GROUP);

        assertThat(groups.groups()).isEmpty();
        assertThat(logs.streams(GROUP)).isEmpty();
        assertThatThrownBy(() -> groups.deleteGroup(GROUP)).isInstanceOf(LogStoreException.class)
                .hasMessage("The specified log group does not exist.");
        assertThatThrownBy(() -> groups.events(GROUP, "s1", query(true, 10, null)))
                .hasMessage("The specified log group does not exist.");
    }

    @Test
    void streams_reportFirstAndLastEventTimes() {
        write("s1", T0 + 1, T0 + 2, T0 + 9);
        LogStreamInfo info = groups.streams(GROUP).getFirst();
        assertThat(info.firstEventTimestamp()).contains(T0 + 1);
        assertThat(info.lastEventTimestamp()).contains(T0 + 9);
        assertThat(info.storedBytes()).isPositive();
    }

    @Test
    void getEvents_fromHead_pagesForward_andReturnsTheSameTokenAtTheEnd() {
        write("s1", T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4);

        EventsPage first = groups.events(GROUP, "s1", query(true, 2, null));
        EventsPage second = groups.events(GROUP, "s1", query(true, 2, first.nextForwardToken()));
        EventsPage third = groups.events(GROUP, "s1", query(true, 2, second.nextForwardToken()));
        EventsPage end = groups.events(GROUP, "s1", query(true, 2, third.nextForwardToken()));

        assertThat(messages(first)).containsExactly("s1@" + T0, "s1@" + (T0 + 1));
        assertThat(messages(second)).containsExactly("s1@" + (T0 + 2), "s1@" + (T0 + 3));
        assertThat(messages(third)).containsExactly("s1@" + (T0 + 4));
        assertThat(end.events()).isEmpty();
        assertThat(end.nextForwardToken()).isEqualTo(third.nextForwardToken());

        write("s1", T0 + 5);
        assertThat(messages(groups.events(GROUP, "s1", query(true, 2, end.nextForwardToken()))))
                .containsExactly("s1@" + (T0 + 5));
    }

    @Test
    void getEvents_withoutHead_returnsTheLatest_andBackwardTokensPageBack() {
        write("s1", T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4);

        EventsPage latest = groups.events(GROUP, "s1", query(false, 2, null));
        EventsPage before = groups.events(GROUP, "s1", query(false, 2, latest.nextBackwardToken()));
        EventsPage first = groups.events(GROUP, "s1", query(false, 2, before.nextBackwardToken()));
        EventsPage start = groups.events(GROUP, "s1", query(false, 2, first.nextBackwardToken()));

        assertThat(messages(latest)).containsExactly("s1@" + (T0 + 3), "s1@" + (T0 + 4));
        assertThat(messages(before)).containsExactly("s1@" + (T0 + 1), "s1@" + (T0 + 2));
        assertThat(messages(first)).containsExactly("s1@" + T0);
        assertThat(start.events()).isEmpty();
        assertThat(start.nextBackwardToken()).isEqualTo(first.nextBackwardToken());
    }

    @Test
    void getEvents_timeRange_isStartInclusiveEndExclusive_andBadTokensAreInvalid() {
        write("s1", T0, T0 + 1, T0 + 2, T0 + 3);
        EventsPage page = groups.events(GROUP, "s1",
                new EventsQuery(Optional.of(T0 + 1), Optional.of(T0 + 3), true, 100, Optional.empty()));
        assertThat(messages(page)).containsExactly("s1@" + (T0 + 1), "s1@" + (T0 + 2));
        assertThatThrownBy(() -> groups.events(GROUP, "s1", query(true, 1, "x/1")))
                .hasMessage("The specified nextToken is invalid.");
        assertThatThrownBy(() -> groups.events(GROUP, "nope", query(true, 1, null)))
                .hasMessage("The specified log stream does not exist.");
    }

    @Test
    void filter_interleavesStreamsByTime_andPagesWithTokens() {
        write("a", T0, T0 + 2, T0 + 4);
        write("b", T0 + 1, T0 + 3, T0 + 5);

        FilteredPage first = groups.filter(GROUP, filter(4, null, ""));
        FilteredPage rest = groups.filter(GROUP, filter(4, first.nextToken().orElseThrow(), ""));

        assertThat(first.events()).extracting(FilteredEvent::message)
                .containsExactly("a@" + T0, "b@" + (T0 + 1), "a@" + (T0 + 2), "b@" + (T0 + 3));
        assertThat(rest.events()).extracting(FilteredEvent::message).containsExactly("a@" + (T0 + 4), "b@" + (T0 + 5));
        assertThat(rest.nextToken()).isEmpty();
        assertThat(first.events()).extracting(FilteredEvent::eventId).allMatch(id -> id.matches("[0-9]{56}"))
                .doesNotHaveDuplicates();
    }

    @Test
    void filter_appliesTimeRangePatternAndStreamSelection() {
        write("a", T0, T0 + 2, T0 + 4);
        write("b", T0 + 1, T0 + 3, T0 + 5);

        FilteredPage page = groups.filter(GROUP, new FilterQuery(List.of("b"), Optional.empty(),
                Optional.of(T0 + 2), Optional.of(T0 + 5), FilterPattern.parse("-" + (T0 + 5)), 100, Optional.empty()));

        assertThat(page.events()).extracting(FilteredEvent::message).containsExactly("b@" + (T0 + 3));
        assertThat(groups.filter(GROUP, new FilterQuery(List.of(), Optional.of("a"), Optional.empty(),
                Optional.empty(), FilterPattern.parse("\"@" + (T0 + 4) + "\""), 100, Optional.empty())).events())
                .extracting(FilteredEvent::logStreamName).containsExactly("a");
    }

    @Test
    void sweep_deletesStreamsPastRetention_butKeepsGroupsWithout() {
        write("old", T0);
        logs.open("/aws/lambda/other", "kept").append(T0, "x");
        logs.flush();
        groups.putRetention(GROUP, 1);

        clock.set(T0 + SweepPlan.DAY_MILLIS - 1);
        assertThat(groups.sweep(Long.MAX_VALUE)).isEmpty();
        write("fresh", T0 + SweepPlan.DAY_MILLIS);

        clock.set(T0 + SweepPlan.DAY_MILLIS + 1);
        assertThat(groups.sweep(Long.MAX_VALUE)).extracting(SweepPlan.StreamUsage::stream).containsExactly("old");
        assertThat(logs.streams(GROUP)).containsExactly("fresh");
        assertThat(logs.streams("/aws/lambda/other")).containsExactly("kept");
    }

    @Test
    void sweep_overTheCap_deletesLeastRecentlyWrittenStreamsFirst_andAppendsStartAFreshFile() {
        IntStream.range(0, 3).forEach(i -> write("s" + i, T0 + i));
        long each = groups.streams(GROUP).getFirst().storedBytes();

        List<SweepPlan.StreamUsage> deleted = groups.sweep(2 * each);

        assertThat(deleted).extracting(SweepPlan.StreamUsage::stream).containsExactly("s0");
        assertThat(logs.streams(GROUP)).containsExactly("s1", "s2");
        write("s0", T0 + 10);
        assertThat(logs.read(GROUP, "s0")).containsExactly(new LogEvent(T0 + 10, "s0@" + (T0 + 10)));
    }

    private static EventsQuery query(boolean head, int limit, String token) {
        return new EventsQuery(Optional.empty(), Optional.empty(), head, limit, Optional.ofNullable(token));
    }

    private static FilterQuery filter(int limit, String token, String pattern) {
        return new FilterQuery(List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                FilterPattern.parse(pattern), limit, Optional.ofNullable(token));
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        void set(long newMillis) {
            millis = newMillis;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public long millis() {
            return millis;
        }
    }
}
