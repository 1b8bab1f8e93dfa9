package dev.hearth.core;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A function as a caller named it: a plain name ({@code my-function}), a partial ARN
 * ({@code 123456789012:function:my-function}) or a full ARN, each optionally with a qualifier
 * ({@code :$LATEST}, {@code :3}, {@code :live}).
 *
 * <p>AWS validates the {@code FunctionName} member with one of two regular expressions (the
 * {@link Form#CREATE create form}, and the slightly wider {@link Form#NAMESPACED form} every other
 * operation uses); a value that fails gets a {@code ValidationException} that quotes the pattern. This
 * class holds those patterns and turns a raw value into its parts. Immutable.
 */
public record FunctionRef(String name, Optional<String> region, Optional<String> accountId, Optional<String> qualifier) {

    /** The two patterns AWS validates function names with, as AWS prints them in its messages. */
    public enum Form {
        CREATE("(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
                + "(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?", 140),
        NAMESPACED("(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
                + "(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?", 256);

        private final String pattern;
        private final Pattern compiled;
        private final int maxLength;

        Form(String pattern, int maxLength) {
            this.pattern = pattern;
            this.compiled = Pattern.compile(pattern);
            this.maxLength = maxLength;
        }

        /** The pattern exactly as AWS quotes it in validation messages. */
        public String pattern() {
            return pattern;
        }

        public int maxLength() {
            return maxLength;
        }
    }

    /** The longest plain function name AWS accepts (the ARN forms may be longer). */
    public static final int MAX_NAME_LENGTH = 64;

    private static final int GROUP_REGION = 3;
    private static final int GROUP_ACCOUNT = 9;
    private static final int GROUP_NAME = 11;
    private static final int GROUP_QUALIFIER = 13;

    /**
     * Parses {@code raw} in the given form. Returns empty when the value does not match the pattern
     * or the length constraint; callers turn that into AWS's validation error (see
     * {@link dev.hearth.core.Validation}).
     */
    public static Optional<FunctionRef> parse(String raw, Form form) {
        if (raw == null || raw.isEmpty() || raw.length() > form.maxLength) {
            return Optional.empty();
        }
        Matcher m = form.compiled.matcher(raw);
        if (!m.matches()) {
            return Optional.empty();
        }
        String region = m.group(GROUP_REGION);
        return Optional.of(new FunctionRef(
                m.group(GROUP_NAME),
                Optional.ofNullable(region).map(r -> r.substring(0, r.length() - 1)),
                Optional.ofNullable(m.group(GROUP_ACCOUNT)).map(a -> a.substring(0, a.length() - 1)),
                Optional.ofNullable(m.group(GROUP_QUALIFIER))));
    }
}
