package dev.hearth.sandbox;

import java.util.List;

/**
 * The isolation features this machine gives Hearth, as found by probing at start, for the start-up
 * notice and {@code hearth doctor}.
 *
 * @param bubblewrap      bwrap found and able to create namespaces here
 * @param cgroups         "v2", "v1" or "none": memory/CPU/pid limits and Max Memory Used
 * @param unprivilegedUid the uid functions run as, or -1 when they run as the node's user
 * @param advice          one line per missing feature: what it costs and what to install
 */
public record Isolation(boolean bubblewrap, String cgroups, int unprivilegedUid, List<String> advice) {
    public Isolation {
        advice = List.copyOf(advice);
    }

    public boolean complete() {
        return bubblewrap && !"none".equals(cgroups);
    }
}
