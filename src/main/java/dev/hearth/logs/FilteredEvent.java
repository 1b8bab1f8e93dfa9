package dev.hearth.logs;

/**
 * An event FilterLogEvents found.
 *
 * @param eventId 56 digits, stable for the event (clients such as {@code aws logs tail} de-duplicate on it)
 */
public record FilteredEvent(String logStreamName, long timestamp, String message, String eventId) {
}
