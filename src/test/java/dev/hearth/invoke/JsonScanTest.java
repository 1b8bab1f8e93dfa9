package dev.hearth.invoke;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payload check's fast path may only ever say "valid" where Jackson's parser agrees, and should say
 * so for ordinary payloads; everything it declines goes to Jackson, so declining is always safe.
 */
class JsonScanTest {
    private static final JsonFactory JSON = new JsonFactory();

    private static boolean jacksonAccepts(byte[] payload) {
        try (JsonParser parser = JSON.createParser(payload)) {
            while (parser.nextToken() != null) {
                parser.skipChildren();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void ordinaryPayloads_areAcceptedWithoutJackson() {
        for (String ok : List.of("{\"k\":\"v\"}", "{}", "[]", " { \"a\" : [1, -2.5, 3e10, 0, -0.0e-3, true, false, null] }\n",
                "\"just a string\"", "42", "{\"nested\":{\"deep\":[{\"x\":\"\\u00e9\\n\\\"q\\\"\\\\/\"}]}}")) {
            assertThat(JsonScan.certainlyValid(utf8(ok))).as(ok).isTrue();
            assertThat(jacksonAccepts(utf8(ok))).as(ok).isTrue();
        }
    }

    @Test
    void invalidOrUnusualPayloads_areLeftToJackson() {
        for (String bad : List.of("{", "{\"k\":}", "{\"k\" \"v\"}", "[1,]", "[1 2]", "01", "1.", "-", "1e", ".5",
                "tru", "truex", "nul", "{'k':1}", "{\"k\":NaN}", "\"tab\there\"", "\"\\x\"", "\"\\u12g4\"", "[1]]",
                "{} {}", " ", "\"é\"", "123abc", "[" .repeat(300) + "]".repeat(300))) {
            assertThat(JsonScan.certainlyValid(utf8(bad))).as(bad).isFalse();
        }
    }

    /** Random mutations of valid documents: whatever the scan accepts, Jackson must accept too. */
    @RepeatedTest(5)
    void whateverTheScanAccepts_jacksonAccepts() {
        Random random = new Random();
        String alphabet = "{}[]\":,.-+eE0123456789 truefalsenul\\/bfnrtu\"\n\tabcXYZ";
        List<String> seeds = List.of("{\"k\":\"v\"}", "{\"a\":[1,2.5e-3,{\"b\":null}],\"c\":true}", "[\"x\\\"y\",-0,1E+2]");
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder doc = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(doc.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> doc.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (at < doc.length()) {
                            doc.deleteCharAt(at);
                        }
                    }
                    default -> {
                        if (at < doc.length()) {
                            doc.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            byte[] bytes = utf8(doc.toString());
            if (JsonScan.certainlyValid(bytes)) {
                accepted++;
                assertThat(jacksonAccepts(bytes)).as(doc.toString()).isTrue();
            }
        }
        assertThat(accepted).isPositive();
    }
}
