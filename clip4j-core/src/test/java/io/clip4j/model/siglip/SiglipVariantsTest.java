package io.clip4j.model.siglip;

import io.clip4j.model.TextConfig;
import io.clip4j.model.TokenBatch;
import io.clip4j.nn.Trace;
import io.clip4j.tensor.Activation;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Tensor;
import io.clip4j.testutil.Fixtures;
import io.clip4j.weights.DType;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.SafeTensorsWriter;
import io.clip4j.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SigLIP beyond the fixture: other sizes, patch 12/14, vision-only vs full, dtypes, bidirectional text. */
class SiglipVariantsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "image {0} patch {1} width {2} heads {3} mlp {4} text length {5}")
    @CsvSource({"36, 12, 48, 3, 100, 20", "28, 14, 32, 2, 80, 9", "32, 16, 40, 5, 160, 12"})
    void variantsRunAndAgree(int image, int patch, int width, int heads, int mlp, int textLen) throws IOException {
        SiglipVisionConfig v = new SiglipVisionConfig(image, patch, width, 2, heads, mlp, Activation.GELU_TANH, 1e-6f, true);
        TextConfig t = new TextConfig(300, textLen, width, 2, heads, mlp, Activation.GELU_TANH, 1e-6f,
                TextConfig.Pooling.LAST, 1, 0, false, false);
        Path full = tmp.resolve("full");
        Path bf16 = tmp.resolve("bf16");
        SyntheticSiglip.write(v, t, 5, DType.F32, full);
        SyntheticSiglip.write(v, t, 5, DType.BF16, bf16);
        Path visionOnly = visionOnlyCopy(full, tmp.resolve("vision"));
        SplittableRandom r = new SplittableRandom(2);
        float[] px = new float[3 * 3 * image * image];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextDouble(-1, 1);
        }
        Tensor pixels = Tensor.of(px, 3, 3, image, image);
        long[] ids = new long[2 * textLen];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(300);
        }
        TokenBatch tokens = new TokenBatch(ids, null, 2, textLen);
        try (SiglipModel m = SiglipModel.load(full); SiglipModel vo = SiglipModel.load(visionOnly);
             SiglipModel scalar = SiglipModel.load(full, null, Kernels.scalar()); SiglipModel b = SiglipModel.load(bf16)) {
            Tensor img = m.encodeImage(pixels);
            Tensor txt = m.encodeText(tokens);
            assertArrayEquals(new int[]{3, width}, img.shape());
            assertArrayEquals(new int[]{2, width}, txt.shape());
            assertFalse(vo.hasText());
            SiglipVisionTower.Output o = vo.visionOutputs(pixels, Trace.NONE);
            Fixtures.assertClose("vision-only pooler", o.poolerOutput(), img.data(), 1e-6);
            Fixtures.assertClose("scalar image", scalar.encodeImage(pixels).data(), img.data(), 1e-4);
            Fixtures.assertClose("scalar text", scalar.encodeText(tokens).data(), txt.data(), 1e-4);
            Fixtures.assertClose("bf16 image", b.encodeImage(pixels).data(), img.data(), 5e-2);
            Fixtures.assertClose("bf16 text", b.encodeText(tokens).data(), txt.data(), 5e-2);
            // Bidirectional: the first token changes the feature pooled at the last position.
            long[] changed = ids.clone();
            changed[0] = (changed[0] + 1) % 300;
            Tensor txt2 = m.encodeText(new TokenBatch(changed, null, 2, textLen));
            assertTrue(Math.abs(txt2.get(0, 0) - txt.get(0, 0)) + Math.abs(txt2.get(0, 1) - txt.get(0, 1)) > 0,
                    "the text tower must not be causal");
            Fixtures.assertClose("other row untouched", txt2.row(1), txt.row(1), 1e-6);
        }
    }

    static Path visionOnlyCopy(Path full, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (SafeTensorsFile in = SafeTensorsFile.open(full.resolve("model.safetensors"))) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (TensorInfo t : in.tensors()) {
                if (t.name().startsWith("vision_model.")) {
                    w.putRaw(t.name(), t.dtype(), t.shape(), in.bytes(t.name()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
            w.write(dir.resolve("model.safetensors"));
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var cfg = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(full.resolve("config.json").toFile()).get("vision_config");
        cfg.put("model_type", "siglip_vision_model");
        Files.writeString(dir.resolve("config.json"), cfg.toPrettyString());
        return dir;
    }

    @Test
    void unknownActivationIsRefused() throws IOException {
        Path src = Fixtures.fixture("siglip-hf-tiny/vision");
        Path dir = tmp.resolve("act");
        Files.createDirectories(dir);
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), Files.readString(src.resolve("config.json"))
                .replace("gelu_pytorch_tanh", "mish_9000"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SiglipModel.load(dir).close());
        assertTrue(e.getMessage().contains("mish_9000"), e.getMessage());
    }
}
