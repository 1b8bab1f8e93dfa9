/**
 * Function logs on disk. {@link dev.hearth.logs.FunctionLogs#create} opens the store: log groups of
 * streams, each stream a JSON-lines file of {@link dev.hearth.logs.LogEvent}s, appended through
 * {@link dev.hearth.logs.LogStream} handles by one background writer so that no caller — least of all an
 * event loop — waits for the disk. {@link dev.hearth.logs.LogStreamNames} names streams as AWS does.
 *
 * <p>What goes into a stream (the function's output framed by START/END/REPORT) is written by the
 * {@code environment} package; reading streams back through the CloudWatch Logs API belongs to
 * {@code api}.
 */
package dev.hearth.logs;
