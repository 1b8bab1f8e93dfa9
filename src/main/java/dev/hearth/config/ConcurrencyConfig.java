package dev.hearth.config;

/**
 * How much a node runs at once. Immutable; validated on construction.
 *
 * @param accountLimit        concurrent executions shared by all functions, as AWS's account limit
 *                            (default 1000)
 * @param memoryBudgetMb      the memory, counted by functions' MemorySize, that environments may take
 *                            together (default: three quarters of the machine's memory)
 * @param scaleUpPerTenSeconds new environments a function may start per 10 seconds (AWS: 1000)
 */
public record ConcurrencyConfig(int accountLimit, long memoryBudgetMb, int scaleUpPerTenSeconds) {

    public static final int DEFAULT_ACCOUNT_LIMIT = 1000;
    public static final int DEFAULT_SCALE_UP_PER_TEN_SECONDS = 1000;

    public ConcurrencyConfig {
        if (accountLimit < 1) {
            throw new IllegalArgumentException("account concurrency must be at least 1, got " + accountLimit);
        }
        if (memoryBudgetMb < 128) {
            throw new IllegalArgumentException("memory budget must be at least 128 MB, got " + memoryBudgetMb);
        }
        if (scaleUpPerTenSeconds < 1) {
            throw new IllegalArgumentException("scale-up rate must be at least 1, got " + scaleUpPerTenSeconds);
        }
    }

    public static ConcurrencyConfig defaults() {
        return new ConcurrencyConfig(DEFAULT_ACCOUNT_LIMIT, defaultMemoryBudgetMb(), DEFAULT_SCALE_UP_PER_TEN_SECONDS);
    }

    /** Three quarters of physical memory: the rest is the node's own, the page cache's and the system's. */
    static long defaultMemoryBudgetMb() {
        long total = ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return Math.max(128, total / (1024 * 1024) * 3 / 4);
    }

    public ConcurrencyConfig withAccountLimit(int limit) {
        return new ConcurrencyConfig(limit, memoryBudgetMb, scaleUpPerTenSeconds);
    }

    public ConcurrencyConfig withMemoryBudgetMb(long budget) {
        return new ConcurrencyConfig(accountLimit, budget, scaleUpPerTenSeconds);
    }

    public ConcurrencyConfig withScaleUpPerTenSeconds(int rate) {
        return new ConcurrencyConfig(accountLimit, memoryBudgetMb, rate);
    }
}
