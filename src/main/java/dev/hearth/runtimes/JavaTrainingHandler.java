package dev.hearth.runtimes;

import java.util.Map;

/**
 * The function a Java AOT cache is trained with ({@link JavaClassDataCache}): a no-op handler of the most
 * common shape, a JSON object in and out, so that the training run goes through what every Java cold start
 * goes through: the RIC's handler loading, its Jackson-based serialisation of the event and the result,
 * and the Runtime API round trip.
 *
 * <p>It never runs in Hearth's own JVM. Its class file is copied into the training run's {@code /var/task},
 * where the RIC's customer class loader defines it, as it would a user's handler. Its package keeps it apart
 * from any user class of the same simple name.
 */
public final class JavaTrainingHandler {

    public JavaTrainingHandler() {
    }

    /** Returns the event unchanged. */
    public Map<String, Object> handleRequest(Map<String, Object> event) {
        return event;
    }
}
