package io.clip4j.model.clip;

import io.clip4j.model.TokenBatch;
import io.clip4j.nn.Trace;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Tensor;
import io.clip4j.testutil.Fixtures;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.TensorInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every golden tensor of the CLIP fixtures (final and intermediate), from every weights file, with the
 * default and the scalar kernels.
 */
class ClipParityTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("clip-vit-openai-tiny", "model.safetensors", "", 1e-4),
                Arguments.of("clip-vit-openai-tiny", "model-fp16.safetensors", "fp16.", 1e-4),
                Arguments.of("clip-vit-openai-tiny", "model-fp16.safetensors", "", 2e-2),
                Arguments.of("clip-rn-openai-tiny", "model.safetensors", "", 1e-4),
                Arguments.of("clip-rn-openai-tiny", "model-fp16.safetensors", "fp16.", 1e-4),
                Arguments.of("clip-rn-openai-tiny", "model-fp16.safetensors", "", 2e-2),
                Arguments.of("clip-vit-openai-tiny", "model.pt", "fp16.", 1e-4),
                Arguments.of("clip-rn-openai-tiny", "model.pt", "", 1e-4),
                Arguments.of("clip-vit-hf-tiny", "model.safetensors", "", 1e-4));
    }

    @ParameterizedTest(name = "{0} {1} vs ''{2}'' goldens")
    @MethodSource("cases")
    void reproducesEveryGolden(String fixture, String weights, String prefix, double tol) {
        check(fixture, weights, prefix, tol, Kernels.get());
    }

    @ParameterizedTest(name = "scalar kernels: {0} {1}")
    @MethodSource("cases")
    void scalarKernelsReproduceToo(String fixture, String weights, String prefix, double tol) {
        check(fixture, weights, prefix, tol, Kernels.scalar());
    }

    static void check(String fixture, String weights, String prefix, double tol, Kernels kernels) {
        Path dir = Fixtures.fixture(fixture);
        try (SafeTensorsFile golden = SafeTensorsFile.open(dir.resolve("golden.safetensors"));
             ClipModel model = ClipModel.load(dir, weights, kernels)) {
            boolean hf = model.config().layout() == ClipConfig.Layout.HF;
            float[] px = golden.floats("pixel_values");
            int[] pxShape = toInt(golden.info("pixel_values").shape());
            long[] ids = golden.longs("input_ids");
            int[] idShape = toInt(golden.info("input_ids").shape());
            long[] mask = golden.contains("attention_mask") ? golden.longs("attention_mask") : null;

            Map<String, float[]> got = new HashMap<>();
            Trace trace = (name, values, shape) -> got.put(hf ? hfName(name, model) : name, values);
            // Intermediates need every text position: trace with the EOT cut disabled.
            Tensor imgF = model.encodeImage(Tensor.of(px, pxShape), trace);
            TokenBatch tokens = new TokenBatch(ids, mask, idShape[0], idShape[1]);
            float[] txtTraced = model.text().withTruncateAfterEot(false)
                    .forward(model.ops(), ids, mask, idShape[0], idShape[1], trace);
            Tensor txtF = model.encodeText(tokens); // the production path, with the EOT cut
            assertArrayEquals(txtTraced, txtF.data(), 1e-5f, "EOT cut must not change text features");

            Tensor imgE = ClipModel.normalize(imgF);
            Tensor txtE = ClipModel.normalize(txtF);
            Tensor logits = model.logitsPerImage(imgE, txtE);
            got.put("image_features", imgF.data());
            got.put("text_features", txtF.data());
            got.put("image_embeds", imgE.data());
            got.put("text_embeds", txtE.data());
            got.put("logits_per_image", logits.data());
            got.put("logits_per_text", io.clip4j.tensor.Ops.transpose(logits.data(), 0, logits.dim(0), logits.dim(1)));
            got.put("logit_scale", new float[]{model.logitScale()});
            got.put("logit_scale_exp", new float[]{(float) Math.exp(model.logitScale())});
            if (hf) {
                got.put("vision_model.last_hidden_state", got.get("vision_model.hidden_states." + model.config().vision().layers()));
                got.put("text_model.hidden_states.0", got.get("text_model.embeddings"));
            }

            Set<String> inputs = Set.of("pixel_values", "input_ids", "attention_mask");
            Set<String> compared = new HashSet<>();
            for (TensorInfo t : golden.tensors()) {
                String name = t.name();
                if (inputs.contains(name)) {
                    continue;
                }
                boolean variant = name.startsWith("fp16.") || name.startsWith("bf16.");
                if (!prefix.isEmpty() != variant || (variant && !name.startsWith(prefix))) {
                    continue;
                }
                String base = name.substring(prefix.length());
                if (base.equals("text.eot_index") || base.equals("text_model.pooled_index")) {
                    int[] idx = model.text().poolingIndices(ids, idShape[0], idShape[1]);
                    long[] want = golden.longs(name);
                    assertArrayEquals(want, Arrays.stream(idx).asLongStream().toArray(), name);
                    compared.add(name);
                    continue;
                }
                float[] g = got.get(base);
                if (g == null) {
                    throw new AssertionError(fixture + ": no computed tensor for golden '" + name + "'; computed: " + got.keySet());
                }
                Fixtures.assertClose(fixture + "/" + weights + ": " + name, g, golden.floats(name), tol);
                compared.add(name);
            }
            assertTrue(compared.size() >= (prefix.isEmpty() ? 20 : 3), "compared only " + compared);
        }
    }

    /** Canonical trace names to the HF golden names. */
    static String hfName(String name, ClipModel model) {
        if (name.equals("visual.conv1")) {
            return "vision_model.embeddings.patch_embeds";
        }
        if (name.equals("visual.embeddings")) {
            return "vision_model.embeddings";
        }
        if (name.equals("visual.ln_pre")) {
            return "vision_model.hidden_states.0";
        }
        if (name.equals("visual.ln_post")) {
            return "vision_model.pooler_output";
        }
        if (name.equals("text.embeddings")) {
            return "text_model.embeddings";
        }
        if (name.equals("text.ln_final")) {
            return "text_model.last_hidden_state";
        }
        if (name.equals("text.pooled")) {
            return "text_model.pooler_output";
        }
        for (String tower : new String[]{"visual", "text"}) {
            String p = tower + ".resblocks.";
            String hf = tower.equals("visual") ? "vision_model" : "text_model";
            if (name.startsWith(p)) {
                String rest = name.substring(p.length());
                if (rest.endsWith(".after_attn")) {
                    return hf + ".encoder.layers." + rest;
                }
                return hf + ".hidden_states." + (Integer.parseInt(rest) + 1);
            }
        }
        return "unmapped:" + name;
    }

    static int[] toInt(long[] s) {
        return Arrays.stream(s).mapToInt(Math::toIntExact).toArray();
    }

    @org.junit.jupiter.api.Test
    void derivedConfigMatchesTheConstructorArguments() {
        try (ClipModel m = ClipModel.load(Fixtures.fixture("clip-rn-openai-tiny"))) {
            ClipConfig c = m.config();
            assertEquals(ClipConfig.VisionKind.RESNET, c.vision().kind());
            assertArrayEquals(new int[]{2, 1, 1, 1}, c.vision().resnetLayers());
            assertEquals(64, c.vision().imageSize());
            assertEquals(4, c.vision().heads());
            assertEquals(32, c.embedDim());
        }
    }
}
