package dev.hearth.environment;

import java.util.OptionalDouble;

/**
 * The figures of a finished invocation, as its REPORT line gives them, and its log tail.
 *
 * @param durationMillis     from handing the event to the runtime to the runtime's result
 * @param billedDurationMillis ceil(duration), at least 1
 * @param memorySizeMb       the configured memory
 * @param maxMemoryUsedMb    peak memory of the environment (from the cgroup; the configured size when unmeasurable)
 * @param initDurationMillis present on the first invocation of a cold environment
 * @param logTail            the invocation's log (START…REPORT), last 4 KB, for {@code X-Amz-Log-Result}
 * @param reusable           whether the environment is idle again (false after a timeout, crash or init failure)
 */
public record InvokeReport(double durationMillis, long billedDurationMillis, int memorySizeMb, long maxMemoryUsedMb,
                           OptionalDouble initDurationMillis, String logTail, boolean reusable) {
}
