package dev.hearth.environment;

/** The behaviour of a scripted runtime process; returning normally is exit status 0. */
@FunctionalInterface
interface RuntimeScript {
    void run(FakeRuntime runtime) throws Exception;
}
