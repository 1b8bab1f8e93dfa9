package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;

import java.util.Optional;

/**
 * {@link FunctionDirectory} over the in-memory {@code $LATEST} map of {@link CachingFunctionStore}.
 * Only {@code $LATEST} exists until versions can be published, so any other qualifier names a version
 * or alias that does not exist, and AWS's 404 for it is given.
 */
final class MemoryFunctionDirectory implements FunctionDirectory {

    private final CachingFunctionStore store;
    private final Arns arns;

    MemoryFunctionDirectory(CachingFunctionStore store, Arns arns) {
        this.store = store;
        this.arns = arns;
    }

    @Override
    public ResolvedFunction resolve(String functionName, Optional<String> qualifierParam) {
        FunctionRef ref = Validation.functionName(functionName, FunctionRef.Form.NAMESPACED);
        ref.region().filter(r -> !r.equals(arns.region())).ifPresent(r -> {
            throw LambdaException.notFound("Functions from '" + r + "' are not reachable in this region ('"
                    + arns.region() + "')");
        });
        Optional<String> qualifier = qualifierParam.filter(q -> !q.isEmpty());
        if (ref.qualifier().isPresent() && qualifier.isPresent() && !ref.qualifier().equals(qualifier)) {
            throw LambdaException.invalidParameter(
                    "The derived qualifier from the function name does not match the specified qualifier.");
        }
        Optional<String> effective = ref.qualifier().or(() -> qualifier);
        String version = effective.orElse(FunctionVersion.LATEST);
        Optional<FunctionVersion> found = ref.accountId().filter(a -> !a.equals(arns.accountId())).isPresent()
                ? Optional.empty() : store.latest(ref.name());
        if (found.isEmpty() || !FunctionVersion.LATEST.equals(version)) {
            throw LambdaException.notFound("Function not found: " + arns.function(ref.name(), version));
        }
        String invokedArn = effective.isPresent() ? arns.function(ref.name(), version) : arns.function(ref.name());
        return new ResolvedFunction(found.get(), invokedArn);
    }

    @Override
    public Qualified target(String functionName, Optional<String> qualifierParam) {
        ResolvedFunction resolved = resolve(functionName, qualifierParam);
        FunctionRef ref = Validation.functionName(functionName, FunctionRef.Form.NAMESPACED);
        Optional<String> qualifier = ref.qualifier().or(() -> qualifierParam.filter(q -> !q.isEmpty()));
        return new Qualified(resolved.version().functionName(), qualifier,
                qualifier.isEmpty() ? Qualified.Kind.UNQUALIFIED : Qualified.Kind.LATEST);
    }

    @Override
    public void addListener(FunctionListener listener) {
        store.addListener(listener);
    }
}
