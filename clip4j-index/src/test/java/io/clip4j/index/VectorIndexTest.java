package io.clip4j.index;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorIndexTest {

    private static IndexIdentity id(int dim) {
        return new IndexIdentity("fp-" + dim, "test", dim, "test-model");
    }

    private static IndexedFile meta(String path) {
        return new IndexedFile(path, 1, 2, "00", null);
    }

    @Test
    void wideVectorsAreWrittenReopenedAndSearched(@TempDir Path tmp) {
        int dim = 2048;
        ClusteredVectors gen = new ClusteredVectors(dim, 8, 1);
        try (VectorIndex ix = VectorIndex.open(tmp.resolve("ix"), id(dim), VectorIndex.Mode.WRITE, HnswParams.DEFAULT)) {
            for (int i = 0; i < 300; i++) {
                ix.put(meta("v" + i), gen.vector(0, i));
            }
            ix.commit();
        }
        // a fresh reader finds the format by name through the service loader
        assertInstanceOf(WideHnswVectorsFormat.class, KnnVectorsFormat.forName(WideHnswVectorsFormat.NAME));
        try (VectorIndex ix = VectorIndex.open(tmp.resolve("ix"), id(dim), VectorIndex.Mode.READ, HnswParams.DEFAULT)) {
            assertEquals(300, ix.size());
            float[] q = gen.vector(0, 123);
            List<Hit> hits = ix.search(q, 5, 50);
            assertEquals("v123", hits.getFirst().path());
            assertEquals(1.0, hits.getFirst().score(), 1e-6);
            assertEquals(ix.searchExact(q, 5), hits);
            float[] stored = ix.vector("v7");
            assertEquals(dim, stored.length);
            assertEquals(1.0, VectorIndex.cosine(stored, gen.vector(0, 7)), 1e-6);
        }
    }

    @Test
    void hnswRecallOnClusteredVectors(@TempDir Path tmp) {
        // the CI-sized version of the 1M-vector benchmark (RecallBenchmark)
        int n = 20_000;
        int dim = 512;
        ClusteredVectors gen = new ClusteredVectors(dim, 200, 7);
        try (VectorIndex ix = VectorIndex.open(tmp, id(dim), VectorIndex.Mode.WRITE, HnswParams.DEFAULT)) {
            IntStream.range(0, n).parallel().forEach(i -> ix.put(meta("v" + i), gen.vector(0, i)));
            ix.commit();
            int queries = 50;
            int k = 10;
            double recall = 0;
            for (int qi = 0; qi < queries; qi++) {
                float[] q = gen.vector(1, qi);
                List<Hit> exact = ix.searchExact(q, k);
                List<Hit> approx = ix.search(q, k, ImageIndex.DEFAULT_FAN_OUT);
                Set<String> truth = new HashSet<>();
                exact.forEach(h -> truth.add(h.path()));
                recall += approx.stream().filter(h -> truth.contains(h.path())).count() / (double) k;
                for (int i = 1; i < approx.size(); i++) {
                    assertTrue(approx.get(i - 1).score() >= approx.get(i).score(), "best first");
                }
            }
            recall /= queries;
            assertTrue(recall >= 0.95, "recall@10 " + recall);
        }
    }

    @Test
    void replacesDeletesAndKeepsFailedEntries(@TempDir Path tmp) {
        try (VectorIndex ix = VectorIndex.open(tmp, id(4), VectorIndex.Mode.WRITE, HnswParams.DEFAULT)) {
            ix.put(meta("a"), new float[]{1, 0, 0, 0});
            ix.put(meta("b"), new float[]{0, 2, 0, 0});
            ix.put(meta("a"), new float[]{0, 0, 3, 0});
            ix.put(new IndexedFile("c", 5, 6, "ff", "broken"), null);
            assertEquals(2, ix.size());
            assertEquals(3, ix.entries().size());
            assertEquals("broken", ix.entries().get("c").error());
            assertEquals(1.0f, ix.vector("a")[2], 1e-6f);
            assertEquals(1.0f, ix.vector("b")[1], 1e-6f, "stored normalised");
            assertNull(ix.vector("c"));
            ix.delete("b");
            assertEquals(1, ix.size());
            assertEquals("a", ix.search(new float[]{0, 0, 1, 0}, 3, 10).getFirst().path());
            assertEquals(1, ix.searchExact(new float[]{0, 1, 0, 0}, 3).size());
            assertThrows(IllegalArgumentException.class, () -> ix.put(meta("d"), new float[]{1, 2}));
            assertThrows(IllegalArgumentException.class, () -> ix.put(meta("d"), new float[4]));
        }
    }

    @Test
    void uncommittedWritesAreDroppedOnClose(@TempDir Path tmp) {
        try (VectorIndex ix = VectorIndex.open(tmp, id(2), VectorIndex.Mode.WRITE, HnswParams.DEFAULT)) {
            ix.put(meta("a"), new float[]{1, 0});
            ix.commit();
            ix.put(meta("b"), new float[]{0, 1});
        }
        try (VectorIndex ix = VectorIndex.open(tmp, id(2), VectorIndex.Mode.READ, HnswParams.DEFAULT)) {
            assertEquals(Set.of("a"), ix.entries().keySet());
        }
    }

    @Test
    void refusesAnotherModelNamingBoth(@TempDir Path tmp) {
        VectorIndex.open(tmp, id(8), VectorIndex.Mode.WRITE, HnswParams.DEFAULT).close();
        IndexIdentity other = new IndexIdentity("other-fp", "test", 8, "other-model");
        IndexException e = assertThrows(IndexException.class,
                () -> VectorIndex.open(tmp, other, VectorIndex.Mode.READ, HnswParams.DEFAULT));
        assertTrue(e.getMessage().contains("'test-model'") && e.getMessage().contains("'other-model'"), e.getMessage());
        assertEquals(id(8), VectorIndex.readIdentity(tmp));
    }

    @Test
    void clearErrorsForMissingForeignAndLockedDirectories(@TempDir Path tmp) throws Exception {
        IndexException missing = assertThrows(IndexException.class,
                () -> VectorIndex.open(tmp.resolve("nope"), id(2), VectorIndex.Mode.READ, HnswParams.DEFAULT));
        assertTrue(missing.getMessage().contains("no index here"), missing.getMessage());
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(photos.resolve("note.txt"), "x");
        IndexException foreign = assertThrows(IndexException.class,
                () -> VectorIndex.open(photos, id(2), VectorIndex.Mode.WRITE, HnswParams.DEFAULT));
        assertTrue(foreign.getMessage().contains("not empty"), foreign.getMessage());
        try (VectorIndex ignored = VectorIndex.open(tmp.resolve("ix"), id(2), VectorIndex.Mode.WRITE, HnswParams.DEFAULT)) {
            IndexException locked = assertThrows(IndexException.class,
                    () -> VectorIndex.open(tmp.resolve("ix"), id(2), VectorIndex.Mode.WRITE, HnswParams.DEFAULT));
            assertTrue(locked.getMessage().contains("another process"), locked.getMessage());
            // readers are not blocked by a writer
            VectorIndex.open(tmp.resolve("ix"), id(2), VectorIndex.Mode.READ, HnswParams.DEFAULT).close();
        }
    }
}
