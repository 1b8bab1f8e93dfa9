package dev.hearth.invoke;

/**
 * A one-pass check that a payload is one strict JSON value (RFC 8259) made of ASCII, without a parser
 * object: the fast path of {@link PayloadCheck}. It answers only "certainly valid"; anything else (an
 * error, but also non-ASCII text, very deep nesting, a very long number, several root values, only
 * white space) is left to Jackson, which accepts or words the error exactly as AWS does. Whatever this
 * accepts, Jackson's default parser accepts too, so the outcome of an invoke never depends on which
 * path ran.
 *
 * <p>Stateless and thread-safe.
 */
final class JsonScan {
    /** Deeper documents go to Jackson, whose own nesting limit (1000) then applies. */
    private static final int MAX_DEPTH = 256;
    /** Longer numbers go to Jackson, whose own number-length limit (1000) then applies. */
    private static final int MAX_NUMBER_LENGTH = 100;
    private static final int INVALID = -1;

    private JsonScan() {
    }

    /** Whether {@code json} is certainly one valid JSON value (surrounding white space allowed). */
    static boolean certainlyValid(byte[] json) {
        int end = value(json, skipSpace(json, 0), 0);
        return end != INVALID && skipSpace(json, end) == json.length;
    }

    private static int skipSpace(byte[] b, int i) {
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** The index after the value starting at {@code i}, or {@link #INVALID}. */
    private static int value(byte[] b, int i, int depth) {
        if (i >= b.length) {
            return INVALID;
        }
        return switch (b[i]) {
            case '{' -> depth >= MAX_DEPTH ? INVALID : object(b, i + 1, depth + 1);
            case '[' -> depth >= MAX_DEPTH ? INVALID : array(b, i + 1, depth + 1);
            case '"' -> string(b, i + 1);
            case 't' -> literal(b, i, "true");
            case 'f' -> literal(b, i, "false");
            case 'n' -> literal(b, i, "null");
            default -> number(b, i);
        };
    }

    private static int object(byte[] b, int i, int depth) {
        i = skipSpace(b, i);
        if (i < b.length && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= b.length || b[i] != '"') {
                return INVALID;
            }
            i = string(b, i + 1);
            if (i == INVALID) {
                return INVALID;
            }
            i = skipSpace(b, i);
            if (i >= b.length || b[i] != ':') {
                return INVALID;
            }
            i = value(b, skipSpace(b, i + 1), depth);
            if (i == INVALID) {
                return INVALID;
            }
            i = skipSpace(b, i);
            if (i >= b.length) {
                return INVALID;
            }
            if (b[i] == '}') {
                return i + 1;
            }
            if (b[i] != ',') {
                return INVALID;
            }
            i = skipSpace(b, i + 1);
        }
    }

    private static int array(byte[] b, int i, int depth) {
        i = skipSpace(b, i);
        if (i < b.length && b[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = value(b, i, depth);
            if (i == INVALID) {
                return INVALID;
            }
            i = skipSpace(b, i);
            if (i >= b.length) {
                return INVALID;
            }
            if (b[i] == ']') {
                return i + 1;
            }
            if (b[i] != ',') {
                return INVALID;
            }
            i = skipSpace(b, i + 1);
        }
    }

    /** From just after the opening quote; the index after the closing one. */
    private static int string(byte[] b, int i) {
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                return i + 1;
            }
            if (c < 0x20) {
                // A control character, or (negative) a byte of non-ASCII UTF-8: Jackson decides.
                return INVALID;
            }
            if (c == '\\') {
                i++;
                if (i >= b.length) {
                    return INVALID;
                }
                switch (b[i]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i++;
                    case 'u' -> {
                        if (i + 4 >= b.length) {
                            return INVALID;
                        }
                        for (int k = 1; k <= 4; k++) {
                            if (Character.digit(b[i + k], 16) < 0) {
                                return INVALID;
                            }
                        }
                        i += 5;
                    }
                    default -> {
                        return INVALID;
                    }
                }
                continue;
            }
            i++;
        }
        return INVALID;
    }

    private static int literal(byte[] b, int i, String word) {
        int n = word.length();
        if (i + n > b.length) {
            return INVALID;
        }
        for (int k = 0; k < n; k++) {
            if (b[i + k] != word.charAt(k)) {
                return INVALID;
            }
        }
        // "truex" is not a literal followed by garbage here but an error for Jackson to word.
        int after = i + n;
        return after < b.length && isWordByte(b[after]) ? INVALID : after;
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private static int number(byte[] b, int i) {
        int start = i;
        if (i < b.length && b[i] == '-') {
            i++;
        }
        if (i >= b.length) {
            return INVALID;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i);
        } else {
            return INVALID;
        }
        if (i < b.length && b[i] == '.') {
            int from = ++i;
            i = digits(b, i);
            if (i == from) {
                return INVALID;
            }
        }
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < b.length && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int from = i;
            i = digits(b, i);
            if (i == from) {
                return INVALID;
            }
        }
        if (i - start > MAX_NUMBER_LENGTH || (i < b.length && isWordByte(b[i]))) {
            return INVALID;
        }
        return i;
    }

    private static int digits(byte[] b, int i) {
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    private static boolean isWordByte(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                || c == '+' || c == '_' || c < 0;
    }
}
