/**
 * Starting and stopping a function's process tree. {@link dev.hearth.sandbox.Sandboxes#detect} probes the
 * machine once and returns the best {@link dev.hearth.sandbox.SandboxLauncher}; each
 * {@link dev.hearth.sandbox.Sandbox} is one runtime process tree with its exit status, output streams and
 * peak memory.
 *
 * <p>With bubblewrap ({@code BwrapCommand}): the code read-only at {@code /var/task} (the working
 * directory), the runtime at {@code /var/runtime}, layers (or nothing) at {@code /opt}, a private sized
 * tmpfs at {@code /tmp}, the system directories and a few files of {@code /etc} read-only
 * ({@code SystemView}), new pid/ipc/uts namespaces but the host's network (the runtime calls its Runtime
 * API on 127.0.0.1), exactly the spec's environment plus {@code PWD=/var/task} (as on Lambda), and the
 * function running as {@code sbx_user1051} (uid 993) when the node is root. The tree dies with the node.
 *
 * <p>With cgroups ({@code CgroupV2}, {@code CgroupV1}): a memory limit with swap capped too, CPU in
 * proportion to memory after an unthrottled start-up ({@code ResourceLimits}), a pid limit, peak memory
 * and OOM kills read back. Note that {@code /tmp} is a tmpfs, and the kernel charges its pages to the
 * writer's memory cgroup: on Hearth, files in {@code /tmp} count against the memory limit, where Lambda
 * backs {@code /tmp} by disk.
 *
 * <p>A plain launch takes a cgroup made ahead with its limits ({@code CgroupSpares}), and with bubblewrap a
 * shell already inside it that becomes bubblewrap when fed the launch ({@code WaitingLaunch}): joining a
 * cgroup waits for an RCU grace period on cgroup v1 (about 10 ms), which then falls outside the launch.
 *
 * <p>A stem cell ({@link dev.hearth.sandbox.StemSandbox}, from {@code launchStem}) is the same sandbox with
 * a pipe on standard input, started under a nominal memory limit; {@code specialise} gives its cgroup a
 * function's limits and hands the process its instructions. {@link dev.hearth.sandbox.TreeLinks} shows a
 * function's code in a cell's {@code /var/task} through hard links.
 *
 * <p>Without bubblewrap ({@code PlainCommand}): a plain child process with Lambda's paths rewritten to host
 * paths, not isolated; {@link dev.hearth.sandbox.Isolation} and {@code hearth doctor} say what is missing.
 *
 * <p>Everything here blocks briefly (fork/exec, cgroupfs) and is called from virtual threads; processes
 * are forked from the launcher's own platform threads ({@code Spawner}, for the parent-death signal).
 */
package dev.hearth.sandbox;
