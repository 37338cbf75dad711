package io.clip4j.model.clip;

import io.clip4j.model.TextConfig;
import io.clip4j.model.TokenBatch;
import io.clip4j.tensor.Activation;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Ops;
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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Architectures the fixtures do not show: other patch sizes, resolutions, head and layer counts, MLP
 * widths, vocabularies, ResNet stage depths and dtypes; plus the HF loader checked against the OpenAI
 * golden through a layout conversion, and clear errors for mismatched checkpoints.
 */
class ClipVariantsTest {

    @TempDir
    Path tmp;

    static TextConfig text(int vocab, int ctx, int width, int layers, int heads, int mlp, Activation act) {
        return new TextConfig(vocab, ctx, width, layers, heads, mlp, act, 1e-5f, TextConfig.Pooling.ARGMAX,
                vocab - 1, vocab - 2, false, true);
    }

    static ClipConfig vit(int embed, int image, int width, int layers, int patch, int heads, int mlp, Activation act,
                          TextConfig t, ClipConfig.Layout layout) {
        return new ClipConfig(embed, new ClipConfig.Vision(ClipConfig.VisionKind.VIT, image, width, layers, null, patch,
                heads, mlp, act, 1e-5f), t, layout);
    }

    static ClipConfig resnet(int embed, int image, int width, int[] stages, int heads, TextConfig t) {
        return new ClipConfig(embed, new ClipConfig.Vision(ClipConfig.VisionKind.RESNET, image, width, 0, stages, 0,
                heads, 0, Activation.QUICK_GELU, 1e-5f), t, ClipConfig.Layout.OPENAI);
    }

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("vit patch 7, 3 heads, odd mlp", vit(24, 28, 48, 3, 7, 3, 100, Activation.QUICK_GELU,
                        text(300, 20, 36, 1, 3, 50, Activation.QUICK_GELU), ClipConfig.Layout.OPENAI)),
                Arguments.of("vit patch 14, gelu, 1 layer", vit(16, 42, 32, 1, 14, 4, 64, Activation.GELU,
                        text(500, 16, 32, 3, 2, 128, Activation.GELU), ClipConfig.Layout.OPENAI)),
                Arguments.of("vit patch 16 at 48px", vit(8, 48, 40, 2, 16, 5, 96, Activation.QUICK_GELU,
                        text(64, 77, 20, 2, 5, 80, Activation.QUICK_GELU), ClipConfig.Layout.OPENAI)),
                Arguments.of("hf vit patch 12, gelu", vit(12, 36, 24, 2, 12, 2, 40, Activation.GELU,
                        text(128, 24, 16, 2, 4, 24, Activation.GELU), ClipConfig.Layout.HF)),
                Arguments.of("resnet [1,1,1,1] at 32px", resnet(16, 32, 8, new int[]{1, 1, 1, 1}, 2,
                        text(100, 12, 16, 1, 1, 64, Activation.QUICK_GELU))),
                Arguments.of("resnet [2,1,3,1] at 96px, 16 wide", resnet(24, 96, 16, new int[]{2, 1, 3, 1}, 8,
                        text(100, 30, 24, 2, 3, 96, Activation.QUICK_GELU))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void buildsRunsAndAgreesAcrossDtypesAndKernels(String name, ClipConfig cfg) throws IOException {
        Path f32 = tmp.resolve("f32");
        Path f16 = tmp.resolve("f16");
        SyntheticClip.write(cfg, 7, DType.F32, f32);
        SyntheticClip.write(cfg, 7, DType.F16, f16);
        SplittableRandom r = new SplittableRandom(3);
        int s = cfg.vision().imageSize();
        int n = 3;
        float[] px = new float[n * 3 * s * s];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextDouble(-2, 2);
        }
        int ctx = cfg.text().contextLength();
        int b = 4;
        long[] ids = new long[b * ctx];
        int[] eot = {ctx - 1, 1, ctx / 2, 3};
        for (int row = 0; row < b; row++) {
            for (int t = 0; t < eot[row]; t++) {
                ids[row * ctx + t] = r.nextInt(cfg.text().vocabSize() - 1);
            }
            ids[row * ctx + eot[row]] = cfg.text().vocabSize() - 1; // the largest id: EOT
        }
        TokenBatch tokens = new TokenBatch(ids, null, b, ctx);
        long[] mask = new long[b * ctx];
        for (int row = 0; row < b; row++) {
            for (int t = 0; t <= eot[row]; t++) {
                mask[row * ctx + t] = 1;
            }
        }
        TokenBatch masked = new TokenBatch(ids, mask, b, ctx);
        Tensor img32;
        Tensor txt32;
        try (ClipModel m = ClipModel.load(f32)) {
            ClipConfig got = m.config();
            assertEquals(cfg.vision(), got.vision(), "derived vision config");
            assertEquals(cfg.embedDim(), got.embedDim());
            assertEquals(cfg.text().width(), got.text().width());
            assertEquals(cfg.text().layers(), got.text().layers());
            assertEquals(cfg.text().heads(), got.text().heads());
            assertEquals(cfg.text().mlpWidth(), got.text().mlpWidth());
            img32 = m.encodeImage(Tensor.of(px, n, 3, s, s));
            txt32 = m.encodeText(cfg.layout() == ClipConfig.Layout.HF ? masked : tokens);
            assertArrayEquals(new int[]{n, cfg.embedDim()}, img32.shape());
            assertArrayEquals(new int[]{b, cfg.embedDim()}, txt32.shape());
            for (float v : img32.data()) {
                assertTrue(Float.isFinite(v));
            }
            // The EOT cut gives the same features as computing every position.
            float[] full = m.text().withTruncateAfterEot(false).forward(m.ops(), ids,
                    cfg.layout() == ClipConfig.Layout.HF ? mask : null, b, ctx, io.clip4j.nn.Trace.NONE);
            Fixtures.assertClose(name + " eot cut", txt32.data(), full, 1e-6);
            // Batch of one equals the row of the batch.
            Tensor one = m.encodeImage(Tensor.of(Arrays.copyOfRange(px, 3 * s * s, 2 * 3 * s * s), 1, 3, s, s));
            Fixtures.assertClose(name + " batch independence", one.data(), img32.row(1), 1e-5);
        }
        try (ClipModel m = ClipModel.load(f32, null, Kernels.scalar())) {
            Fixtures.assertClose(name + " scalar image", m.encodeImage(Tensor.of(px, n, 3, s, s)).data(), img32.data(), 1e-4);
            Fixtures.assertClose(name + " scalar text",
                    m.encodeText(cfg.layout() == ClipConfig.Layout.HF ? masked : tokens).data(), txt32.data(), 1e-4);
        }
        try (ClipModel m = ClipModel.load(f16)) {
            Fixtures.assertClose(name + " f16 image", m.encodeImage(Tensor.of(px, n, 3, s, s)).data(), img32.data(), 2e-2);
            Fixtures.assertClose(name + " f16 text",
                    m.encodeText(cfg.layout() == ClipConfig.Layout.HF ? masked : tokens).data(), txt32.data(), 2e-2);
        }
    }

    /**
     * The OpenAI ViT fixture rewritten in the HF layout (separate q/k/v, transposed projections, renamed
     * keys, a legacy config with eos_token_id 2 and a position_ids buffer) must reproduce the OpenAI golden.
     */
    @Test
    void hfLayoutOfTheOpenAiFixtureReproducesItsGolden() throws IOException {
        Path src = Fixtures.fixture("clip-vit-openai-tiny");
        Path dir = tmp.resolve("hf");
        Files.createDirectories(dir);
        try (SafeTensorsFile in = SafeTensorsFile.open(src.resolve("model.safetensors"))) {
            convertToHf(in, dir.resolve("model.safetensors"));
        }
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 32,
                 "text_config": {"hidden_size": 64, "intermediate_size": 256, "num_attention_heads": 1,
                                 "num_hidden_layers": 2, "eos_token_id": 2, "bos_token_id": 0, "pad_token_id": 1},
                 "vision_config": {"hidden_size": 128, "intermediate_size": 512, "num_attention_heads": 2,
                                   "num_hidden_layers": 2, "image_size": 32, "patch_size": 8}}
                """);
        try (SafeTensorsFile golden = SafeTensorsFile.open(src.resolve("golden.safetensors"));
             ClipModel m = ClipModel.load(dir)) {
            assertEquals(ClipConfig.Layout.HF, m.config().layout());
            assertEquals(TextConfig.Pooling.ARGMAX, m.config().text().pooling());
            Tensor img = m.encodeImage(Tensor.of(golden.floats("pixel_values"), 5, 3, 32, 32));
            Fixtures.assertClose("image_features", img.data(), golden.floats("image_features"), 1e-4);
            Tensor txt = m.encodeText(new TokenBatch(golden.longs("input_ids"), null, 4, 77));
            Fixtures.assertClose("text_features", txt.data(), golden.floats("text_features"), 1e-4);
            Tensor logits = m.logitsPerImage(ClipModel.normalize(img), ClipModel.normalize(txt));
            Fixtures.assertClose("logits", logits.data(), golden.floats("logits_per_image"), 1e-4);
        }
    }

    static void convertToHf(SafeTensorsFile in, Path out) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (TensorInfo t : in.tensors()) {
            String k = t.name();
            float[] v = in.floats(k);
            long[] shape = t.shape();
            String hf;
            if (k.startsWith("visual.")) {
                hf = k.replace("visual.transformer.resblocks.", "vision_model.encoder.layers.")
                        .replace("visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight")
                        .replace("visual.class_embedding", "vision_model.embeddings.class_embedding")
                        .replace("visual.positional_embedding", "vision_model.embeddings.position_embedding.weight")
                        .replace("visual.ln_pre", "vision_model.pre_layrnorm")
                        .replace("visual.ln_post", "vision_model.post_layernorm");
                if (k.equals("visual.proj")) {
                    w.putF32("visual_projection.weight", Ops.transpose(v, 0, (int) shape[0], (int) shape[1]), shape[1], shape[0]);
                    continue;
                }
            } else {
                hf = k.replace("transformer.resblocks.", "text_model.encoder.layers.")
                        .replace("token_embedding.weight", "text_model.embeddings.token_embedding.weight")
                        .replace("positional_embedding", "text_model.embeddings.position_embedding.weight")
                        .replace("ln_final", "text_model.final_layer_norm");
                if (k.equals("text_projection")) {
                    w.putF32("text_projection.weight", Ops.transpose(v, 0, (int) shape[0], (int) shape[1]), shape[1], shape[0]);
                    continue;
                }
            }
            hf = hf.replace(".ln_1.", ".layer_norm1.").replace(".ln_2.", ".layer_norm2.")
                    .replace(".mlp.c_fc.", ".mlp.fc1.").replace(".mlp.c_proj.", ".mlp.fc2.")
                    .replace(".attn.out_proj.", ".self_attn.out_proj.");
            if (hf.endsWith(".attn.in_proj_weight") || hf.endsWith(".attn.in_proj_bias")) {
                boolean weight = hf.endsWith("weight");
                String base = hf.substring(0, hf.indexOf(".attn.")) + ".self_attn.";
                int d = (int) shape[0] / 3;
                int per = v.length / 3;
                String[] names = {"q_proj", "k_proj", "v_proj"};
                for (int i = 0; i < 3; i++) {
                    float[] part = Arrays.copyOfRange(v, i * per, (i + 1) * per);
                    if (weight) {
                        w.putF32(base + names[i] + ".weight", part, d, shape[1]);
                    } else {
                        w.putF32(base + names[i] + ".bias", part, d);
                    }
                }
                continue;
            }
            w.putF32(hf, v, shape);
        }
        long[] pos = new long[77];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = i;
        }
        w.putI64("text_model.embeddings.position_ids", pos, 1, 77); // legacy buffer, must be ignored
        w.write(out);
    }

    @Test
    void missingTensorIsAnErrorNamingTheKeyAndShape() throws IOException {
        Path dir = copyWithout("visual.ln_post.bias");
        try (ClipModel m = ClipModel.load(dir)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, m::visual);
            assertTrue(e.getMessage().contains("visual.ln_post.bias") && e.getMessage().contains("[128]"), e.getMessage());
        }
    }

    @Test
    void wrongShapeIsAnErrorNamingFoundAndExpected() throws IOException {
        Path src = Fixtures.fixture("clip-vit-openai-tiny");
        Path dir = tmp.resolve("bad-shape");
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        try (SafeTensorsFile in = SafeTensorsFile.open(src.resolve("model.safetensors"))) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (TensorInfo t : in.tensors()) {
                if (t.name().equals("visual.ln_pre.weight")) {
                    w.putF32(t.name(), new float[64], 64);
                } else {
                    w.putRaw(t.name(), t.dtype(), t.shape(), in.bytes(t.name()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
            w.write(dir.resolve("model.safetensors"));
        }
        try (ClipModel m = ClipModel.load(dir)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, m::visual);
            assertTrue(e.getMessage().contains("visual.ln_pre.weight") && e.getMessage().contains("[64]")
                    && e.getMessage().contains("[128]"), e.getMessage());
        }
    }

    @Test
    void configThatDisagreesWithTheWeightsIsRefused() throws IOException {
        Path dir = copyWithout(null);
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"vision_layers\": 2", "\"vision_layers\": 3"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir).close());
        assertTrue(e.getMessage().contains("vision_layers = 3") && e.getMessage().contains("2"), e.getMessage());
    }

    @Test
    void unknownHiddenActIsRefused() throws IOException {
        Path src = Fixtures.fixture("clip-vit-hf-tiny");
        Path dir = tmp.resolve("hf-act");
        Files.createDirectories(dir);
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), Files.readString(src.resolve("config.json"))
                .replace("\"hidden_size\": 64,", "\"hidden_size\": 64, \"hidden_act\": \"swish_v9\","));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir).close());
        assertTrue(e.getMessage().contains("swish_v9"), e.getMessage());
    }

    @Test
    void hfConfigWithFewerLayersThanTheCheckpointIsRefused() throws IOException {
        Path src = Fixtures.fixture("clip-vit-hf-tiny");
        Path dir = tmp.resolve("hf-layers");
        Files.createDirectories(dir);
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        String cfg = Files.readString(src.resolve("config.json"));
        int v = cfg.indexOf("\"vision_config\"");
        cfg = cfg.substring(0, v) + cfg.substring(v).replaceFirst("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1");
        Files.writeString(dir.resolve("config.json"), cfg);
        try (ClipModel m = ClipModel.load(dir)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, m::visual);
            assertTrue(e.getMessage().contains("not used"), e.getMessage());
        }
    }

    @Test
    void severalWeightFilesWithoutAPreferredOneIsAnErrorListingThem() throws IOException {
        Path src = Fixtures.fixture("clip-vit-openai-tiny");
        Path dir = tmp.resolve("several");
        Files.createDirectories(dir);
        Files.copy(src.resolve("model-fp16.safetensors"), dir.resolve("a.safetensors"));
        Files.copy(src.resolve("model.pt"), dir.resolve("b.pt"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir).close());
        assertTrue(e.getMessage().contains("a.safetensors") && e.getMessage().contains("b.pt"), e.getMessage());
        try (ClipModel m = ClipModel.load(dir, "a.safetensors", Kernels.get())) {
            assertEquals(32, m.config().embedDim());
        }
    }

    private Path copyWithout(String key) throws IOException {
        Path src = Fixtures.fixture("clip-vit-openai-tiny");
        Path dir = tmp.resolve("copy-" + (key == null ? "all" : key));
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        try (SafeTensorsFile in = SafeTensorsFile.open(src.resolve("model-fp16.safetensors"))) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (TensorInfo t : in.tensors()) {
                if (!t.name().equals(key)) {
                    w.putRaw(t.name(), t.dtype(), t.shape(), in.bytes(t.name()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
            w.write(dir.resolve("model.safetensors"));
        }
        return dir;
    }
}
