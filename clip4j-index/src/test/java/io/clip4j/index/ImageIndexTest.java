package io.clip4j.index;

import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.tensor.Kernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageIndexTest {

    private static EmbeddingModel model;

    @BeforeAll
    static void load() {
        model = Models.loadEmbedding(TestImages.tinyModel(), null, Kernels.get());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static UpdateResult update(ImageIndex ix, Path... roots) {
        List<SkippedFile> heard = new ArrayList<>();
        UpdateResult r = ix.update(List.of(roots), UpdateOptions.defaults().withBatchSize(8).withDecoderThreads(2),
                new UpdateListener() {
                    @Override
                    public void skipped(SkippedFile file) {
                        heard.add(file);
                    }
                });
        assertEquals(r.skippedFiles(), heard, "the listener hears every skipped file");
        assertEquals(r.skipped(), r.skippedFiles().size());
        return r;
    }

    @Test
    void indexesIncrementally(@TempDir Path tmp) throws Exception {
        Path photos = tmp.resolve("photos");
        List<Path> files = TestImages.writeFolder(photos, 300, 1);
        Files.writeString(photos.resolve("a/notes.txt"), "not an image");
        try (ImageIndex ix = ImageIndex.openOrCreate(tmp.resolve("index"), model)) {
            UpdateResult first = update(ix, photos);
            assertEquals(List.of(300, 300, 0, 0, 0, 0), counts(first));
            assertEquals(300, ix.size());

            UpdateResult second = update(ix, photos);
            assertEquals(List.of(300, 0, 0, 0, 300, 0), counts(second), "nothing to do the second time");
            assertEquals(0, second.embedded());

            // touched: new time, same content -> metadata refreshed, not embedded again
            Path touched = files.get(10);
            FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis() + 3_600_000);
            Files.setLastModifiedTime(touched, later);
            UpdateResult afterTouch = update(ix, photos);
            assertEquals(List.of(300, 0, 0, 0, 300, 0), counts(afterTouch));
            assertEquals(later.to(java.util.concurrent.TimeUnit.NANOSECONDS),
                    ix.vectors().entries().get(touched.toString()).mtimeNanos());
            assertEquals(List.of(300, 0, 0, 0, 300, 0), counts(update(ix, photos)), "and settled");

            // changed content, a new file, a deleted file
            Path changed = files.get(11);
            float[] before = ix.vectors().vector(changed.toString());
            TestImages.write(changed, 999_999, 48, 40);
            Path added = photos.resolve("b/new.webp.png");
            TestImages.write(added, 123_456, 40, 48);
            Files.delete(files.get(12));
            UpdateResult edits = update(ix, photos);
            assertEquals(List.of(300, 1, 1, 1, 298, 0), counts(edits));
            assertEquals(300, ix.size());
            assertNotEquals(before[0], ix.vectors().vector(changed.toString())[0]);
            assertTrue(ix.vectors().entries().get(files.get(12).toString()) == null);

            // stored vectors are the model's embeddings of the files
            for (Path p : List.of(files.get(0), files.get(1), files.get(2), changed, added)) {
                assertArrayEquals(model.embedImage(p), ix.vectors().vector(p.toString()), 1e-5f, p.toString());
            }
        }
    }

    @Test
    void aFewThousandImagesIndexedTwiceDoNoWorkTheSecondTime(@TempDir Path tmp) {
        Path photos = tmp.resolve("photos");
        TestImages.writeFolder(photos, 2000, 8);
        try (ImageIndex ix = ImageIndex.openOrCreate(tmp.resolve("index"), model)) {
            assertEquals(List.of(2000, 2000, 0, 0, 0, 0), counts(update(ix, photos)));
            UpdateResult again = update(ix, photos);
            assertEquals(List.of(2000, 0, 0, 0, 2000, 0), counts(again));
            assertEquals(0, again.embedded());
            assertEquals(2000, ix.size());
        }
    }

    private static List<Integer> counts(UpdateResult r) {
        return List.of(r.found(), r.added(), r.updated(), r.removed(), r.unchanged(), r.skipped());
    }

    @Test
    void corruptFilesAreSkippedReportedAndRetriedOnlyWhenChanged(@TempDir Path tmp) throws Exception {
        Path photos = tmp.resolve("photos");
        TestImages.writeFolder(photos, 20, 2);
        Path truncated = photos.resolve("a/truncated.jpg");
        TestImages.write(truncated, 5, 48, 40);
        byte[] full = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(full, full.length / 2));
        Path text = photos.resolve("b/text.png");
        Files.writeString(text, "this is not a PNG");
        try (ImageIndex ix = ImageIndex.openOrCreate(tmp.resolve("index"), model)) {
            UpdateResult r = update(ix, photos);
            assertEquals(List.of(22, 20, 0, 0, 0, 2), counts(r));
            Map<String, String> reasons = new java.util.HashMap<>();
            r.skippedFiles().forEach(s -> reasons.put(s.path(), s.reason()));
            assertEquals(java.util.Set.of(truncated.toString(), text.toString()), reasons.keySet());
            reasons.values().forEach(m -> assertTrue(!m.isBlank(), "a reason is given"));
            assertEquals(20, ix.size());

            UpdateResult again = update(ix, photos);
            assertEquals(List.of(22, 0, 0, 0, 20, 2), counts(again), "still reported, not decoded again");
            assertTrue(again.skippedFiles().getFirst().reason().contains("unchanged since the last run"));

            TestImages.write(text, 77, 48, 40);
            UpdateResult fixed = update(ix, photos);
            assertEquals(List.of(22, 1, 0, 0, 20, 1), counts(fixed));
            assertEquals(21, ix.size());
        }
    }

    @Test
    void searchesByTextImageAndWeightedCombinations(@TempDir Path tmp) {
        Path photos = tmp.resolve("photos");
        List<Path> files = TestImages.writeFolder(photos, 60, 3);
        try (ImageIndex ix = ImageIndex.openOrCreate(tmp.resolve("index"), model)) {
            update(ix, photos);
            Path probe = files.get(17);
            List<Hit> byImage = ix.search(SearchQuery.image(probe), 5);
            assertEquals(probe.toString(), byImage.getFirst().path());
            assertEquals(1.0, byImage.getFirst().score(), 1e-5);

            SearchQuery text = SearchQuery.text("a photo of a cat");
            List<Hit> approx = ix.search(text, 10);
            List<Hit> exact = ix.search(text, 10, 10, true);
            assertEquals(exact, approx, "on a small index the HNSW candidates contain the true top 10");
            float[] cat = model.embedText("a photo of a cat");
            for (Hit h : approx) {
                assertEquals(VectorIndex.cosine(cat, model.embedImage(Path.of(h.path()))), h.score(), 1e-5);
            }

            // +text -text: the normalised difference of the embeddings
            float[] q = ix.queryVector(SearchQuery.text("a dog").minusText("grass"));
            float[] dog = model.embedText("a dog");
            float[] grass = model.embedText("grass");
            float[] diff = new float[dog.length];
            for (int i = 0; i < diff.length; i++) {
                diff[i] = dog[i] - grass[i];
            }
            assertArrayEquals(ClusteredVectors.unit(diff), q, 1e-5f);
            // weights: image plus half a text
            float[] mixed = ix.queryVector(SearchQuery.image(probe).plusText("at night", 0.5));
            float[] img = model.embedImage(probe);
            float[] night = model.embedText("at night");
            float[] sum = new float[img.length];
            for (int i = 0; i < sum.length; i++) {
                sum[i] = img[i] + 0.5f * night[i];
            }
            assertArrayEquals(ClusteredVectors.unit(sum), mixed, 1e-5f);

            assertThrows(IllegalArgumentException.class, () -> ix.search(SearchQuery.text("x").minusText("x"), 3));
            assertThrows(IllegalArgumentException.class, () -> ix.search(SearchQuery.empty(), 3));
        }
    }

    @Test
    void refusesAnotherModel(@TempDir Path tmp) {
        Path photos = tmp.resolve("photos");
        TestImages.writeFolder(photos, 3, 4);
        try (ImageIndex ix = ImageIndex.openOrCreate(tmp.resolve("index"), model)) {
            update(ix, photos);
        }
        try (EmbeddingModel other = Models.loadEmbedding(TestImages.fixture("clip-vit-hf-tiny"), null, Kernels.get())) {
            IndexException e = assertThrows(IndexException.class, () -> ImageIndex.open(tmp.resolve("index"), other));
            assertTrue(e.getMessage().contains("'clip-vit-openai-tiny'") && e.getMessage().contains("'clip-vit-hf-tiny'"),
                    e.getMessage());
        }
        try (ImageIndex ix = ImageIndex.open(tmp.resolve("index"), model)) {
            assertEquals(3, ix.size());
            assertThrows(IllegalStateException.class, () -> ix.update(List.of(photos), UpdateOptions.defaults(), null));
        }
    }

    @Test
    void symlinkLoopsEndAndOtherRootsAreLeftAlone(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("A");
        Path b = tmp.resolve("B");
        TestImages.writeFolder(a, 4, 5);
        List<Path> bFiles = TestImages.writeFolder(b, 4, 6);
        Files.createSymbolicLink(a.resolve("a/loop"), a);
        try (ImageIndex ix = ImageIndex.openOrCreate(tmp.resolve("index"), model)) {
            UpdateResult r = update(ix, a, b);
            assertEquals(8, r.added());
            assertTrue(r.skippedFiles().stream().anyMatch(s -> s.reason().contains("loop")), r.skippedFiles().toString());
            Files.delete(bFiles.getFirst());
            UpdateResult onlyA = update(ix, a);
            assertEquals(0, onlyA.removed(), "B was not scanned, so nothing of it is removed");
            assertEquals(8, ix.size());
            assertEquals(1, update(ix, b).removed());
            assertThrows(IllegalArgumentException.class, () -> update(ix, tmp.resolve("missing")));
        }
    }

    @Test
    void indexInsideTheFolderIsNotScanned(@TempDir Path tmp) {
        TestImages.writeFolder(tmp, 5, 7);
        try (ImageIndex ix = ImageIndex.openOrCreate(tmp.resolve(".clip4j-index"), model)) {
            UpdateResult r = ix.update(List.of(tmp), UpdateOptions.defaults().withCommitEvery(Duration.ZERO, 1), null);
            assertEquals(5, r.added());
            assertEquals(0, r.skipped());
        }
    }
}
