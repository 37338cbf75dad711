package io.clip4j.model.vit;

import io.clip4j.nn.Trace;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Tensor;
import io.clip4j.testutil.Fixtures;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.TensorInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every golden tensor of vit-hf-tiny and vit-timm-tiny. */
class VitParityTest {

    @ParameterizedTest(name = "{0} scalar={1}")
    @CsvSource({"vit-hf-tiny, false", "vit-hf-tiny, true", "vit-timm-tiny, false", "vit-timm-tiny, true"})
    void reproducesEveryGolden(String fixture, boolean scalar) {
        Path dir = Fixtures.fixture(fixture);
        try (SafeTensorsFile golden = SafeTensorsFile.open(dir.resolve("golden.safetensors"));
             VitClassifier m = VitClassifier.load(dir, null, scalar ? Kernels.scalar() : Kernels.get())) {
            boolean hf = m.config().layout() == VitConfig.Layout.HF;
            int n = (int) golden.info("pixel_values").shape()[0];
            int s = m.imageSize();
            Map<String, float[]> got = new HashMap<>();
            Trace trace = (name, values, shape) -> {
                got.put(hf ? hfName(name) : timmName(name), values);
                if (name.equals("vit.conv1") && !hf) {
                    // timm's PatchEmbed output is the conv output flattened to [N, grid^2, D]
                    int d = shape[1];
                    int p = shape[2] * shape[3];
                    float[] nlc = new float[values.length];
                    for (int b = 0; b < shape[0]; b++) {
                        for (int c = 0; c < d; c++) {
                            for (int t = 0; t < p; t++) {
                                nlc[(b * p + t) * d + c] = values[(b * d + c) * p + t];
                            }
                        }
                    }
                    got.put("patch_embed", nlc);
                }
            };
            Tensor logits = m.logits(Tensor.of(golden.floats("pixel_values"), n, 3, s, s), trace);
            got.put("logits", logits.data());
            Set<String> compared = new HashSet<>();
            for (TensorInfo t : golden.tensors()) {
                String name = t.name();
                if (name.equals("pixel_values")) {
                    continue;
                }
                if (name.equals("predicted_class")) {
                    long[] want = golden.longs(name);
                    List<List<VitClassifier.Prediction>> top = m.classify(Tensor.of(golden.floats("pixel_values"), n, 3, s, s), 3);
                    for (int i = 0; i < n; i++) {
                        assertEquals(want[i], top.get(i).get(0).index(), "predicted class of image " + i);
                        assertEquals(m.labels().get((int) want[i]), top.get(i).get(0).label());
                    }
                    compared.add(name);
                    continue;
                }
                float[] g = got.get(name);
                if (g == null) {
                    throw new AssertionError(fixture + ": no computed tensor for golden '" + name + "'; computed " + got.keySet());
                }
                Fixtures.assertClose(fixture + ": " + name, g, golden.floats(name), 1e-4);
                compared.add(name);
            }
            assertTrue(compared.size() >= 8, "compared only " + compared);
            assertEquals(10, m.labels().size());
            assertEquals("airplane", m.labels().get(0));
        }
    }

    static String hfName(String name) {
        return switch (name) {
            case "vit.conv1" -> "vit.embeddings.patch_embeddings";
            case "vit.embeddings" -> "vit.hidden_states.0";
            case "vit.norm" -> "vit.last_hidden_state";
            case "vit.pre_logits" -> "vit.pre_logits";
            default -> {
                String p = "vit.resblocks.";
                if (name.startsWith(p)) {
                    String rest = name.substring(p.length());
                    yield rest.endsWith(".after_attn") ? "vit.encoder.layer." + rest
                            : "vit.hidden_states." + (Integer.parseInt(rest) + 1);
                }
                yield "unmapped:" + name;
            }
        };
    }

    static String timmName(String name) {
        return switch (name) {
            case "vit.conv1" -> "patch_embed.proj";
            case "vit.embeddings" -> "pos_embed";
            case "vit.norm" -> "norm";
            case "vit.pre_logits" -> "pre_logits";
            default -> name.startsWith("vit.resblocks.") ? "blocks." + name.substring("vit.resblocks.".length())
                    : "unmapped:" + name;
        };
    }
}
