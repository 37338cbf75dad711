package io.clip4j.text.spm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentencePieceModelTest {

    @Test
    void unigramCasesMatchTheCppLibrary() {
        checkCases("spm-unigram.model", "spm-unigram-cases.jsonl");
    }

    @Test
    void bpeCasesMatchTheCppLibrary() {
        checkCases("spm-bpe.model", "spm-bpe-cases.jsonl");
    }

    @Test
    void decodeRoundTripsTheNormalizedText() {
        for (String name : new String[] {"spm-unigram", "spm-bpe"}) {
            SentencePieceModel model = SentencePieceModel.load(SpmFixtures.file(name + ".model"));
            int checked = 0;
            for (JsonNode c : SpmFixtures.cases(name + "-cases.jsonl")) {
                String text = c.get("text").textValue();
                int[] ids = model.encode(text);
                // What decoding can give back: the normalized text, spaces restored, the dummy prefix dropped.
                String expected = model.normalize(text).replace('\u2581', ' ').stripLeading();
                assertEquals(expected, model.decodePieces(model.encodeAsPieces(text)), text);
                if (Arrays.stream(ids).noneMatch(id -> id == model.unkId())) {
                    // Without unknown pieces (which decode to " \u2047 ") the ids round-trip too.
                    assertEquals(expected, model.decode(ids), text);
                    checked++;
                }
            }
            assertTrue(checked > 1000, name + ": only " + checked + " round trips checked");
        }
    }

    @Test
    void vocabularyAccessors() {
        SentencePieceModel model = SentencePieceModel.load(SpmFixtures.file("spm-unigram.model"));
        assertEquals(3000, model.vocabSize());
        assertEquals(ModelType.UNIGRAM, model.modelType());
        assertEquals(0, model.padId());
        assertEquals(1, model.eosId());
        assertEquals(2, model.unkId());
        assertEquals(-1, model.bosId());
        assertEquals("</s>", model.idToPiece(1));
        assertEquals(PieceType.CONTROL, model.pieceType(0));
        assertEquals(PieceType.UNKNOWN, model.pieceType(2));
        assertEquals(PieceType.NORMAL, model.pieceType(3));
        for (int id = 0; id < model.vocabSize(); id++) {
            assertEquals(id, model.pieceToId(model.idToPiece(id)));
        }
        assertEquals(model.unkId(), model.pieceToId("no such piece"));
        assertThrows(IllegalArgumentException.class, () -> model.idToPiece(3000));
        assertThrows(IllegalArgumentException.class, () -> model.decode(new int[] {5, -1}));

        SentencePieceModel bpe = SentencePieceModel.load(SpmFixtures.file("spm-bpe.model"));
        assertEquals(ModelType.BPE, bpe.modelType());
        assertTrue(bpe.byteFallback());
        assertEquals(PieceType.BYTE, bpe.pieceType(bpe.pieceToId("<0xE4>")));
        assertEquals("中", bpe.decode(bpe.encode("中")), "byte pieces decode back to the character");
    }

    @Test
    void emptyAndWhitespaceOnlyTextsEncodeToNothing() {
        SentencePieceModel model = SentencePieceModel.load(SpmFixtures.file("spm-unigram.model"));
        assertEquals(0, model.encode("").length);
        assertEquals(0, model.encode(" \t\n ").length);
        assertEquals("", model.decode(new int[0]));
        // An unpaired surrogate is handled like malformed UTF-8: U+FFFD.
        assertEquals(model.encodeAsPieces("a\uFFFDb"), model.encodeAsPieces("a\uD800b"));
    }

    @Test
    void concurrentEncodingGivesTheSameResults() throws Exception {
        SentencePieceModel model = SentencePieceModel.load(SpmFixtures.file("spm-bpe.model"));
        List<String> texts = SpmFixtures.cases("spm-bpe-cases.jsonl").stream().map(c -> c.get("text").textValue()).toList();
        List<int[]> expected = texts.stream().map(model::encode).toList();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < texts.size(); i++) {
                        if (!Arrays.equals(expected.get(i), model.encode(texts.get(i)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (var r : results) {
                assertTrue(r.get());
            }
        }
    }

    private static void checkCases(String modelFile, String casesFile) {
        SentencePieceModel model = SentencePieceModel.load(SpmFixtures.file(modelFile));
        List<JsonNode> cases = SpmFixtures.cases(casesFile);
        List<String> mismatches = new ArrayList<>();
        for (JsonNode c : cases) {
            String text = c.get("text").textValue();
            int[] expectedIds = SpmFixtures.ints(c.get("ids"));
            List<String> expectedPieces = SpmFixtures.strings(c.get("pieces"));
            int[] ids = model.encode(text);
            List<String> pieces = model.encodeAsPieces(text);
            if (!Arrays.equals(expectedIds, ids) || !expectedPieces.equals(pieces)) {
                mismatches.add(text + "\n  expected " + expectedPieces + " " + Arrays.toString(expectedIds)
                        + "\n  actual   " + pieces + " " + Arrays.toString(ids));
            }
        }
        System.out.printf("%s: %d/%d cases match%n", casesFile, cases.size() - mismatches.size(), cases.size());
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " of " + cases.size() + " cases differ, first ones:\n"
                    + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))));
        }
    }
}
