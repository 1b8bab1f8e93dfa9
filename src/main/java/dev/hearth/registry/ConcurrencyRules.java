package dev.hearth.registry;

import java.util.Map;

/**
 * The account-level arithmetic of concurrency, as AWS does it. Pure and stateless.
 *
 * <p>Unreserved concurrency is the account limit minus every function's reserved concurrency, minus the
 * provisioned concurrency of functions without a reservation (theirs comes out of the shared pool; a
 * reserved function's provisioned environments come out of its reservation). AWS keeps at least 100
 * unreserved; a node configured with an account limit below 100 (tests, small machines) keeps the whole
 * limit unreserved instead, i.e. the minimum is {@code min(100, limit)} — so on such a node nothing can
 * be reserved, as on an AWS account whose limit is at its minimum.
 */
public final class ConcurrencyRules {

    /** AWS's minimum of unreserved concurrency. */
    public static final int AWS_MINIMUM_UNRESERVED = 100;

    private ConcurrencyRules() {
    }

    public static int minimumUnreserved(int accountLimit) {
        return Math.min(AWS_MINIMUM_UNRESERVED, accountLimit);
    }

    /**
     * @param reserved          reserved concurrency by function
     * @param provisionedSums   the sum of provisioned concurrency by function
     */
    public static int unreserved(int accountLimit, Map<String, Integer> reserved, Map<String, Integer> provisionedSums) {
        long taken = 0;
        for (int r : reserved.values()) {
            taken += r;
        }
        for (Map.Entry<String, Integer> p : provisionedSums.entrySet()) {
            if (!reserved.containsKey(p.getKey())) {
                taken += p.getValue();
            }
        }
        return (int) Math.max(Integer.MIN_VALUE, accountLimit - taken);
    }

    /** Whether the figures leave at least the minimum unreserved. */
    public static boolean leavesMinimum(int accountLimit, Map<String, Integer> reserved,
                                        Map<String, Integer> provisionedSums) {
        return unreserved(accountLimit, reserved, provisionedSums) >= minimumUnreserved(accountLimit);
    }
}
