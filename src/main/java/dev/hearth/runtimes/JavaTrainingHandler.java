package dev.hearth.runtimes;

import java.util.Map;

/**
 * The function a Java AOT cache is trained with ({@link JavaClassDataCache}): a no-op handler of the most
 * common shape, a JSON object in and out, so that the training run goes through what every Java cold start
 * goes through: the RIC's handler loading, its Jackson-based serialisation of the event and the result,
 * and the Runtime API round trip.
 *
 * <p>The result is declared {@code Object}, not {@code Map}: the RIC asks its Lambda-event serialisers about
 * every in or out type that is a plain class ({@code String}, a POJO, {@code Object}, an events-library
 * type), which loads them and their Jackson mix-ins (some 50 classes); a parameterised type such as
 * {@code Map<String, Object>} skips that. Trained with {@code Map} out, those classes were read from the
 * jar on the cold start of most real handlers (measured: about 20 % more CPU for a no-op
 * {@code Object handleRequest(Map, Context)} than with this shape).
 *
 * <p>It never runs in Hearth's own JVM. Its class file is copied into the training run's {@code /var/task},
 * where the RIC's customer class loader defines it, as it would a user's handler. Its package keeps it apart
 * from any user class of the same simple name.
 */
public final class JavaTrainingHandler {

    public JavaTrainingHandler() {
    }

    /** Returns the event unchanged. */
    public Object handleRequest(Map<String, Object> event) {
        return event;
    }
}
