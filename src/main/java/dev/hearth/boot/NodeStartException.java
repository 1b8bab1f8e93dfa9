package dev.hearth.boot;

/** A node could not start for a reason the user can fix; its message is the one line to print. */
public final class NodeStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NodeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
