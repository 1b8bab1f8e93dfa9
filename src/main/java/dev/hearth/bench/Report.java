package dev.hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The results as one aligned text table (row, figure, baseline, ratio; notes under it) and as JSON
 * ({@code rows} with name, unit, value, p50, p99, baseline, baselineP99, ratio, repetitions, error;
 * {@code machine} facts). Pure formatting.
 */
final class Report {

    private static final String[] HEADER = {"row", "figure", "baseline", "ratio"};

    private Report() {
    }

    static String table(List<Row> rows, Map<String, Object> facts) {
        List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        List<String> notes = new ArrayList<>();
        for (Row r : rows) {
            String ratio = Double.isNaN(r.value()) || Double.isNaN(r.baseline()) ? "n/a" : ratio(r);
            if (r.error().isPresent()) {
                notes.add("[" + (notes.size() + 1) + "] " + r.name() + ": " + r.error().get());
                ratio += " [" + notes.size() + "]";
            }
            lines.add(new String[] {r.name(), figure(r.value(), r.p99(), r.unit()),
                    r.baselineName() + ": " + figure(r.baseline(), r.baselineP99(), r.unit()), ratio});
        }
        int[] width = new int[HEADER.length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < lines.size(); n++) {
            String[] l = lines.get(n);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                line.append(i == l.length - 1 ? l[i] : pad(l[i], width[i] + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (n == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                out.append("-".repeat(total - 2)).append('\n');
            }
        }
        notes.forEach(note -> out.append(note).append('\n'));
        out.append('\n');
        facts.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        return out.toString();
    }

    static void writeJson(Path file, List<Row> rows, Map<String, Object> facts) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ArrayNode array = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = array.addObject();
            o.put("name", r.name());
            o.put("unit", r.unit());
            number(o, "value", r.value());
            optional(o, "p50", r.p50());
            optional(o, "p99", r.p99());
            o.put("baselineName", r.baselineName());
            number(o, "baseline", r.baseline());
            optional(o, "baselineP99", r.baselineP99());
            number(o, "ratio", r.ratio());
            o.put("repetitions", r.repetitions());
            r.error().ifPresentOrElse(e -> o.put("error", e), () -> o.putNull("error"));
        }
        root.set("machine", json.valueToTree(facts));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        json.writeValue(file.toFile(), root);
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private static void optional(ObjectNode o, String field, OptionalDouble v) {
        number(o, field, v.orElse(Double.NaN));
    }

    private static String ratio(Row r) {
        return String.format(Locale.ROOT, "%.2f×", r.ratio());
    }

    private static String figure(double value, OptionalDouble p99, String unit) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Row.MS.equals(unit)) {
            return "p50 " + duration(value) + (p99.isPresent() ? "  p99 " + duration(p99.getAsDouble()) : "");
        }
        if (Row.MB.equals(unit)) {
            return String.format(Locale.ROOT, "%,.0f MB", value);
        }
        if (Row.COUNT.equals(unit)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%,.0f/s", value);
    }

    private static String duration(double ms) {
        if (ms < 1) {
            return String.format(Locale.ROOT, "%.0f µs", ms * 1000);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
