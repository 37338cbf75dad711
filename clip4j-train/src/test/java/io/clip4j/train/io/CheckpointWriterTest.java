package io.clip4j.train.io;

import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.model.TokenBatch;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Tensor;
import io.clip4j.train.Fixtures;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.model.Architectures;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.model.ModelFactory;
import io.clip4j.train.model.ModelSpec;
import io.clip4j.weights.DType;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saved checkpoints keep the source's keys and shapes and load through the core's inference loader. */
class CheckpointWriterTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"clip-rn-openai-tiny", "clip-vit-hf-tiny", "siglip-hf-tiny"})
    void resavedCheckpointHasTheSameTensorsAndOutputs(String fixture, @TempDir Path out) {
        Path dir = Fixtures.fixture(fixture);
        ContrastiveModel model = ModelFactory.load(dir, n -> false);
        CheckpointWriter.save(model, out, DType.F32, dir, null, Map.of());
        try (SafeTensorsFile src = SafeTensorsFile.open(dir.resolve("model.safetensors"));
             SafeTensorsFile dst = SafeTensorsFile.open(out.resolve("model.safetensors"))) {
            for (TensorInfo t : src.tensors()) {
                if (t.name().endsWith("position_ids")) {
                    continue; // a buffer transformers >= 4.31 no longer saves
                }
                TensorInfo u = dst.info(t.name());
                assertTrue(u != null, "missing " + t.name());
                assertArrayEquals(t.shape(), u.shape(), t.name());
                if (t.dtype().isFloatingPoint()) {
                    assertArrayEquals(src.floats(t.name()), dst.floats(t.name()), 0f, t.name());
                }
            }
            assertEquals(src.tensors().stream().filter(t -> !t.name().endsWith("position_ids")).count(),
                    dst.tensors().size(), "no extra tensors");
        }
        assertTrue(Files.isRegularFile(out.resolve("config.json")));
        try (SafeTensorsFile golden = SafeTensorsFile.open(dir.resolve("golden.safetensors"));
             EmbeddingModel m = Models.loadEmbedding(out, null, Kernels.get())) {
            long[] ps = golden.info("pixel_values").shape();
            Tensor px = Tensor.of(golden.floats("pixel_values"), (int) ps[0], (int) ps[1], (int) ps[2], (int) ps[3]);
            float[] want = golden.floats(fixture.startsWith("siglip") ? "vision_model.pooler_output" : "image_features");
            float[] got = m.encodeImage(px).data();
            double err = Fixtures.relErr(got, want);
            assertTrue(err < 1e-4, "image features of the resaved model: " + err);
        }
    }

    @Test
    void newModelIsAnHfClipCheckpointTheCoreLoads(@TempDir Path out) throws Exception {
        ContrastiveModel model = ModelFactory.create(ModelSpec.clip(Architectures.fashionTiny()), 11, n -> false);
        CheckpointWriter.save(model, out, DType.F32, null, ModelPreprocessing.fashion(28), Map.of());
        SplittableRandom rnd = new SplittableRandom(1);
        float[] px = new float[2 * 3 * 28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rnd.nextGaussian();
        }
        try (EmbeddingModel m = Models.loadEmbedding(out, null, Kernels.get())) {
            assertEquals("clip", m.family());
            assertArrayEquals(model.visual().forward(Tape.noGrad(), px, 2).data(),
                    m.encodeImage(Tensor.of(px, 2, 3, 28, 28)).data(), 1e-4f);
            TokenBatch tokens = m.tokenize(java.util.List.of("a photo of a bag.", "sneaker"));
            assertArrayEquals(model.text().forward(Tape.noGrad(), tokens).data(), m.encodeText(tokens).data(), 1e-4f);
            assertEquals(ModelPreprocessing.fashion(28), m.preprocessConfig());
        }
        // F16 halves the file and stays close
        Path half = out.resolveSibling(out.getFileName() + "-f16");
        CheckpointWriter.save(model, half, DType.F16, null, ModelPreprocessing.fashion(28), Map.of());
        try (EmbeddingModel m = Models.loadEmbedding(half, null, Kernels.get())) {
            float[] a = model.visual().forward(Tape.noGrad(), px, 2).data();
            float[] b = m.encodeImage(Tensor.of(px, 2, 3, 28, 28)).data();
            assertTrue(Fixtures.relErr(b, a) < 2e-2, Arrays.toString(b));
        }
        assertEquals("float16", new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(half.resolve("config.json").toFile()).get("torch_dtype").asText());
        assertEquals("float32", new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("config.json").toFile()).get("torch_dtype").asText());
    }
}
