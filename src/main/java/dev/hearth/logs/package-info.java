/**
 * Function logs on disk. {@link dev.hearth.logs.FunctionLogs#create} opens the store: log groups of
 * streams, each stream a JSON-lines file of {@link dev.hearth.logs.LogEvent}s, appended through
 * {@link dev.hearth.logs.LogStream} handles by one background writer so that no caller — least of all an
 * event loop — waits for the disk. {@link dev.hearth.logs.LogStreamNames} names streams as AWS does.
 *
 * <p>{@link dev.hearth.logs.LogGroups} is the read and admin side the CloudWatch Logs API
 * ({@code api.LogsRoutes}) serves: groups with their creation time and retention (kept in a small
 * metadata file beside the group directories), paged reads of a stream ({@code f/N}, {@code b/N}
 * tokens), searches across a group with a {@link dev.hearth.logs.FilterPattern}, and the sweep that
 * deletes streams past their retention or over the disk cap, which {@link dev.hearth.logs.LogJanitor}
 * runs off the invoke path. Deletions go through the writer thread, which owns the open files.
 *
 * <p>What goes into a stream (the function's output framed by START/END/REPORT) is written by the
 * {@code environment} package. This package knows nothing of HTTP or the SQLite store.
 */
package dev.hearth.logs;
