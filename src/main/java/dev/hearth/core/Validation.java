package dev.hearth.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects AWS request-validation failures ("1 validation error detected: Value 'x' at 'memorySize'
 * failed to satisfy constraint: ...") and raises them as one {@code ValidationException}, worded as
 * AWS words them. Not thread-safe: one instance per request.
 */
public final class Validation {
    private final List<String> failures = new ArrayList<>();

    /** Records that {@code value} at {@code member} failed {@code constraint}. */
    public Validation fail(Object value, String member, String constraint) {
        failures.add("Value '" + value + "' at '" + member + "' failed to satisfy constraint: " + constraint);
        return this;
    }

    /** Records that the required {@code member} was not sent; AWS prints the value as a bare {@code null}. */
    public Validation missing(String member) {
        return failRaw("Value null at '" + member + "' failed to satisfy constraint: Member must not be null");
    }

    /** Records a failure whose value AWS prints as {@code null}-free text (for example a map). */
    public Validation failRaw(String text) {
        failures.add(text);
        return this;
    }

    public boolean hasFailures() {
        return !failures.isEmpty();
    }

    /** Throws the collected failures as one {@code ValidationException}, if there are any. */
    public void throwIfFailed() {
        if (failures.isEmpty()) {
            return;
        }
        int n = failures.size();
        String head = n + " validation error" + (n == 1 ? "" : "s") + " detected: ";
        throw LambdaException.validation(head + String.join("; ", failures));
    }

    /** The constraint text AWS uses for a regular-expression member. */
    public static String patternConstraint(String pattern) {
        return "Member must satisfy regular expression pattern: " + pattern;
    }

    /**
     * Validates a function name in the given form, raising AWS's errors if it fails: a value that does
     * not match the pattern or is longer than the form allows is a {@code ValidationException}; a name
     * part longer than 64 characters is, as on AWS, an {@code InvalidParameterValueException} with the
     * validation wording.
     */
    public static FunctionRef functionName(String raw, FunctionRef.Form form) {
        if (raw == null) {
            new Validation().missing("functionName").throwIfFailed();
        }
        FunctionRef ref = FunctionRef.parse(raw, form).orElseThrow(() -> {
            Validation v = new Validation();
            if (raw != null && raw.length() > form.maxLength()) {
                v.fail(raw, "functionName", "Member must have length less than or equal to " + form.maxLength());
            } else {
                v.fail(raw, "functionName", patternConstraint(form.pattern()));
            }
            v.throwIfFailed();
            return new IllegalStateException("unreachable");
        });
        if (ref.name().length() > FunctionRef.MAX_NAME_LENGTH) {
            throw LambdaException.invalidParameter("1 validation error detected: Value '" + raw
                    + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to "
                    + FunctionRef.MAX_NAME_LENGTH);
        }
        return ref;
    }
}
