package dev.hearth.api;

import java.lang.reflect.Proxy;

/**
 * A collaborator that a benchmark must hand to a constructor but that the measured path never calls:
 * every method throws, so a benchmark that strays off its path fails instead of measuring a fake.
 */
final class Unused {

    private Unused() {
    }

    static <T> T of(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName()
                    + " is not on the benchmarked path");
        }));
    }
}
