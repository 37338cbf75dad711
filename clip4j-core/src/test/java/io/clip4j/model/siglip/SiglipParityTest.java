package io.clip4j.model.siglip;

import io.clip4j.model.TokenBatch;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.nn.Trace;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;
import io.clip4j.testutil.Fixtures;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every golden tensor of siglip-hf-tiny (F32 and BF16) and of its vision-only checkpoint. */
class SiglipParityTest {

    @ParameterizedTest(name = "{0} vs ''{1}'' goldens, tol {2}, scalar={3}")
    @CsvSource({
            "model.safetensors, '', 1e-4, false",
            "model.safetensors, '', 1e-4, true",
            "model-bf16.safetensors, bf16., 1e-4, false",
            "model-bf16.safetensors, '', 5e-2, false"})
    void reproducesEveryGolden(String weights, String prefix, double tol, boolean scalar) {
        Path dir = Fixtures.fixture("siglip-hf-tiny");
        try (SafeTensorsFile golden = SafeTensorsFile.open(dir.resolve("golden.safetensors"));
             SiglipModel m = SiglipModel.load(dir, weights, scalar ? Kernels.scalar() : Kernels.get())) {
            Map<String, float[]> got = new HashMap<>();
            Trace trace = (name, values, shape) -> got.put(hfName(name), values);
            Tensor px = Tensor.of(golden.floats("pixel_values"), 4, 3, 32, 32);
            SiglipVisionTower.Output vo = m.visionOutputs(px, trace);
            long[] ids = golden.longs("input_ids");
            Tensor txt = m.encodeText(new TokenBatch(ids, null, 3, 16), trace);
            Tensor img = Tensor.of(vo.poolerOutput(), 4, 64);
            Tensor imgE = ClipModel.normalize(img);
            Tensor txtE = ClipModel.normalize(txt);
            Tensor logits = m.logitsPerImage(imgE, txtE);
            got.put("vision_model.pooler_output", img.data());
            got.put("vision_model.hidden_states.0", got.get("vision_model.embeddings"));
            got.put("text_model.hidden_states.0", got.get("text_model.embeddings"));
            got.put("text_model.pooler_output", txt.data());
            got.put("image_embeds", imgE.data());
            got.put("text_embeds", txtE.data());
            got.put("logits_per_image", logits.data());
            got.put("logits_per_text", Ops.transpose(logits.data(), 0, 4, 3));
            got.put("logit_scale", new float[]{m.logitScale()});
            got.put("logit_bias", new float[]{m.logitBias()});

            Set<String> compared = new HashSet<>();
            for (TensorInfo t : golden.tensors()) {
                String name = t.name();
                if (name.equals("pixel_values") || name.equals("input_ids")) {
                    continue;
                }
                boolean variant = name.startsWith("bf16.");
                if (prefix.isEmpty() == variant) {
                    continue;
                }
                String base = name.substring(prefix.length());
                float[] g = got.get(base);
                if (g == null) {
                    throw new AssertionError("no computed tensor for golden '" + name + "'; computed " + got.keySet());
                }
                Fixtures.assertClose(weights + ": " + name, g, golden.floats(name), tol);
                compared.add(name);
            }
            assertTrue(compared.size() >= (prefix.isEmpty() ? 20 : 3), "compared only " + compared);
        }
    }

    static String hfName(String name) {
        return switch (name) {
            case "vision.conv1" -> "vision_model.embeddings.patch_embeds";
            case "vision.embeddings" -> "vision_model.embeddings";
            case "vision.norm" -> "vision_model.last_hidden_state";
            case "vision.head.attention" -> "vision_model.head.attention";
            case "vision.pooler_output" -> "vision_model.pooler_output";
            case "text.embeddings" -> "text_model.embeddings";
            case "text.ln_final" -> "text_model.last_hidden_state";
            case "text.pooled" -> "text_model.pooled_before_head";
            default -> {
                for (String tower : new String[]{"vision", "text"}) {
                    String p = tower + ".resblocks.";
                    if (name.startsWith(p)) {
                        String rest = name.substring(p.length());
                        String hf = tower + "_model";
                        yield rest.endsWith(".after_attn") ? hf + ".encoder.layers." + rest
                                : hf + ".hidden_states." + (Integer.parseInt(rest) + 1);
                    }
                }
                yield "unmapped:" + name;
            }
        };
    }

    @Test
    void visionOnlyCheckpointLoadsOnItsOwn() {
        Path dir = Fixtures.fixture("siglip-hf-tiny/vision");
        try (SafeTensorsFile golden = SafeTensorsFile.open(dir.resolve("golden.safetensors"));
             SiglipModel m = SiglipModel.load(dir)) {
            assertFalse(m.hasText());
            SiglipVisionTower.Output o = m.visionOutputs(Tensor.of(golden.floats("pixel_values"), 4, 3, 32, 32), Trace.NONE);
            Fixtures.assertClose("last_hidden_state", o.lastHiddenState(), golden.floats("last_hidden_state"), 1e-4);
            Fixtures.assertClose("pooler_output", o.poolerOutput(), golden.floats("pooler_output"), 1e-4);
            assertThrows(IllegalStateException.class, m::text);
        }
    }

    @Test
    void sigmoidProbabilities() {
        Tensor p = SiglipModel.sigmoid(Tensor.of(new float[]{0f, 2f, -2f}, 1, 3));
        assertEquals(0.5f, p.data()[0], 1e-7);
        assertEquals(1 / (1 + Math.exp(-2)), p.data()[1], 1e-7);
        assertTrue(Arrays.equals(new int[]{1, 3}, p.shape()));
    }
}
