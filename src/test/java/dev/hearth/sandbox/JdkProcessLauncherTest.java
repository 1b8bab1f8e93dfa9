package dev.hearth.sandbox;

/**
 * The fallback where native processes are unavailable (or switched off): the same process tests as
 * {@link PlainProcessLauncherTest}, with sandboxes started through {@link ProcessBuilder} and read through
 * blocking streams.
 */
class JdkProcessLauncherTest extends PlainProcessLauncherTest {

    @Override
    boolean nativeProcesses() {
        return false;
    }
}
