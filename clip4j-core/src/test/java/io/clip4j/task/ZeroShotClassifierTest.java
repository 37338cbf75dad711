package io.clip4j.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Embeddings;
import io.clip4j.model.Models;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Tensor;
import io.clip4j.testutil.Fixtures;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.SafeTensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prompt-ensembled zero-shot fixture, batching, multi-name classes and the saved-weights cache. */
class ZeroShotClassifierTest {

    static EmbeddingModel model;
    static List<String> classes;
    static List<String> templates;
    static Path dir;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        dir = Fixtures.fixture("clip-vit-openai-tiny");
        model = Models.loadEmbedding(dir, "model.safetensors", Kernels.get());
        JsonNode z = new ObjectMapper().readTree(dir.resolve("zeroshot.json").toFile());
        classes = new ArrayList<>();
        z.get("classes").forEach(n -> classes.add(n.asText()));
        templates = new ArrayList<>();
        z.get("templates").forEach(n -> templates.add(n.asText()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void reproducesTheReferenceZeroShotFixture() {
        ZeroShotClassifier zs = ZeroShotClassifier.build(model, classes, templates);
        try (SafeTensorsFile g = SafeTensorsFile.open(dir.resolve("zeroshot.safetensors"))) {
            Fixtures.assertClose("zeroshot_weights", zs.weights().data(), g.floats("zeroshot_weights"), 1e-4);
            long[] s = g.info("pixel_values").shape();
            Tensor img = model.embedPixels(Tensor.of(g.floats("pixel_values"), (int) s[0], 3, (int) s[2], (int) s[3]));
            Fixtures.assertClose("cosine", zs.cosines(img).data(), g.floats("cosine"), 1e-4);
            Fixtures.assertClose("probs", zs.probabilities(img).data(), g.floats("probs"), 1e-4);
            List<List<ZeroShotClassifier.Prediction>> top = zs.classify(img, 3);
            float[] probs = g.floats("probs");
            int n = classes.size();
            for (int i = 0; i < s[0]; i++) {
                int best = 0;
                for (int c = 1; c < n; c++) {
                    if (probs[i * n + c] > probs[i * n + best]) {
                        best = c;
                    }
                }
                assertEquals(classes.get(best), top.get(i).getFirst().label(), "top-1 of image " + i);
            }
        }
    }

    @Test
    void textBatchSizeDoesNotChangeTheWeights() {
        float[] ref = ZeroShotClassifier.build(model, classes.stream().map(List::of).toList(), templates, 1000, n -> { })
                .weights().data();
        for (int b : new int[]{1, 3, 8}) {
            int[] seen = {0};
            float[] w = ZeroShotClassifier.build(model, classes.stream().map(List::of).toList(), templates, b,
                    k -> seen[0] += k).weights().data();
            Fixtures.assertClose("batch " + b, w, ref, 1e-6);
            assertEquals(classes.size() * templates.size(), seen[0], "progress counts every prompt");
        }
    }

    @Test
    void severalNamesPerClassAreEnsembled() {
        List<String> t = List.of("a photo of a {}.", "art of the {}.");
        ZeroShotClassifier zs = ZeroShotClassifier.build(model, List.of(List.of("cat", "kitten"), List.of("dog")), t, 7, n -> { });
        Tensor e = model.embedTexts(List.of("a photo of a cat.", "art of the cat.", "a photo of a kitten.", "art of the kitten."));
        float[] mean = new float[model.embedDim()];
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < mean.length; k++) {
                mean[k] += e.get(i, k);
            }
        }
        Tensor want = Embeddings.normalize(Tensor.of(mean, 1, mean.length));
        Tensor w = zs.weights();
        float[] col = new float[mean.length];
        for (int k = 0; k < col.length; k++) {
            col[k] = w.get(k, 0);
        }
        Fixtures.assertClose("ensembled class", col, want.data(), 1e-5);
        assertEquals(List.of("cat", "dog"), zs.labels());
    }

    @Test
    void savedWeightsAreReusedAndRefusedForAnotherModel() {
        ZeroShotClassifier zs = ZeroShotClassifier.build(model, classes, templates);
        Path f = tmp.resolve("cls.safetensors");
        zs.save(f, templates);
        ZeroShotClassifier again = ZeroShotClassifier.load(model, f);
        assertEquals(classes, again.labels());
        Fixtures.assertClose("reloaded weights", again.weights().data(), zs.weights().data(), 0);
        try (EmbeddingModel fp16 = Models.loadEmbedding(dir, "model-fp16.safetensors", Kernels.get())) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ZeroShotClassifier.load(fp16, f));
            assertTrue(e.getMessage().contains("another model"), e.getMessage());
        }
    }

    @Test
    void badTemplatesAndClassesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ZeroShotClassifier.build(model, classes, List.of("no placeholder")));
        assertThrows(IllegalArgumentException.class, () -> ZeroShotClassifier.build(model, List.of(), templates));
        assertThrows(IllegalArgumentException.class, () -> ZeroShotClassifier.build(model, List.of("cat", " "), templates));
    }

    @Test
    void shippedPromptSets() {
        assertEquals(80, PromptSets.imagenet80().size());
        assertEquals(7, PromptSets.imagenet7().size());
        assertEquals(1000, PromptSets.dataset("imagenet").classes().size());
        assertEquals(10, PromptSets.dataset("CIFAR-10").classes().size());
        assertEquals(101, PromptSets.dataset("food101").classNames().size());
        assertTrue(PromptSets.datasetNames().contains("cifar100"));
        assertThrows(IllegalArgumentException.class, () -> PromptSets.dataset("nope"));
    }
}
