package io.clip4j.text.spm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.text.TextTooLongException;
import io.clip4j.weights.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiglipTokenizerTest {

    private static final SentencePieceModel MODEL = SentencePieceModel.load(SpmFixtures.file("spm-unigram.model"));
    private static final SiglipTokenizer TOKENIZER = SiglipTokenizer.builder(MODEL).build();

    @Test
    void defaultsFollowTheModelAndSiglip() {
        assertEquals(64, TOKENIZER.contextLength());
        assertEquals(1, TOKENIZER.eosId());
        assertEquals(0, TOKENIZER.padId());
    }

    @Test
    void fixtureCasesMatchTheSiglipPipeline() {
        checkCases(SpmFixtures.cases("spm-unigram-cases.jsonl"), "spm-unigram-cases.jsonl siglip");
    }

    @Test
    void edgeCaseTextsMatchPythonsStringHandling() {
        checkCases(SentencePieceExtraCasesTest.resourceLines("siglip-extra.jsonl"), "siglip-extra.jsonl");
    }

    private static void checkCases(List<JsonNode> cases, String name) {
        List<String> mismatches = new ArrayList<>();
        for (JsonNode c : cases) {
            String text = c.get("text").textValue();
            String expectedText = c.get("siglip_text").textValue();
            long[] expectedIds = Arrays.stream(SpmFixtures.ints(c.get("siglip_ids"))).asLongStream().toArray();
            String actualText = TOKENIZER.preprocess(text);
            long[] actualIds = TOKENIZER.encodeForModel(text);
            if (!expectedText.equals(actualText) || !Arrays.equals(expectedIds, actualIds)) {
                mismatches.add(text + "\n  expected '" + expectedText + "' " + Arrays.toString(expectedIds)
                        + "\n  actual   '" + actualText + "' " + Arrays.toString(actualIds));
            }
        }
        System.out.printf("%s: %d/%d cases match%n", name, cases.size() - mismatches.size(), cases.size());
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " of " + cases.size() + " differ:\n"
                    + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))));
        }
    }

    @Test
    void canonicalizeRemovesAsciiPunctuationAndCollapsesWhitespace() {
        assertEquals("hello world", SiglipTokenizer.canonicalize("  hello,\t\n world!!  "));
        assertEquals("a photo of a cat", SiglipTokenizer.canonicalize("a photo of a {cat}."));
        assertEquals("«quoted» — x", SiglipTokenizer.canonicalize("«quoted» — x!"), "non-ASCII punctuation stays");
        assertEquals("", SiglipTokenizer.canonicalize(" ... "));
        assertEquals("a b", SiglipTokenizer.canonicalize("a\u00a0\u3000b"));
    }

    @Test
    void lowerCaseIsPerCharacterLikeHf() {
        // HF lower-cases one character at a time, so a word-final capital sigma does not become ς.
        assertEquals("οδοσ", SiglipTokenizer.lowerCase("ΟΔΟΣ"));
        assertEquals("i\u0307stanbul", SiglipTokenizer.lowerCase("İstanbul"));
        SiglipTokenizer keepCase = SiglipTokenizer.builder(MODEL).lowerCase(false).build();
        assertEquals("Hello World", keepCase.preprocess("Hello, World!"));
    }

    @Test
    void longTextIsTruncatedKeepingEos() {
        String text = "open source library ".repeat(40);
        int[] ids = TOKENIZER.encode(text);
        assertTrue(ids.length > 63);
        long[] model = TOKENIZER.encodeForModel(text, true);
        assertEquals(64, model.length);
        for (int i = 0; i < 63; i++) {
            assertEquals(ids[i], model[i]);
        }
        assertEquals(1, model[63]);
        assertThrows(TextTooLongException.class, () -> TOKENIZER.encodeForModel(text, false));
    }

    @Test
    void textThatExactlyFitsIsNotTruncated() {
        String text = "the library for python";
        int n = TOKENIZER.encode(text).length;
        SiglipTokenizer fits = SiglipTokenizer.builder(MODEL).contextLength(n + 1).build();
        long[] out = fits.encodeForModel(text, false);
        assertEquals(1, out[n]);
        SiglipTokenizer tooShort = SiglipTokenizer.builder(MODEL).contextLength(n).build();
        assertThrows(TextTooLongException.class, () -> tooShort.encodeForModel(text, false));
        long[] cut = tooShort.encodeForModel(text, true);
        assertEquals(1, cut[n - 1], "the last position is always </s>");
        SiglipTokenizer four = SiglipTokenizer.builder(MODEL).contextLength(4).build();
        assertArrayEquals(new long[] {1, 0, 0, 0}, four.encodeForModel("", false), "empty text is </s> and padding");
    }

    @Test
    void checkpointDirectoryWithHfConfig(@TempDir Path dir) throws IOException {
        Files.copy(SpmFixtures.file("spm-unigram.model"), dir.resolve("spiece.model"));
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"model_max_length": 16, "do_lower_case": true, "eos_token": "</s>", "pad_token": "<pad>",
                 "unk_token": "<unk>", "tokenizer_class": "SiglipTokenizer"}
                """);
        Files.writeString(dir.resolve("special_tokens_map.json"), """
                {"eos_token": {"content": "</s>", "lstrip": true, "normalized": false, "rstrip": true, "single_word": false},
                 "pad_token": {"content": "</s>", "lstrip": true, "normalized": false, "rstrip": true, "single_word": false},
                 "unk_token": "<unk>"}
                """);
        SiglipTokenizer t = SiglipTokenizer.fromCheckpoint(dir);
        assertEquals(16, t.contextLength());
        assertEquals(1, t.eosId());
        assertEquals(1, t.padId(), "special_tokens_map.json overrides tokenizer_config.json, as in HF");
        long[] ids = t.encodeForModel("Hello");
        assertEquals(16, ids.length);
        assertEquals(1, ids[15]);
    }

    @Test
    void checkpointDirectoryDefaultsAreHfs(@TempDir Path dir) throws IOException {
        Files.copy(SpmFixtures.file("spm-unigram.model"), dir.resolve("spiece.model"));
        SiglipTokenizer t = SiglipTokenizer.fromCheckpoint(dir);
        assertEquals(64, t.contextLength());
        assertEquals(1, t.eosId());
        assertEquals(1, t.padId(), "HF SiglipTokenizer pads with </s> by default");
        assertEquals("hello world", t.preprocess("Hello, World"));
    }

    @Test
    void checkpointDirectoryErrors(@TempDir Path dir) throws IOException {
        ModelFormatException missing = assertThrows(ModelFormatException.class, () -> SiglipTokenizer.fromCheckpoint(dir));
        assertTrue(missing.getMessage().contains("spiece.model"), missing.getMessage());
        Files.copy(SpmFixtures.file("spm-unigram.model"), dir.resolve("spiece.model"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{not json");
        ModelFormatException badJson = assertThrows(ModelFormatException.class, () -> SiglipTokenizer.fromCheckpoint(dir));
        assertTrue(badJson.getMessage().contains("tokenizer_config.json"), badJson.getMessage());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"pad_token\": \"<nope>\"}");
        ModelFormatException badToken = assertThrows(ModelFormatException.class, () -> SiglipTokenizer.fromCheckpoint(dir));
        assertTrue(badToken.getMessage().contains("<nope>"), badToken.getMessage());
    }
}
