package dev.hearth.core;

/** The three kinds of error Hearth distinguishes (ARCHITECTURE §4.6). */
public enum ErrorKind {
    /** The caller's request is wrong, throttled or names something that does not exist (4xx). */
    CLIENT,
    /** The user's function failed (Unhandled, Runtime.*); reported inside a 200 invoke response. */
    FUNCTION,
    /** Hearth itself failed (5xx). */
    PLATFORM
}
