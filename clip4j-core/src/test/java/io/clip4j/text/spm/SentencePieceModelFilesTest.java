package io.clip4j.text.spm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.weights.ModelFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading: files that are not SentencePiece models, and malformed models, fail with a clear message. */
class SentencePieceModelFilesTest {

    @TempDir
    Path dir;

    private ModelFormatException loadFails(byte[] content, String fileName) throws IOException {
        Path file = dir.resolve(fileName);
        Files.write(file, content);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentencePieceModel.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), "message names the file: " + e.getMessage());
        return e;
    }

    @Test
    void randomBytesAreRejected() throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + random.nextInt(i < 100 ? 64 : 100_000)];
            random.nextBytes(junk);
            loadFails(junk, "random" + i + ".model");
        }
    }

    @Test
    void truncatedModelsAreRejected() throws IOException {
        byte[] model = Files.readAllBytes(SpmFixtures.file("spm-unigram.model"));
        for (int length : new int[] {1, 2, 10, 1000, model.length / 2, model.length - 10, model.length - 1}) {
            ModelFormatException e = loadFails(Arrays.copyOf(model, length), "truncated" + length + ".model");
            assertTrue(e.getMessage().contains("not a SentencePiece model"), e.getMessage());
        }
    }

    @Test
    void textFilesAreRejected() throws IOException {
        loadFails("This is a text file, not a model.\nSecond line.\n".getBytes(StandardCharsets.UTF_8), "notes.txt");
        loadFails("{\"model_type\": \"unigram\", \"vocab\": [[\"<unk>\", 0.0]]}".getBytes(StandardCharsets.UTF_8),
                "tokenizer.json");
        loadFails("▁the\t-3.2\n▁a\t-3.5\n".getBytes(StandardCharsets.UTF_8), "spm.vocab");
    }

    @Test
    void emptyAndMissingFilesAreRejected() throws IOException {
        ModelFormatException empty = loadFails(new byte[0], "empty.model");
        assertTrue(empty.getMessage().contains("no pieces"), empty.getMessage());
        Path missing = dir.resolve("missing.model");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentencePieceModel.load(missing));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    private static ModelProtoWriter validPieces() {
        return new ModelProtoWriter().piece("<unk>", 0, 2).piece("</s>", 0, 3).piece("\u2581", -1, 1)
                .piece("a", -2, 1).piece("b", -2, 1).piece("\u2581ab", -1, 1);
    }

    private static String rejected(ModelProtoWriter w) {
        return assertThrows(ModelFormatException.class, () -> SentencePieceModel.fromSerialized(w.toByteArray(), "test.model"))
                .getMessage();
    }

    @Test
    void structurallyInvalidModelsAreRejected() {
        assertTrue(rejected(new ModelProtoWriter().piece("a", 0, 1)).contains("UNKNOWN"));
        assertTrue(rejected(validPieces().piece("a", -3, 1)).contains("already defined"));
        assertTrue(rejected(validPieces().piece("", -3, 1)).contains("empty"));
        assertTrue(rejected(validPieces().piece("x\0y", -3, 1)).contains("NUL"));
        assertTrue(rejected(validPieces().piece("<unk2>", 0, 2)).contains("more than one UNKNOWN"));
        assertTrue(rejected(validPieces().piece("c", 0, 9)).contains("unknown type 9"));
        assertTrue(rejected(validPieces().piece("<0x41>", 0, 6)).contains("byte_fallback is false"));
        String missingBytes = rejected(validPieces().piece("<0x41>", 0, 6)
                .message(2, new ModelProtoWriter().varint(35, 1)));
        assertTrue(missingBytes.contains("<0x00> is missing"), missingBytes);
        assertTrue(rejected(validPieces().message(2, new ModelProtoWriter().varint(3, 7))).contains("model_type"));
        assertTrue(rejected(validPieces().varint(1, 5)).contains("wire type"));
        assertTrue(rejected(validPieces().varint(9, 1).raw(new byte[] {0x0B})).contains("wire type 3"));
        String broken = rejected(validPieces().message(3, new ModelProtoWriter().bytes(2, new byte[] {(byte) 0xFF, 0, 0, 0, 1, 2})));
        assertTrue(broken.contains("precompiled_charsmap"), broken);
        // Negative pad_id (a 10-byte varint) is fine.
        SentencePieceModel ok = SentencePieceModel.fromSerialized(
                validPieces().message(2, new ModelProtoWriter().varint(43, -1L)).toByteArray(), "ok.model");
        assertEquals(-1, ok.padId());
    }

    @Test
    void minimalModelEncodesAndMergesUnknowns() {
        SentencePieceModel m = SentencePieceModel.fromSerialized(validPieces().toByteArray(), "min.model");
        assertEquals(ModelType.UNIGRAM, m.modelType());
        assertEquals(0, m.unkId());
        assertEquals(1, m.eosId());
        assertEquals(-1, m.bosId());
        assertEquals(-1, m.padId());
        assertEquals(List.of("\u2581ab", "\u2581ab"), m.encodeAsPieces("ab  ab "));
        // Consecutive unknown characters become one unknown piece holding their text.
        assertEquals(List.of("\u2581", "cc", "\u2581ab"), m.encodeAsPieces("cc ab"));
        assertEquals(List.of(2, 0, 5), Arrays.stream(m.encode("cc ab")).boxed().toList());
        assertEquals(" \u2047  ab", m.decode(m.encode("cc ab")));
        assertEquals("cc ab", m.decodePieces(m.encodeAsPieces("cc ab")));
    }

    @Test
    void corruptCharsmapNeverThrowsWhileEncoding() {
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            byte[] blob = new byte[4 + 4 * 512 + 64];
            random.nextBytes(blob);
            int trieSize = 4 * 512;
            blob[0] = (byte) trieSize;
            blob[1] = (byte) (trieSize >>> 8);
            blob[2] = 0;
            blob[3] = 0;
            SentencePieceModel m = SentencePieceModel.fromSerialized(
                    validPieces().message(3, new ModelProtoWriter().bytes(2, blob)).toByteArray(), "corrupt.model");
            for (int i = 0; i < 50; i++) {
                byte[] text = new byte[random.nextInt(40)];
                random.nextBytes(text);
                int[] ids = m.encodeUtf8(text);
                m.decode(ids);
            }
        }
    }
}
