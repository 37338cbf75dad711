package io.clip4j.model.vit;

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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ViT classifiers beyond the fixtures: HF and timm loaders agree on the same weights at other sizes
 * (patch 12, 3 heads, MLP not 4x, 7 labels); DeiT distillation, average pooling with fc_norm, pre_logits and
 * LayerScale checked against their definitions; bad checkpoints refused.
 */
class VitVariantsTest {

    @TempDir
    Path tmp;

    static VitConfig timm(boolean distilled, String pool, boolean fcNorm, int representation) {
        return new VitConfig(VitConfig.Layout.TIMM, 36, 12, 48, 2, 3, 100, Activation.GELU, 1e-6f, true, true,
                distilled, pool, fcNorm, representation, 7, List.of("a", "b", "c", "d", "e", "f", "g"));
    }

    static Tensor pixels(int n, int size) {
        SplittableRandom r = new SplittableRandom(4);
        float[] px = new float[n * 3 * size * size];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextDouble(-1, 1);
        }
        return Tensor.of(px, n, 3, size, size);
    }

    @Test
    void hfAndTimmLoadersAgreeOnTheSameWeights() throws IOException {
        Path t = tmp.resolve("timm");
        SyntheticVit.write(timm(false, "token", false, 0), false, 9, DType.F32, t);
        Path hf = tmp.resolve("hf");
        Files.createDirectories(hf);
        try (SafeTensorsFile in = SafeTensorsFile.open(t.resolve("model.safetensors"))) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (TensorInfo info : in.tensors()) {
                String k = info.name();
                float[] v = in.floats(k);
                long[] s = info.shape();
                if (k.endsWith("attn.qkv.weight") || k.endsWith("attn.qkv.bias")) {
                    String base = "vit.encoder.layer." + k.split("\\.")[1] + ".attention.attention.";
                    int per = v.length / 3;
                    String[] names = {"query", "key", "value"};
                    for (int i = 0; i < 3; i++) {
                        float[] part = Arrays.copyOfRange(v, i * per, (i + 1) * per);
                        if (k.endsWith("weight")) {
                            w.putF32(base + names[i] + ".weight", part, s[0] / 3, s[1]);
                        } else {
                            w.putF32(base + names[i] + ".bias", part, s[0] / 3);
                        }
                    }
                    continue;
                }
                String n = k.replace("cls_token", "vit.embeddings.cls_token")
                        .replace("pos_embed", "vit.embeddings.position_embeddings")
                        .replace("patch_embed.proj", "vit.embeddings.patch_embeddings.projection")
                        .replace("head.", "classifier.");
                if (n.startsWith("norm.")) {
                    n = "vit.layernorm." + n.substring(5);
                }
                if (n.startsWith("blocks.")) {
                    String[] p = n.split("\\.", 3);
                    String rest = p[2].replace("norm1", "layernorm_before").replace("norm2", "layernorm_after")
                            .replace("attn.proj", "attention.output.dense").replace("mlp.fc1", "intermediate.dense")
                            .replace("mlp.fc2", "output.dense");
                    n = "vit.encoder.layer." + p[1] + "." + rest;
                }
                w.putF32(n, v, s);
            }
            w.write(hf.resolve("model.safetensors"));
        }
        Files.writeString(hf.resolve("config.json"), """
                {"model_type": "vit", "image_size": 36, "patch_size": 12, "hidden_size": 48, "num_hidden_layers": 2,
                 "num_attention_heads": 3, "intermediate_size": 100, "hidden_act": "gelu", "layer_norm_eps": 1e-6,
                 "id2label": {"0": "a", "1": "b", "2": "c", "3": "d", "4": "e", "5": "f", "6": "g"}}
                """);
        Tensor px = pixels(3, 36);
        try (VitClassifier a = VitClassifier.load(t); VitClassifier b = VitClassifier.load(hf);
             VitClassifier s = VitClassifier.load(t, null, Kernels.scalar())) {
            Fixtures.assertClose("hf vs timm logits", b.logits(px).data(), a.logits(px).data(), 1e-5);
            Fixtures.assertClose("scalar vs vector", s.logits(px).data(), a.logits(px).data(), 1e-4);
            assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), b.labels());
            assertEquals(7, a.classify(px, 10).getFirst().size());
        }
    }

    /** Reads the named tensors of a checkpoint. */
    static Map<String, float[]> tensors(Path dir) {
        Map<String, float[]> m = new HashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
            for (TensorInfo t : f.tensors()) {
                m.put(t.name(), f.floats(t.name()));
            }
        }
        return m;
    }

    static float[] linear(float[] x, float[] w, float[] b, int in, int out) {
        float[] y = new float[out];
        for (int o = 0; o < out; o++) {
            double s = b[o];
            for (int i = 0; i < in; i++) {
                s += (double) x[i] * w[o * in + i];
            }
            y[o] = (float) s;
        }
        return y;
    }

    static float[] layerNorm(float[] x, float[] g, float[] b, double eps) {
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) ((x[i] - mean) / Math.sqrt(var + eps) * g[i] + b[i]);
        }
        return y;
    }

    @Test
    void deitDistillationAveragesBothHeads() {
        Path dir = tmp.resolve("deit");
        SyntheticVit.write(timm(true, "token", false, 0), false, 3, DType.F32, dir);
        Map<String, float[]> w = tensors(dir);
        Tensor px = pixels(2, 36);
        try (VitClassifier m = VitClassifier.load(dir)) {
            float[][] hidden = new float[1][];
            Tensor logits = m.logits(px, (name, values, shape) -> {
                if (name.equals("vit.norm")) {
                    hidden[0] = values;
                }
            });
            int len = m.backbone().tokens();
            for (int b = 0; b < 2; b++) {
                float[] cls = Arrays.copyOfRange(hidden[0], b * len * 48, b * len * 48 + 48);
                float[] dist = Arrays.copyOfRange(hidden[0], (b * len + 1) * 48, (b * len + 1) * 48 + 48);
                float[] h1 = linear(cls, w.get("head.weight"), w.get("head.bias"), 48, 7);
                float[] h2 = linear(dist, w.get("head_dist.weight"), w.get("head_dist.bias"), 48, 7);
                float[] want = new float[7];
                for (int i = 0; i < 7; i++) {
                    want[i] = (h1[i] + h2[i]) / 2;
                }
                Fixtures.assertClose("deit logits " + b, logits.row(b), want, 1e-5);
            }
        }
    }

    @Test
    void averagePoolingWithFcNormAndPreLogits() {
        Path dir = tmp.resolve("avg");
        SyntheticVit.write(timm(false, "avg", true, 24), false, 5, DType.F32, dir);
        Map<String, float[]> w = tensors(dir);
        Tensor px = pixels(2, 36);
        try (VitClassifier m = VitClassifier.load(dir)) {
            float[][] last = new float[1][];
            Tensor logits = m.logits(px, (name, values, shape) -> {
                if (name.equals("vit.resblocks.1")) {
                    last[0] = values;
                }
            });
            int len = m.backbone().tokens();
            for (int b = 0; b < 2; b++) {
                float[] mean = new float[48];
                for (int t = 1; t < len; t++) {
                    for (int c = 0; c < 48; c++) {
                        mean[c] += last[0][(b * len + t) * 48 + c] / (len - 1);
                    }
                }
                float[] normed = layerNorm(mean, w.get("fc_norm.weight"), w.get("fc_norm.bias"), 1e-6);
                float[] pre = linear(normed, w.get("pre_logits.fc.weight"), w.get("pre_logits.fc.bias"), 48, 24);
                for (int i = 0; i < pre.length; i++) {
                    pre[i] = (float) Math.tanh(pre[i]);
                }
                Fixtures.assertClose("avg/fc_norm/pre_logits " + b, logits.row(b),
                        linear(pre, w.get("head.weight"), w.get("head.bias"), 24, 7), 1e-5);
            }
        }
    }

    @Test
    void layerScaleOfZeroMakesEveryBlockTheIdentity() throws IOException {
        Path dir = tmp.resolve("ls");
        SyntheticVit.write(timm(false, "token", false, 0), true, 6, DType.F32, dir);
        Path zeroed = tmp.resolve("ls0");
        Files.createDirectories(zeroed);
        Files.copy(dir.resolve("config.json"), zeroed.resolve("config.json"));
        try (SafeTensorsFile in = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (TensorInfo t : in.tensors()) {
                float[] v = in.floats(t.name());
                if (t.name().endsWith(".gamma")) {
                    v = new float[v.length];
                }
                w.putF32(t.name(), v, t.shape());
            }
            w.write(zeroed.resolve("model.safetensors"));
        }
        try (VitClassifier m = VitClassifier.load(zeroed); VitClassifier withLs = VitClassifier.load(dir)) {
            Map<String, float[]> trace = new HashMap<>();
            m.logits(pixels(1, 36), (name, values, shape) -> trace.put(name, values));
            Fixtures.assertClose("identity blocks", trace.get("vit.resblocks.1"), trace.get("vit.embeddings"), 0);
            Map<String, float[]> trace2 = new HashMap<>();
            withLs.logits(pixels(1, 36), (name, values, shape) -> trace2.put(name, values));
            assertTrue(Fixtures.relErr(trace2.get("vit.resblocks.1"), trace2.get("vit.embeddings")) > 1e-3,
                    "non-zero LayerScale must change the hidden states");
        }
    }

    @Test
    void aCheckpointWithoutAHeadIsNotAClassifier() throws IOException {
        Path src = Fixtures.fixture("vit-hf-tiny");
        Path dir = tmp.resolve("nohead");
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        try (SafeTensorsFile in = SafeTensorsFile.open(src.resolve("model.safetensors"))) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (TensorInfo t : in.tensors()) {
                if (!t.name().startsWith("classifier.")) {
                    w.putF32(t.name(), in.floats(t.name()), t.shape());
                }
            }
            w.write(dir.resolve("model.safetensors"));
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> VitClassifier.load(dir).close());
        assertTrue(e.getMessage().contains("no classification head"), e.getMessage());
    }

    @Test
    void unknownHiddenActIsRefused() throws IOException {
        Path src = Fixtures.fixture("vit-hf-tiny");
        Path dir = tmp.resolve("act");
        Files.createDirectories(dir);
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), Files.readString(src.resolve("config.json"))
                .replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"swiglu_x\""));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> VitClassifier.load(dir).close());
        assertTrue(e.getMessage().contains("swiglu_x"), e.getMessage());
    }
}
