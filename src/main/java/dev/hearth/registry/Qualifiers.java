package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;

import java.util.Optional;

/**
 * Name and qualifier resolution for the control plane: a raw function name (name, partial ARN or ARN)
 * and an optional {@code Qualifier} parameter become a validated bare name and the qualifier the caller
 * meant, with AWS's errors for a foreign region or account, a malformed qualifier, or a qualifier that
 * disagrees with the ARN. Whether the function and qualifier exist is the caller's question. Immutable.
 */
final class Qualifiers {

    static final String QUALIFIER_PATTERN = "(|[a-zA-Z0-9$_-]+)";

    private final Arns arns;

    Qualifiers(Arns arns) {
        this.arns = arns;
    }

    /** A validated function name with the qualifier the caller gave (in the ARN or the parameter). */
    record Named(String name, Optional<String> qualifier) {
        Qualified.Kind kind() {
            return qualifier.map(Qualifiers::kindOf).orElse(Qualified.Kind.UNQUALIFIED);
        }
    }

    Named resolve(String functionName, Optional<String> qualifierParam) {
        FunctionRef ref = Validation.functionName(functionName, FunctionRef.Form.NAMESPACED);
        checkReachable(ref);
        Optional<String> qualifier = qualifierParam.filter(q -> !q.isEmpty());
        qualifier.ifPresent(Qualifiers::checkQualifier);
        if (ref.qualifier().isPresent() && qualifier.isPresent() && !ref.qualifier().equals(qualifier)) {
            throw LambdaException.invalidParameter(
                    "The derived qualifier from the function name does not match the specified qualifier.");
        }
        return new Named(ref.name(), ref.qualifier().or(() -> qualifier));
    }

    /** What a (present) qualifier names: {@code $LATEST}, a version number, or else an alias. */
    static Qualified.Kind kindOf(String qualifier) {
        if (FunctionVersion.LATEST.equals(qualifier)) {
            return Qualified.Kind.LATEST;
        }
        return isVersionNumber(qualifier) ? Qualified.Kind.VERSION : Qualified.Kind.ALIAS;
    }

    static boolean isVersionNumber(String qualifier) {
        return !qualifier.isEmpty() && qualifier.length() <= 18 && qualifier.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    static void checkQualifier(String qualifier) {
        Validation v = new Validation();
        if (qualifier.length() > 128) {
            v.fail(qualifier, "qualifier", "Member must have length less than or equal to 128");
        } else if (!qualifier.matches(QUALIFIER_PATTERN)) {
            v.fail(qualifier, "qualifier", Validation.patternConstraint(QUALIFIER_PATTERN));
        }
        v.throwIfFailed();
    }

    void checkReachable(FunctionRef ref) {
        ref.region().filter(r -> !r.equals(arns.region())).ifPresent(r -> {
            throw LambdaException.notFound("Functions from '" + r + "' are not reachable in this region ('"
                    + arns.region() + "')");
        });
        ref.accountId().filter(a -> !a.equals(arns.accountId())).ifPresent(a -> {
            throw LambdaException.notFound("Function not found: arn:aws:lambda:" + arns.region() + ":" + a
                    + ":function:" + ref.name());
        });
    }
}
