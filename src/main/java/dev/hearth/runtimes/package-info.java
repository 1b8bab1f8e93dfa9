/**
 * Managed runtimes: how a function of each runtime ({@code python3.x}, {@code nodejsNN.x}, {@code javaNN},
 * {@code provided*}) is started on this machine. The entry type is {@link dev.hearth.runtimes.ManagedRuntimes}
 * ({@code ManagedRuntimes.create(unpackDir)}), which answers with a {@link dev.hearth.runtimes.RuntimeLaunch}:
 * the command inside the sandbox, the directory to mount at {@code /var/runtime}, and the runtime version
 * for {@code INIT_START}.
 *
 * <p>The bootstraps themselves live in resources under {@code dev/hearth/runtimes/}: a standard-library
 * Python bootstrap and a dependency-free Node.js bootstrap of our own that behave like AWS's runtime
 * interface clients, and AWS's Java runtime interface client 2.9.0 (copied in by the build, never on the
 * node's class path). They are unpacked once per content hash ({@code BootstrapFiles}); the machine's
 * interpreters and JDKs are probed once ({@code HostProbe}); each launch is then a pure decision
 * ({@code LaunchPlanner}).
 *
 * <p>Java functions on JDK 25 or newer use an AOT cache of the RIC ({@code JavaClassDataCache}), trained once
 * per JDK in the background by a run of the RIC against a one-event Runtime API of its own
 * ({@code JavaTraining}, {@code TrainingRuntimeApi}, {@code JavaTrainingHandler}), and kept under the unpack
 * directory across restarts. It about halves a no-op Java cold start; functions never wait for it.
 *
 * <p>Start-up work blocks (unpacking, version queries); launches afterwards are cheap and thread-safe.
 */
package dev.hearth.runtimes;
