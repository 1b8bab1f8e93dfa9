package dev.hearth.logs;

import java.util.Objects;
import java.util.Optional;

/**
 * A log group as DescribeLogGroups reports it.
 *
 * @param creationTime    epoch milliseconds
 * @param retentionInDays empty when events never expire
 * @param storedBytes     the size of its stream files on disk
 */
public record LogGroupInfo(String name, long creationTime, Optional<Integer> retentionInDays, long storedBytes) {
    public LogGroupInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(retentionInDays, "retentionInDays");
    }
}
