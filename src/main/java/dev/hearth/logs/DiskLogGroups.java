package dev.hearth.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@link LogGroups} over the directories {@link DiskFunctionLogs} writes, plus {@link GroupMetadata}.
 * A group exists when it has a directory (the writer makes one for a function's first stream) or
 * metadata (CreateLogGroup records one). Deletions go through the writer, which owns open files.
 * Blocking; thread-safe (group creation and deletion are serialised so that they check and act at once).
 */
final class DiskLogGroups implements LogGroups {
    private final Path logsDir;
    private final FunctionLogs logs;
    private final Clock clock;
    private final GroupMetadata metadata;
    private final Object changes = new Object();

    DiskLogGroups(Path logsDir, FunctionLogs logs, Clock clock) {
        this.logsDir = logsDir.toAbsolutePath().normalize();
        this.logs = logs;
        this.clock = clock;
        this.metadata = new GroupMetadata(this.logsDir);
    }

    @Override
    public List<LogGroupInfo> groups() {
        TreeSet<String> names = new TreeSet<>(logs.groups());
        names.addAll(metadata.all().keySet());
        List<LogGroupInfo> out = new ArrayList<>(names.size());
        for (String name : names) {
            group(name).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<LogGroupInfo> group(String name) {
        Optional<GroupMetadata.Entry> entry = metadata.get(name);
        Optional<BasicFileAttributes> dir = attributes(groupDir(name));
        if (entry.isEmpty() && dir.isEmpty()) {
            return Optional.empty();
        }
        long created = entry.map(GroupMetadata.Entry::creationTime).orElseGet(() -> {
            BasicFileAttributes a = dir.get();
            return Math.min(a.creationTime().toMillis(), a.lastModifiedTime().toMillis());
        });
        long bytes = 0;
        for (String stream : logs.streams(name)) {
            bytes += attributes(streamFile(name, stream)).map(BasicFileAttributes::size).orElse(0L);
        }
        return Optional.of(new LogGroupInfo(name, created,
                entry.flatMap(GroupMetadata.Entry::retentionInDays), bytes));
    }

    @Override
    public void createGroup(String name) {
        synchronized (changes) {
            if (group(name).isPresent()) {
                throw new LogStoreException(LogStoreException.Kind.ALREADY_EXISTS,
                        "The specified log group already exists");
            }
            metadata.put(name, new GroupMetadata.Entry(clock.millis(), Optional.empty()));
            try {
                Files.createDirectories(groupDir(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the log group directory for " + name, e);
            }
        }
    }

    @Override
    public void deleteGroup(String name) {
        synchronized (changes) {
            require(name);
            logs.deleteGroup(name);
            metadata.remove(name);
        }
    }

    @Override
    public void putRetention(String name, int days) {
        if (!RETENTION_DAYS.contains(days)) {
            throw new IllegalArgumentException("not a retention AWS accepts: " + days);
        }
        setRetention(name, Optional.of(days));
    }

    @Override
    public void deleteRetention(String name) {
        setRetention(name, Optional.empty());
    }

    private void setRetention(String name, Optional<Integer> days) {
        synchronized (changes) {
            LogGroupInfo group = require(name);
            metadata.put(name, new GroupMetadata.Entry(group.creationTime(), days));
        }
    }

    @Override
    public List<LogStreamInfo> streams(String group) {
        require(group);
        List<LogStreamInfo> out = new ArrayList<>();
        for (String stream : logs.streams(group)) {
            StreamFiles.summary(stream, streamFile(group, stream)).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public EventsPage events(String group, String stream, EventsQuery query) {
        require(group);
        Path file = streamFile(group, stream);
        if (!Files.isRegularFile(file)) {
            throw LogStoreException.streamNotFound();
        }
        return StreamPages.read(file, query);
    }

    @Override
    public FilteredPage filter(String group, FilterQuery query) {
        require(group);
        List<GroupSearch.Candidate> candidates = new ArrayList<>();
        for (String stream : logs.streams(group)) {
            boolean named = query.streamNames().isEmpty() || query.streamNames().contains(stream);
            boolean prefixed = query.streamNamePrefix().map(stream::startsWith).orElse(true);
            if (named && prefixed) {
                Path file = streamFile(group, stream);
                StreamFiles.summary(stream, file).ifPresent(info ->
                        candidates.add(new GroupSearch.Candidate(stream, file, info)));
            }
        }
        return GroupSearch.search(candidates, query);
    }

    @Override
    public List<SweepPlan.StreamUsage> sweep(long capBytes) {
        List<SweepPlan.StreamUsage> usage = new ArrayList<>();
        Map<String, Integer> retention = new HashMap<>();
        metadata.all().forEach((name, entry) -> entry.retentionInDays().ifPresent(d -> retention.put(name, d)));
        for (String group : logs.groups()) {
            for (String stream : logs.streams(group)) {
                StreamFiles.summary(stream, streamFile(group, stream)).ifPresent(info -> usage.add(
                        new SweepPlan.StreamUsage(group, stream, info.lastActivity(), info.storedBytes())));
            }
        }
        List<SweepPlan.StreamUsage> doomed = SweepPlan.toDelete(usage, retention, clock.millis(), capBytes);
        for (SweepPlan.StreamUsage s : doomed) {
            logs.deleteStream(s.group(), s.stream());
        }
        return doomed;
    }

    private LogGroupInfo require(String name) {
        return group(name).orElseThrow(LogStoreException::groupNotFound);
    }

    private Path groupDir(String name) {
        return logsDir.resolve(LogFiles.encode(name));
    }

    private Path streamFile(String group, String stream) {
        return LogFiles.streamFile(logsDir, group, stream);
    }

    private static Optional<BasicFileAttributes> attributes(Path path) {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
