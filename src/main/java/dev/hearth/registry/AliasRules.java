package dev.hearth.registry;

import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * AWS's rules for alias requests, as pure checks: the name, version and description constraints of the
 * service model (ValidationException, worded as AWS words them) and the routing-configuration rules
 * (one additional version, a weight in 0.0–1.0, not the primary version, never with {@code $LATEST}).
 * Whether versions exist is the registry's question. Stateless.
 */
final class AliasRules {
    static final String NAME_PATTERN = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";
    static final String VERSION_PATTERN = "(\\$LATEST(\\.PUBLISHED)?|[0-9]+)";
    static final int MAX_NAME = 128;
    static final int MAX_VERSION = 1024;
    static final int MAX_DESCRIPTION = 256;
    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final Pattern VERSION = Pattern.compile(VERSION_PATTERN);
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");

    private AliasRules() {
    }

    /** Checks an alias name (from the body of CreateAlias or the path of the other operations). */
    static void checkName(Validation v, String name) {
        if (name == null) {
            v.missing("name");
        } else if (name.isEmpty()) {
            v.fail(name, "name", "Member must have length greater than or equal to 1");
        } else if (name.length() > MAX_NAME) {
            v.fail(name, "name", "Member must have length less than or equal to " + MAX_NAME);
        } else if (!NAME.matcher(name).matches()) {
            v.fail(name, "name", Validation.patternConstraint(NAME_PATTERN));
        }
    }

    static void checkVersion(Validation v, Optional<String> version, String member) {
        version.ifPresent(value -> {
            if (value.isEmpty()) {
                v.fail(value, member, "Member must have length greater than or equal to 1");
            } else if (value.length() > MAX_VERSION) {
                v.fail(value, member, "Member must have length less than or equal to " + MAX_VERSION);
            } else if (!VERSION.matcher(value).matches()) {
                v.fail(value, member, Validation.patternConstraint(VERSION_PATTERN));
            }
        });
    }

    static void checkDescription(Validation v, Optional<String> description) {
        description.filter(d -> d.length() > MAX_DESCRIPTION).ifPresent(d ->
                v.fail(d, "description", "Member must have length less than or equal to " + MAX_DESCRIPTION));
    }

    /** The shape constraints of {@code AdditionalVersionWeights}: version-number keys, weights in 0.0–1.0. */
    static void checkWeights(Validation v, Optional<Map<String, Double>> routing) {
        routing.ifPresent(weights -> weights.forEach((key, weight) -> {
            String shown = "{" + key + "=" + weight + "}";
            if (!NUMBER.matcher(key).matches() || key.length() > MAX_VERSION) {
                v.failRaw("Value '" + shown + "' at 'routingConfig.additionalVersionWeights' failed to satisfy"
                        + " constraint: Map keys must satisfy constraint: [Member must have length less than or equal"
                        + " to 1024, Member must have length greater than or equal to 1, Member must satisfy regular"
                        + " expression pattern: [0-9]+]");
            } else if (weight == null || weight < 0.0 || weight > 1.0 || weight.isNaN()) {
                v.failRaw("Value '" + shown + "' at 'routingConfig.additionalVersionWeights' failed to satisfy"
                        + " constraint: Map value must satisfy constraint: [Member must have value less than or equal"
                        + " to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]");
            }
        }));
    }

    /**
     * The routing of an alias whose primary version is {@code primary}, from shape-checked weights, with
     * AWS's refusals; empty for no weights. The additional version's existence is checked by the caller.
     */
    static Optional<Alias.Routing> routing(Map<String, Double> weights, String primary) {
        if (weights.isEmpty()) {
            return Optional.empty();
        }
        if (weights.size() > 1) {
            throw LambdaException.invalidParameter("Number of items in AdditionalVersionWeights cannot be greater than 1");
        }
        Map.Entry<String, Double> only = weights.entrySet().iterator().next();
        String additional = only.getKey();
        if (additional.equals(primary)) {
            throw LambdaException.invalidParameter("Invalid function version " + primary + ". Function version "
                    + primary + " is already included in routing configuration.");
        }
        if (FunctionVersion.LATEST.equals(primary)) {
            throw new LambdaException(ErrorCode.INVALID_PARAMETER_VALUE_UNTYPED,
                    "$LATEST is not supported for an alias pointing to more than 1 version");
        }
        return Optional.of(new Alias.Routing(additional, only.getValue()));
    }
}
