package dev.hearth.api;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Collects a request body up to a route's limit. Most bodies (every small invoke payload) arrive in one
 * chunk: that chunk is kept as it is and copied once, into the array the handler gets, instead of being
 * appended into a growing buffer and then copied out of it.
 *
 * <p>Not thread-safe: fed on the request's event loop.
 */
final class BodyReader implements Handler<Buffer> {
    private static final byte[] EMPTY = new byte[0];

    private final long limit;
    private Buffer first;
    private Buffer collected;
    private long size;
    private boolean overflow;

    BodyReader(long limit) {
        this.limit = limit;
    }

    @Override
    public void handle(Buffer chunk) {
        if (overflow) {
            return;
        }
        size += chunk.length();
        if (size > limit) {
            overflow = true;
            first = null;
            collected = null;
            return;
        }
        if (first == null && collected == null) {
            first = chunk;
            return;
        }
        if (collected == null) {
            collected = Buffer.buffer((int) Math.min(limit, Math.max(8192, 2 * size))).appendBuffer(first);
            first = null;
        }
        collected.appendBuffer(chunk);
    }

    /** Whether the body went over the limit (its bytes were then dropped). */
    boolean overflow() {
        return overflow;
    }

    /** The body, copied once into an array of its own. */
    byte[] bytes() {
        Buffer all = collected != null ? collected : first;
        if (all == null) {
            return EMPTY;
        }
        return all.getBytes();
    }
}
