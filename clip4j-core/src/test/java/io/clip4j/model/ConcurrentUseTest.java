package io.clip4j.model;

import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Tensor;
import io.clip4j.testutil.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** One loaded model shared by many threads gives the same answers as sequential use (towers built once, lazily). */
class ConcurrentUseTest {

    @Test
    void concurrentEmbedCallsAgreeWithSequentialOnes() throws Exception {
        Path images = Fixtures.fixture("preprocess/images");
        List<Path> files = List.of(images.resolve("chelsea.png"), images.resolve("coffee.png"),
                images.resolve("china.jpg"), images.resolve("gray.png"));
        List<String> texts = List.of("a photo of a cat", "a cup of coffee", "a tall building", "a grey picture");
        for (String fixture : new String[]{"clip-vit-openai-tiny", "clip-rn-openai-tiny"}) {
            float[][] wantImg = new float[files.size()][];
            float[][] wantTxt = new float[texts.size()][];
            try (EmbeddingModel m = Models.loadEmbedding(Fixtures.fixture(fixture), null, Kernels.get())) {
                for (int i = 0; i < files.size(); i++) {
                    wantImg[i] = m.embedImage(files.get(i));
                }
            }
            boolean hasVocab = fixture.equals("clip-vit-openai-tiny"); // the ResNet fixture has a 1000-token vocabulary
            try (EmbeddingModel m = Models.loadEmbedding(Fixtures.fixture(fixture), null, Kernels.get())) {
                if (hasVocab) {
                    for (int i = 0; i < texts.size(); i++) {
                        wantTxt[i] = m.embedText(texts.get(i));
                    }
                }
            }
            try (EmbeddingModel m = Models.loadEmbedding(Fixtures.fixture(fixture), null, Kernels.get());
                 ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<float[]>> futures = new ArrayList<>();
                List<float[]> expected = new ArrayList<>();
                for (int round = 0; round < 6; round++) {
                    for (int i = 0; i < files.size(); i++) {
                        Path f = files.get(i);
                        futures.add(pool.submit(() -> m.embedImage(f)));
                        expected.add(wantImg[i]);
                        if (hasVocab) {
                            String t = texts.get(i);
                            futures.add(pool.submit(() -> m.embedText(t)));
                            expected.add(wantTxt[i]);
                        }
                    }
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertArrayEquals(expected.get(i), futures.get(i).get(), 1e-6f, fixture + " result " + i);
                }
                Tensor batch = m.embedImages(files);
                for (int i = 0; i < files.size(); i++) {
                    assertArrayEquals(wantImg[i], batch.row(i), 1e-5f, fixture + " batched image " + i);
                }
            }
        }
    }
}
