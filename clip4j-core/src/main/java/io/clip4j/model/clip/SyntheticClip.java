package io.clip4j.model.clip;

import io.clip4j.model.TextConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.tensor.Activation;
import io.clip4j.weights.DType;
import io.clip4j.model.RandomWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a CLIP checkpoint with random weights for any {@link ClipConfig}, in the OpenAI or the HF layout:
 * the weights file plus the config.json that goes with it. Used by benchmarks ("ViT-B/32 shapes,
 * random weights") and by tests that vary the architecture beyond the fixtures.
 */
public final class SyntheticClip {

    private final ClipConfig cfg;
    private final RandomWeights rw;

    private SyntheticClip(ClipConfig cfg, long seed, DType dtype) {
        this.cfg = cfg;
        this.rw = new RandomWeights(seed, dtype);
    }

    /**
     * Writes {@code model.safetensors} (F32 or F16) and {@code config.json} for {@code cfg} into {@code dir}.
     */
    public static void write(ClipConfig cfg, long seed, DType dtype, Path dir) {
        SyntheticClip s = new SyntheticClip(cfg, seed, dtype);
        if (cfg.layout() == ClipConfig.Layout.HF) {
            s.hf();
        } else {
            s.openAi();
        }
        try {
            Files.createDirectories(dir);
            s.rw.write(dir.resolve("model.safetensors"));
            Files.writeString(dir.resolve("config.json"), s.configJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void put(String name, float std, float mean, long... shape) {
        rw.put(name, std, mean, shape);
    }

    private void weight(String name, long... shape) {
        rw.weight(name, shape);
    }

    private void ln(String p, int w) {
        rw.layerNorm(p, w);
    }

    private void bias(String name, int n) {
        rw.bias(name, n);
    }

    private void bn(String p, int c) {
        put(p + ".weight", 0.05f, 1f, c);
        put(p + ".bias", 0.05f, 0f, c);
        put(p + ".running_mean", 0.05f, 0f, c);
        put(p + ".running_var", 0.05f, 1f, c);
    }

    private void openAiBlock(String p, int w, int mlp) {
        weight(p + ".attn.in_proj_weight", 3L * w, w);
        bias(p + ".attn.in_proj_bias", 3 * w);
        weight(p + ".attn.out_proj.weight", w, w);
        bias(p + ".attn.out_proj.bias", w);
        ln(p + ".ln_1", w);
        weight(p + ".mlp.c_fc.weight", mlp, w);
        bias(p + ".mlp.c_fc.bias", mlp);
        weight(p + ".mlp.c_proj.weight", w, mlp);
        bias(p + ".mlp.c_proj.bias", w);
        ln(p + ".ln_2", w);
    }

    private void openAi() {
        ClipConfig.Vision v = cfg.vision();
        TextConfig t = cfg.text();
        int e = cfg.embedDim();
        put("positional_embedding", 0.01f, 0f, t.contextLength(), t.width());
        weight("text_projection", t.width(), e);
        put("logit_scale", 0f, (float) Math.log(1 / 0.07), new long[0]);
        if (v.kind() == ClipConfig.VisionKind.VIT) {
            int w = v.width();
            int grid = v.imageSize() / v.patchSize();
            put("visual.class_embedding", 0.05f, 0f, w);
            put("visual.positional_embedding", 0.01f, 0f, (long) grid * grid + 1, w);
            weight("visual.proj", w, e);
            weight("visual.conv1.weight", w, 3, v.patchSize(), v.patchSize());
            ln("visual.ln_pre", w);
            for (int i = 0; i < v.layers(); i++) {
                openAiBlock("visual.transformer.resblocks." + i, w, v.mlpWidth());
            }
            ln("visual.ln_post", w);
        } else {
            int w = v.width();
            weight("visual.conv1.weight", w / 2, 3, 3, 3);
            bn("visual.bn1", w / 2);
            weight("visual.conv2.weight", w / 2, w / 2, 3, 3);
            bn("visual.bn2", w / 2);
            weight("visual.conv3.weight", w, w / 2, 3, 3);
            bn("visual.bn3", w);
            int inplanes = w;
            int[] counts = v.resnetLayers();
            for (int s = 0; s < 4; s++) {
                int planes = w << s;
                for (int i = 0; i < counts[s]; i++) {
                    String p = "visual.layer" + (s + 1) + "." + i;
                    int stride = (i == 0 && s > 0) ? 2 : 1;
                    weight(p + ".conv1.weight", planes, inplanes, 1, 1);
                    bn(p + ".bn1", planes);
                    weight(p + ".conv2.weight", planes, planes, 3, 3);
                    bn(p + ".bn2", planes);
                    weight(p + ".conv3.weight", planes * 4, planes, 1, 1);
                    bn(p + ".bn3", planes * 4);
                    if (stride > 1 || inplanes != planes * 4) {
                        weight(p + ".downsample.0.weight", planes * 4, inplanes, 1, 1);
                        bn(p + ".downsample.1", planes * 4);
                    }
                    inplanes = planes * 4;
                }
            }
            int c = w * 32;
            int spatial = v.imageSize() / 32;
            put("visual.attnpool.positional_embedding", 0.01f, 0f, (long) spatial * spatial + 1, c);
            for (String n : new String[]{"q_proj", "k_proj", "v_proj"}) {
                weight("visual.attnpool." + n + ".weight", c, c);
                bias("visual.attnpool." + n + ".bias", c);
            }
            weight("visual.attnpool.c_proj.weight", e, c);
            bias("visual.attnpool.c_proj.bias", e);
        }
        for (int i = 0; i < t.layers(); i++) {
            openAiBlock("transformer.resblocks." + i, t.width(), t.mlpWidth());
        }
        put("token_embedding.weight", 0.02f, 0f, t.vocabSize(), t.width());
        ln("ln_final", t.width());
    }

    private void hfBlock(String p, int w, int mlp) {
        for (String n : new String[]{"q_proj", "k_proj", "v_proj", "out_proj"}) {
            weight(p + ".self_attn." + n + ".weight", w, w);
            bias(p + ".self_attn." + n + ".bias", w);
        }
        ln(p + ".layer_norm1", w);
        weight(p + ".mlp.fc1.weight", mlp, w);
        bias(p + ".mlp.fc1.bias", mlp);
        weight(p + ".mlp.fc2.weight", w, mlp);
        bias(p + ".mlp.fc2.bias", w);
        ln(p + ".layer_norm2", w);
    }

    private void hf() {
        ClipConfig.Vision v = cfg.vision();
        TextConfig t = cfg.text();
        if (v.kind() != ClipConfig.VisionKind.VIT) {
            throw new IllegalArgumentException("the HF layout has no ResNet tower");
        }
        int e = cfg.embedDim();
        put("logit_scale", 0f, (float) Math.log(1 / 0.07), new long[0]);
        put("text_model.embeddings.token_embedding.weight", 0.02f, 0f, t.vocabSize(), t.width());
        put("text_model.embeddings.position_embedding.weight", 0.01f, 0f, t.contextLength(), t.width());
        for (int i = 0; i < t.layers(); i++) {
            hfBlock("text_model.encoder.layers." + i, t.width(), t.mlpWidth());
        }
        ln("text_model.final_layer_norm", t.width());
        int w = v.width();
        int grid = v.imageSize() / v.patchSize();
        put("vision_model.embeddings.class_embedding", 0.05f, 0f, w);
        weight("vision_model.embeddings.patch_embedding.weight", w, 3, v.patchSize(), v.patchSize());
        put("vision_model.embeddings.position_embedding.weight", 0.01f, 0f, (long) grid * grid + 1, w);
        ln("vision_model.pre_layrnorm", w);
        for (int i = 0; i < v.layers(); i++) {
            hfBlock("vision_model.encoder.layers." + i, w, v.mlpWidth());
        }
        ln("vision_model.post_layernorm", w);
        weight("visual_projection.weight", e, w);
        weight("text_projection.weight", e, t.width());
    }

    private String configJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ClipConfig.Vision v = cfg.vision();
        TextConfig t = cfg.text();
        if (cfg.layout() == ClipConfig.Layout.OPENAI) {
            root.put("embed_dim", cfg.embedDim());
            root.put("image_resolution", v.imageSize());
            if (v.kind() == ClipConfig.VisionKind.VIT) {
                root.put("vision_layers", v.layers());
                root.put("vision_patch_size", v.patchSize());
            } else {
                var arr = root.putArray("vision_layers");
                for (int c : v.resnetLayers()) {
                    arr.add(c);
                }
                root.putNull("vision_patch_size");
            }
            root.put("vision_width", v.width());
            root.put("context_length", t.contextLength());
            root.put("vocab_size", t.vocabSize());
            root.put("transformer_width", t.width());
            root.put("transformer_heads", t.heads());
            root.put("transformer_layers", t.layers());
            root.put("vision_heads", v.heads());
            root.put("quick_gelu", v.activation() == Activation.QUICK_GELU);
        } else {
            root.putArray("architectures").add("CLIPModel");
            root.put("model_type", "clip");
            root.put("projection_dim", cfg.embedDim());
            ObjectNode tc = root.putObject("text_config");
            tc.put("vocab_size", t.vocabSize());
            tc.put("hidden_size", t.width());
            tc.put("intermediate_size", t.mlpWidth());
            tc.put("num_hidden_layers", t.layers());
            tc.put("num_attention_heads", t.heads());
            tc.put("max_position_embeddings", t.contextLength());
            tc.put("hidden_act", actName(t.activation()));
            tc.put("eos_token_id", t.eosTokenId());
            tc.put("bos_token_id", t.bosTokenId());
            tc.put("projection_dim", cfg.embedDim());
            ObjectNode vc = root.putObject("vision_config");
            vc.put("image_size", v.imageSize());
            vc.put("patch_size", v.patchSize());
            vc.put("hidden_size", v.width());
            vc.put("intermediate_size", v.mlpWidth());
            vc.put("num_hidden_layers", v.layers());
            vc.put("num_attention_heads", v.heads());
            vc.put("hidden_act", actName(v.activation()));
            vc.put("projection_dim", cfg.embedDim());
        }
        return root.toPrettyString();
    }

    private static String actName(Activation a) {
        return switch (a) {
            case QUICK_GELU -> "quick_gelu";
            case GELU -> "gelu";
            case GELU_TANH -> "gelu_pytorch_tanh";
            case RELU -> "relu";
        };
    }
}
