package io.clip4j.model.siglip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.model.RandomWeights;
import io.clip4j.model.TextConfig;
import io.clip4j.tensor.Activation;
import io.clip4j.weights.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an HF SigLIP checkpoint with random weights ({@code SiglipModel}, or {@code SiglipVisionModel} when
 * {@code text} is null): {@code model.safetensors} and {@code config.json}.
 */
public final class SyntheticSiglip {

    private SyntheticSiglip() {
    }

    /** SigLIP B/16 at 224: width 768, 12 layers, 12 heads, MLP 3072; text 64 tokens, 32000 vocabulary. */
    public static SiglipVisionConfig base16Vision() {
        return new SiglipVisionConfig(224, 16, 768, 12, 12, 3072, Activation.GELU_TANH, 1e-6f, true);
    }

    public static TextConfig base16Text() {
        return new TextConfig(32000, 64, 768, 12, 12, 3072, Activation.GELU_TANH, 1e-6f, TextConfig.Pooling.LAST,
                1, 0, false, false);
    }

    public static void write(SiglipVisionConfig v, TextConfig text, long seed, DType dtype, Path dir) {
        RandomWeights rw = new RandomWeights(seed, dtype);
        int w = v.width();
        int grid = v.imageSize() / v.patchSize();
        String vm = "vision_model.";
        rw.weight(vm + "embeddings.patch_embedding.weight", w, 3, v.patchSize(), v.patchSize());
        rw.bias(vm + "embeddings.patch_embedding.bias", w);
        rw.put(vm + "embeddings.position_embedding.weight", 0.02f, 0f, (long) grid * grid, w);
        for (int i = 0; i < v.layers(); i++) {
            encoderLayer(rw, vm + "encoder.layers." + i, w, v.mlpWidth());
        }
        rw.layerNorm(vm + "post_layernorm", w);
        if (v.useHead()) {
            rw.put(vm + "head.probe", 0.5f, 0f, 1, 1, w);
            rw.weight(vm + "head.attention.in_proj_weight", 3L * w, w);
            rw.bias(vm + "head.attention.in_proj_bias", 3 * w);
            rw.linear(vm + "head.attention.out_proj", w, w, true);
            rw.layerNorm(vm + "head.layernorm", w);
            rw.linear(vm + "head.mlp.fc1", w, v.mlpWidth(), true);
            rw.linear(vm + "head.mlp.fc2", v.mlpWidth(), w, true);
        }
        if (text != null) {
            String tm = "text_model.";
            int tw = text.width();
            rw.put(tm + "embeddings.token_embedding.weight", 0.02f, 0f, text.vocabSize(), tw);
            rw.put(tm + "embeddings.position_embedding.weight", 0.02f, 0f, text.contextLength(), tw);
            for (int i = 0; i < text.layers(); i++) {
                encoderLayer(rw, tm + "encoder.layers." + i, tw, text.mlpWidth());
            }
            rw.layerNorm(tm + "final_layer_norm", tw);
            rw.linear(tm + "head", tw, tw, true);
            rw.put("logit_scale", 0f, (float) Math.log(10), 1);
            rw.put("logit_bias", 0f, -10f, 1);
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode vc = json.createObjectNode();
        vc.put("image_size", v.imageSize());
        vc.put("patch_size", v.patchSize());
        vc.put("hidden_size", w);
        vc.put("intermediate_size", v.mlpWidth());
        vc.put("num_hidden_layers", v.layers());
        vc.put("num_attention_heads", v.heads());
        vc.put("hidden_act", act(v.activation()));
        vc.put("layer_norm_eps", v.layerNormEps());
        vc.put("vision_use_head", v.useHead());
        ObjectNode root;
        if (text == null) {
            root = vc;
            root.put("model_type", "siglip_vision_model");
            root.putArray("architectures").add("SiglipVisionModel");
        } else {
            root = json.createObjectNode();
            root.put("model_type", "siglip");
            root.putArray("architectures").add("SiglipModel");
            vc.put("model_type", "siglip_vision_model");
            root.set("vision_config", vc);
            ObjectNode tc = root.putObject("text_config");
            tc.put("model_type", "siglip_text_model");
            tc.put("vocab_size", text.vocabSize());
            tc.put("max_position_embeddings", text.contextLength());
            tc.put("hidden_size", text.width());
            tc.put("intermediate_size", text.mlpWidth());
            tc.put("num_hidden_layers", text.layers());
            tc.put("num_attention_heads", text.heads());
            tc.put("hidden_act", act(text.activation()));
            tc.put("layer_norm_eps", text.layerNormEps());
        }
        try {
            Files.createDirectories(dir);
            rw.write(dir.resolve("model.safetensors"));
            Files.writeString(dir.resolve("config.json"), root.toPrettyString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void encoderLayer(RandomWeights rw, String p, int w, int mlp) {
        for (String n : new String[]{"q_proj", "k_proj", "v_proj", "out_proj"}) {
            rw.linear(p + ".self_attn." + n, w, w, true);
        }
        rw.layerNorm(p + ".layer_norm1", w);
        rw.linear(p + ".mlp.fc1", w, mlp, true);
        rw.linear(p + ".mlp.fc2", mlp, w, true);
        rw.layerNorm(p + ".layer_norm2", w);
    }

    static String act(Activation a) {
        return switch (a) {
            case QUICK_GELU -> "quick_gelu";
            case GELU -> "gelu";
            case GELU_TANH -> "gelu_pytorch_tanh";
            case RELU -> "relu";
        };
    }
}
