package dev.hearth.sandbox;

import java.util.List;
import java.util.Optional;

/** A machine where Hearth cannot use cgroups: sandboxes run without limits. Stateless. */
record NoCgroups(List<String> advice) implements Cgroups {

    NoCgroups {
        advice = List.copyOf(advice);
    }

    @Override
    public String version() {
        return "none";
    }

    @Override
    public Optional<Cgroup> create(String id, ResourceLimits limits) {
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
