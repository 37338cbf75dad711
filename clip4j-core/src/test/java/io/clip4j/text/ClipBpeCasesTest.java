package io.clip4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The 2020 reference cases of {@code testdata/fixtures/tokenizer/clip-bpe-cases.jsonl}. */
class ClipBpeCasesTest {

    private record Case(int id, String source, String text, String cleaned, int[] ids, long[] tokenize77) {}

    private static List<Case> cases;

    @BeforeAll
    static void load() throws IOException {
        Path file = TestData.dir().resolve("fixtures/tokenizer/clip-bpe-cases.jsonl");
        ObjectMapper json = new ObjectMapper();
        cases = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = json.readTree(line);
            int[] ids = new int[n.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = n.get("ids").get(i).asInt();
            }
            long[] t77 = new long[n.get("tokenize77").size()];
            for (int i = 0; i < t77.length; i++) {
                t77[i] = n.get("tokenize77").get(i).asLong();
            }
            cases.add(new Case(n.get("id").asInt(), n.get("source").asText(), n.get("text").asText(),
                    n.get("cleaned").asText(), ids, t77));
        }
        assertEquals(2020, cases.size());
    }

    @Test
    void cleanedTextMatchesReference() {
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            String actual = ClipTextCleaner.clean(c.text());
            if (!actual.equals(c.cleaned())) {
                failures.add(describe(c, "cleaned", c.cleaned(), actual));
            }
        }
        report("cleaned", failures);
    }

    @Test
    void idsMatchReference() {
        ClipBpeTokenizer tokenizer = ClipBpeTokenizer.bundled();
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            int[] actual = tokenizer.encode(c.text());
            if (!Arrays.equals(actual, c.ids())) {
                failures.add(describe(c, "ids", Arrays.toString(c.ids()), Arrays.toString(actual)));
            }
        }
        report("ids", failures);
    }

    @Test
    void tokenize77MatchesReference() {
        ClipBpeTokenizer tokenizer = ClipBpeTokenizer.bundled();
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            long[] actual = tokenizer.encodeForModel(c.text(), true);
            if (!Arrays.equals(actual, c.tokenize77())) {
                failures.add(describe(c, "tokenize77", Arrays.toString(c.tokenize77()), Arrays.toString(actual)));
            }
        }
        report("tokenize77", failures);
    }

    private static String describe(Case c, String what, String expected, String actual) {
        return String.format("case %d (%s) %s%n  text:     %s%n  expected: %s%n  actual:   %s", c.id(), c.source(),
                what, escape(c.text()), escape(expected), escape(actual));
    }

    private static void report(String what, List<String> failures) {
        System.out.printf("%s: %d of %d cases pass%n", what, cases.size() - failures.size(), cases.size());
        failures.stream().limit(20).forEach(System.out::println);
        assertEquals(0, failures.size(), failures.size() + " cases differ in " + what + "; first:\n"
                + (failures.isEmpty() ? "" : failures.getFirst()));
    }

    /** Shows control and non-ASCII characters as escapes, so that differences are visible. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(String.format("\\u{%X}", cp));
            }
        });
        return sb.length() > 400 ? sb.substring(0, 400) + "..." : sb.toString();
    }
}
