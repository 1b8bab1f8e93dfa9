package dev.hearth.sandbox;

import java.time.Duration;

/**
 * The cgroup limits of one sandbox, derived from its spec. A pure value: computing it touches nothing.
 *
 * <p>CPU follows memory as on Lambda, where 1,769 MB buys one full vCPU: a 128 MB function gets about 7 %
 * of a core, a 3,538 MB function two cores. The share never drops below what Lambda's smallest size
 * (128 MB) gets, so a tiny limit cannot starve an interpreter's start-up into the init timeout, and never
 * exceeds the machine's cores, which the kernel would refuse to honour anyway.
 *
 * <p>Start-up is exempt: for its first {@link #INIT_BOOST} (Lambda's init limit) a sandbox may use the whole
 * machine, and only then settles to its share. At 7 % of a core an interpreter's start-up alone takes
 * half a second and a JVM's many seconds, past the init limit; "cold start close to starting the
 * interpreter" is only possible unthrottled. Lambda too runs init faster than small sizes would suggest.
 *
 * @param memoryBytes   hard memory limit, swap included (so swap cannot hide an out-of-memory kill)
 * @param cpuQuotaMicros CPU time allowed per {@code cpuPeriodMicros}, once settled
 * @param initCpuQuotaMicros CPU time allowed per period during {@link #INIT_BOOST}: the machine's cores
 * @param cpuPeriodMicros the CFS accounting period
 * @param pids          most tasks (processes and threads) the cgroup may hold
 */
record ResourceLimits(long memoryBytes, long cpuQuotaMicros, long initCpuQuotaMicros, long cpuPeriodMicros, int pids) {

    static final Duration INIT_BOOST = Duration.ofSeconds(10);

    static final double MB_PER_VCPU = 1769.0;
    static final long PERIOD_MICROS = 100_000;
    private static final double MIN_VCPUS = 128 / MB_PER_VCPU;

    /**
     * @param cores      the machine's cores, the ceiling of the CPU share
     * @param ownedTasks tasks the launcher itself adds to the cgroup (bubblewrap's monitor and its pid 1),
     *                   added to the spec's limit so they do not eat into the function's allowance
     */
    static ResourceLimits of(SandboxSpec spec, int cores, int ownedTasks) {
        return of(spec.memoryMb(), spec.pidLimit(), cores, ownedTasks);
    }

    /** The same for a memory size and pid limit given apart from a spec (a stem cell taking on a function's). */
    static ResourceLimits of(int memoryMb, int pidLimit, int cores, int ownedTasks) {
        int machine = Math.max(1, cores);
        double vcpus = Math.min(Math.max(memoryMb / MB_PER_VCPU, MIN_VCPUS), machine);
        long quota = Math.max(1000, Math.round(vcpus * PERIOD_MICROS));
        return new ResourceLimits(memoryMb * 1024L * 1024L, quota, machine * PERIOD_MICROS, PERIOD_MICROS,
                pidLimit + ownedTasks);
    }
}
