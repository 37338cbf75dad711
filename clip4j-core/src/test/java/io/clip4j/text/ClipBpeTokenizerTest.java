package io.clip4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.weights.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipBpeTokenizerTest {

    private static final ClipBpeTokenizer TOKENIZER = ClipBpeTokenizer.bundled();

    private static final String[] SAMPLES = {
        "a photo of a cat", "A photo of a dog.", "It's a dog, isn't it?", "Zürich café — naïve façade",
        "1234567890 is 10 digits", "<|startoftext|>a photo<|endoftext|>", "日本語の文章です", "😀 emoji 👍🏽",
        "Tom &amp; Jerry", "âœ” No problems", "ΣΟΦΙΑ ΟΔΟΣ", "snake_case_identifier and kebab-case-word"
    };

    @Test
    void bundledIsSharedAndHasTheOpenAiSpecialTokens() {
        assertSame(TOKENIZER, ClipBpeTokenizer.bundled());
        assertEquals(49406, TOKENIZER.sotId());
        assertEquals(49407, TOKENIZER.eotId());
        assertEquals(49408, TOKENIZER.vocabSize());
        assertEquals(77, TOKENIZER.contextLength());
    }

    @Test
    void emptyTextHasNoIdsAndAModelRowOfStartAndEnd() {
        assertArrayEquals(new int[0], TOKENIZER.encode(""));
        assertArrayEquals(new int[0], TOKENIZER.encode(" \t\n "));
        long[] row = TOKENIZER.encodeForModel("");
        assertEquals(77, row.length);
        assertEquals(49406, row[0]);
        assertEquals(49407, row[1]);
        assertTrue(Arrays.stream(row, 2, 77).allMatch(v -> v == 0));
    }

    @Test
    void modelRowIsStartIdsEndAndZeros() {
        int[] ids = TOKENIZER.encode("a photo of a cat");
        long[] row = TOKENIZER.encodeForModel("a photo of a cat", false);
        assertEquals(49406, row[0]);
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], row[i + 1]);
        }
        assertEquals(49407, row[ids.length + 1]);
        assertTrue(Arrays.stream(row, ids.length + 2, row.length).allMatch(v -> v == 0));
    }

    @Test
    void truncationKeepsTheContextLengthAndEndsWithEndOfText() {
        String text = "word ".repeat(200);
        int[] ids = TOKENIZER.encode(text);
        assertEquals(200, ids.length);
        long[] row = TOKENIZER.encodeForModel(text, true);
        assertEquals(77, row.length);
        assertEquals(49406, row[0]);
        for (int i = 1; i < 76; i++) {
            assertEquals(ids[i - 1], row[i]);
        }
        assertEquals(49407, row[76]);
    }

    @Test
    void exactlyFittingTextIsNotTruncated() {
        String text = "word ".repeat(75);
        long[] row = TOKENIZER.encodeForModel(text, false);
        assertEquals(TOKENIZER.encode("word")[0], row[75]);
        assertEquals(49407, row[76]);
    }

    @Test
    void tooLongTextWithoutTruncationThrows() {
        String text = "word ".repeat(76);
        TextTooLongException e = assertThrows(TextTooLongException.class, () -> TOKENIZER.encodeForModel(text, false));
        assertTrue(e.getMessage().contains("78 tokens"), e.getMessage());
        assertTrue(e.getMessage().contains("context length of 77"), e.getMessage());
    }

    @Test
    void otherContextLengths() {
        ClipBpeTokenizer short16 = TOKENIZER.withContextLength(16);
        assertEquals(16, short16.contextLength());
        assertSame(TOKENIZER, TOKENIZER.withContextLength(77));
        long[] row = short16.encodeForModel("word ".repeat(40));
        assertEquals(16, row.length);
        assertEquals(49407, row[15]);
        assertThrows(IllegalArgumentException.class, () -> TOKENIZER.withContextLength(1));
    }

    @Test
    void decodeReturnsTheCleanedTextWithEndOfWordAsSpace() {
        assertEquals("a photo of a cat ", TOKENIZER.decode(TOKENIZER.encode("A photo of a cat")));
        for (String s : SAMPLES) {
            String decoded = TOKENIZER.decode(TOKENIZER.encode(s));
            assertEquals(ClipTextCleaner.clean(s).replace(" ", ""), decoded.replace(" ", ""), s);
        }
        assertEquals("<|startoftext|>", TOKENIZER.decode(new int[] {49406}));
        assertThrows(IllegalArgumentException.class, () -> TOKENIZER.decode(new int[] {49408}));
    }

    @Test
    void decodeReplacesInvalidUtf8LikePython() {
        // Byte-level tokens 0..255 are the byte characters; 0xE2 0x82 is a truncated 3-byte sequence.
        int e2 = idOfByte(0xE2);
        int x82 = idOfByte(0x82);
        int a = idOfByte('a');
        assertEquals("\ufffda", TOKENIZER.decode(new int[] {e2, x82, a}));
        assertEquals("\ufffd\ufffda", TOKENIZER.decode(new int[] {x82, x82, a}));
    }

    /** The id of the byte-level token of one byte (ids 0..255 in the OpenAI vocabulary). */
    private static int idOfByte(int b) {
        String symbol = String.valueOf(BpeModel.BYTE_TO_CHAR[b]);
        return IntStream.range(0, 256).filter(id -> TOKENIZER.vocabToken(id).equals(symbol)).findFirst().orElseThrow();
    }

    @Test
    void longTextsTokenizeQuickly() {
        Random random = new Random(42);
        String letters = randomString(random, "abcdefghijklmnopqrstuvwxyz", 10_000);
        String mixed = randomString(random, "abcdefghij klmnopqr stuvwxyz0123456789.,;!?éüß日本語😀", 10_000);
        String repeated = "a".repeat(10_000);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertTrue(TOKENIZER.encode(repeated).length > 0);
            assertTrue(TOKENIZER.encode(letters).length > 0);
            assertTrue(TOKENIZER.encode(mixed).length > 0);
            assertEquals(77, TOKENIZER.encodeForModel(mixed).length);
        });
    }

    @Test
    void longRunsInsideFtfyDoNotOverflowTheStack() {
        // A 10,000-character run of inconsistent mojibake (the CJK character stops a whole-string
        // re-decoding) and a terminal escape with 10,000 parameter digits.
        String mojibake = "\u00c3\u00a9".repeat(5_000) + "\u65e5";
        String escape = "\u001b[" + "1".repeat(10_000) + "m";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals("\u00e9".repeat(5_000) + "\u65e5", Ftfy.fixText(mojibake));
            assertArrayEquals(new int[0], TOKENIZER.encode(escape));
        });
    }

    @Test
    void aLongWordGivesTheSameIdsAsItsPiecesWouldInTheReferenceLoop() {
        // Merging is exact for repeated symbols: "aaaa" pairs must not overlap.
        int[] ids = TOKENIZER.encode("a".repeat(1000));
        assertEquals("a".repeat(1000) + " ", TOKENIZER.decode(ids));
    }

    @Test
    void threadSafe() {
        List<String> texts = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            texts.add(randomString(random, "abcdef ghijk lmnop qrstu vwxyz'&;<>ÃÂ©€™éàü日本", 5 + random.nextInt(60)));
        }
        List<int[]> sequential = texts.stream().map(TOKENIZER::encode).toList();
        List<int[]> parallel = texts.parallelStream().map(TOKENIZER::encode).toList();
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(sequential.get(i), parallel.get(i), texts.get(i));
        }
    }

    @Test
    void huggingFaceVocabAndMergesGiveTheSameIds(@TempDir Path dir) throws IOException {
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("merges.txt");
        writeVocabJson(vocab);
        List<String> lines = new ArrayList<>();
        lines.add("#version: 0.2");
        lines.addAll(bundledMerges());
        Files.write(merges, lines, StandardCharsets.UTF_8);
        ClipBpeTokenizer hf = ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, 77);
        assertSameIds(hf);
    }

    @Test
    void huggingFaceTokenizerJsonGivesTheSameIds(@TempDir Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (boolean pairsAsArrays : new boolean[] {false, true}) {
            ObjectNode root = json.createObjectNode();
            ObjectNode model = root.putObject("model");
            model.put("type", "BPE");
            ObjectNode vocab = model.putObject("vocab");
            for (int id = 0; id < TOKENIZER.vocabSize(); id++) {
                vocab.put(TOKENIZER.vocabToken(id), id);
            }
            ArrayNode merges = model.putArray("merges");
            for (String merge : bundledMerges()) {
                if (pairsAsArrays) {
                    ArrayNode pair = merges.addArray();
                    Arrays.stream(merge.split(" ")).forEach(pair::add);
                } else {
                    merges.add(merge);
                }
            }
            Path file = dir.resolve("tokenizer-" + pairsAsArrays + ".json");
            json.writeValue(file.toFile(), root);
            ClipBpeTokenizer hf = ClipBpeTokenizer.fromTokenizerJson(file, 77);
            assertSameIds(hf);
        }
    }

    @Test
    void tinyVocabularyFromTheBundledOne(@TempDir Path dir) throws IOException {
        // Only the byte symbols, the special tokens and the merges needed for "cat": cat</w> is made by
        // merging "c a" then "ca t</w>", both in the bundled merge list.
        ObjectMapper json = new ObjectMapper();
        ObjectNode vocab = json.createObjectNode();
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(BpeModel.BYTE_TO_CHAR[b]));
            tokens.add(BpeModel.BYTE_TO_CHAR[b] + "</w>");
        }
        tokens.addAll(List.of("ca", "cat</w>", "<|startoftext|>", "<|endoftext|>"));
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), i);
        }
        Path vocabFile = dir.resolve("vocab.json");
        json.writeValue(vocabFile.toFile(), vocab);
        Path mergesFile = dir.resolve("merges.txt");
        Files.writeString(mergesFile, "#version: 0.2\nc a\nca t</w>\n");
        ClipBpeTokenizer tiny = ClipBpeTokenizer.fromVocabAndMerges(vocabFile, mergesFile, 8);
        int cat = tokens.indexOf("cat</w>");
        assertArrayEquals(new int[] {cat, cat}, tiny.encode("Cat CAT"));
        assertArrayEquals(new long[] {tokens.indexOf("<|startoftext|>"), cat, tokens.indexOf("<|endoftext|>"), 0, 0, 0, 0, 0},
                tiny.encodeForModel("cat"));
        assertEquals("cat cat ", tiny.decode(tiny.encode("cat cat")));
    }

    @Test
    void malformedFilesNameTheFileAndTheProblem(@TempDir Path dir) throws IOException {
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("merges.txt");
        Files.writeString(merges, "#version: 0.2\na b\n");

        Files.writeString(vocab, "[1, 2]");
        ModelFormatException notObject = assertThrows(ModelFormatException.class,
                () -> ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, 77));
        assertTrue(notObject.getMessage().contains("vocab.json"), notObject.getMessage());

        Files.writeString(vocab, "{\"a\": 0, \"b\": ");
        ModelFormatException badJson = assertThrows(ModelFormatException.class,
                () -> ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, 77));
        assertTrue(badJson.getMessage().contains("vocab.json") && badJson.getMessage().contains("not valid JSON"));

        Files.writeString(vocab, "{\"a\": 0, \"b\": \"one\"}");
        ModelFormatException badId = assertThrows(ModelFormatException.class,
                () -> ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, 77));
        assertTrue(badId.getMessage().contains("\"b\""), badId.getMessage());

        Files.writeString(vocab, "{\"a\": 0, \"b\": 1}");
        ModelFormatException noSpecials = assertThrows(ModelFormatException.class,
                () -> ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, 77));
        assertTrue(noSpecials.getMessage().contains("<|startoftext|>"), noSpecials.getMessage());

        Files.writeString(merges, "#version: 0.2\na b c\n");
        ModelFormatException badMerge = assertThrows(ModelFormatException.class,
                () -> ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, 77));
        assertTrue(badMerge.getMessage().contains("merges.txt") && badMerge.getMessage().contains("line 2"),
                badMerge.getMessage());

        Path tokenizerJson = dir.resolve("tokenizer.json");
        Files.writeString(tokenizerJson, "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        ModelFormatException unigram = assertThrows(ModelFormatException.class,
                () -> ClipBpeTokenizer.fromTokenizerJson(tokenizerJson, 77));
        assertTrue(unigram.getMessage().contains("tokenizer.json") && unigram.getMessage().contains("Unigram"));
    }

    private static void assertSameIds(ClipBpeTokenizer other) {
        assertEquals(TOKENIZER.sotId(), other.sotId());
        assertEquals(TOKENIZER.eotId(), other.eotId());
        for (String s : SAMPLES) {
            assertArrayEquals(TOKENIZER.encode(s), other.encode(s), s);
            assertArrayEquals(TOKENIZER.encodeForModel(s), other.encodeForModel(s), s);
        }
        assertArrayEquals(TOKENIZER.encode("a".repeat(300)), other.encode("a".repeat(300)));
    }

    private static void writeVocabJson(Path path) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode vocab = json.createObjectNode();
        for (int id = 0; id < TOKENIZER.vocabSize(); id++) {
            vocab.put(TOKENIZER.vocabToken(id), id);
        }
        json.writeValue(path.toFile(), vocab);
    }

    /** The merges the bundled tokenizer uses: lines 1..48894 of the gzipped file. */
    private static List<String> bundledMerges() throws IOException {
        try (InputStream in = new GZIPInputStream(
                ClipBpeTokenizer.class.getResourceAsStream("bpe_simple_vocab_16e6.txt.gz"))) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            return Arrays.asList(lines).subList(1, 1 + 48894);
        }
    }

    private static String randomString(Random random, String alphabet, int length) {
        int[] cps = alphabet.codePoints().toArray();
        StringBuilder sb = new StringBuilder();
        IntStream.range(0, length).forEach(i -> sb.appendCodePoint(cps[random.nextInt(cps.length)]));
        return sb.toString();
    }
}
