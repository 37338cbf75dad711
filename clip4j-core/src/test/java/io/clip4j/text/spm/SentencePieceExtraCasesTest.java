package io.clip4j.text.spm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Edge cases the C++ library (0.1.97) encoded and decoded, made by {@code make_extra_cases.py} beside the
 * resources: tiny models with user-defined symbols, unigram byte fallback, whitespace as suffix, kept extra
 * whitespace, UNUSED pieces, CHAR and WORD models, plus edge texts and malformed UTF-8 on the fixture models.
 */
class SentencePieceExtraCasesTest {

    private final Map<String, SentencePieceModel> models = new HashMap<>();

    @Test
    void encodeAndDecodeMatchTheCppLibrary() {
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        for (JsonNode c : resourceLines("extra-cases.jsonl")) {
            n++;
            SentencePieceModel model = model(c.get("model").textValue());
            int[] expectedIds = SpmFixtures.ints(c.get("ids"));
            List<String> expectedPieces = SpmFixtures.strings(c.get("pieces"));
            String expectedDecoded = c.get("decoded").textValue();
            int[] ids;
            List<String> pieces;
            String label;
            if (c.has("text")) {
                String text = c.get("text").textValue();
                ids = model.encode(text);
                pieces = model.encodeAsPieces(text);
                label = text.length() > 60 ? text.substring(0, 60) + "..." : text;
            } else {
                byte[] bytes = HexFormat.of().parseHex(c.get("text_hex").textValue());
                ids = model.encodeUtf8(bytes);
                pieces = null;
                label = "0x" + c.get("text_hex").textValue();
            }
            String decoded = model.decode(expectedIds);
            boolean ok = Arrays.equals(expectedIds, ids) && (pieces == null || expectedPieces.equals(pieces))
                    && expectedDecoded.equals(decoded);
            if (!ok) {
                mismatches.add(c.get("model").textValue() + " " + escape(label)
                        + "\n  expected " + expectedPieces + " " + Arrays.toString(expectedIds) + " '" + escape(expectedDecoded) + "'"
                        + "\n  actual   " + pieces + " " + Arrays.toString(ids) + " '" + escape(decoded) + "'");
            }
        }
        report("extra-cases.jsonl", n, mismatches);
    }

    @Test
    void decodeOfIdSequencesMatchesTheCppLibrary() {
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        for (JsonNode c : resourceLines("extra-decode.jsonl")) {
            n++;
            SentencePieceModel model = model(c.get("model").textValue());
            int[] ids = SpmFixtures.ints(c.get("ids"));
            String expected = c.get("decoded").textValue();
            String actual = model.decode(ids);
            if (!expected.equals(actual)) {
                mismatches.add(c.get("model").textValue() + " " + Arrays.toString(ids) + "\n  expected '" + escape(expected)
                        + "'\n  actual   '" + escape(actual) + "'");
            }
        }
        report("extra-decode.jsonl", n, mismatches);
    }

    private static void report(String name, int n, List<String> mismatches) {
        System.out.printf("%s: %d/%d cases match%n", name, n - mismatches.size(), n);
        assertTrue(n > 0, name + " is empty");
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " of " + n + " cases differ, first ones:\n"
                    + String.join("\n", mismatches.subList(0, Math.min(25, mismatches.size()))));
        }
    }

    private SentencePieceModel model(String name) {
        return models.computeIfAbsent(name, k -> {
            if (k.startsWith("fixture:")) {
                return SentencePieceModel.load(SpmFixtures.file(k.substring("fixture:".length())));
            }
            return SentencePieceModel.fromSerialized(resourceBytes(k), k);
        });
    }

    static byte[] resourceBytes(String name) {
        try (InputStream in = SentencePieceExtraCasesTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> resourceLines(String name) {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String line : new String(resourceBytes(name), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(json.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F) {
                b.append(String.format("\\x%02x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
