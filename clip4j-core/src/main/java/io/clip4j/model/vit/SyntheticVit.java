package io.clip4j.model.vit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.model.RandomWeights;
import io.clip4j.tensor.Activation;
import io.clip4j.weights.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a ViT classifier checkpoint with random weights in the HF ({@code ViTForImageClassification}) or
 * timm layout, with its config.json: for benchmarks and for tests beyond the fixtures (DeiT distillation,
 * average pooling, pre_logits, LayerScale).
 */
public final class SyntheticVit {

    private SyntheticVit() {
    }

    /** ViT-B/16 at 224 with 1000 classes (HF layout). */
    public static VitConfig base16() {
        return new VitConfig(VitConfig.Layout.HF, 224, 16, 768, 12, 12, 3072, Activation.GELU, 1e-12f, true, true,
                false, "token", false, 0, 1000, List.of());
    }

    /**
     * @param layerScale timm only: add {@code ls1.gamma}/{@code ls2.gamma} to every block
     */
    public static void write(VitConfig c, boolean layerScale, long seed, DType dtype, Path dir) {
        RandomWeights rw = new RandomWeights(seed, dtype);
        int w = c.width();
        int grid = c.imageSize() / c.patchSize();
        int prefix = (c.classToken() ? 1 : 0) + (c.distilled() ? 1 : 0);
        int feat = c.representation() > 0 ? c.representation() : w;
        if (c.layout() == VitConfig.Layout.HF) {
            if (c.distilled() || c.fcNorm() || c.representation() > 0 || layerScale || !c.globalPool().equals("token")) {
                throw new IllegalArgumentException("the HF ViT layout has only the class-token head");
            }
            rw.put("vit.embeddings.cls_token", 0.02f, 0f, 1, 1, w);
            rw.put("vit.embeddings.position_embeddings", 0.02f, 0f, 1, (long) grid * grid + 1, w);
            rw.weight("vit.embeddings.patch_embeddings.projection.weight", w, 3, c.patchSize(), c.patchSize());
            rw.bias("vit.embeddings.patch_embeddings.projection.bias", w);
            for (int i = 0; i < c.layers(); i++) {
                String p = "vit.encoder.layer." + i;
                for (String n : new String[]{"query", "key", "value"}) {
                    rw.linear(p + ".attention.attention." + n, w, w, c.qkvBias());
                }
                rw.linear(p + ".attention.output.dense", w, w, true);
                rw.linear(p + ".intermediate.dense", w, c.mlpWidth(), true);
                rw.linear(p + ".output.dense", c.mlpWidth(), w, true);
                rw.layerNorm(p + ".layernorm_before", w);
                rw.layerNorm(p + ".layernorm_after", w);
            }
            rw.layerNorm("vit.layernorm", w);
            rw.linear("classifier", w, c.numClasses(), true);
        } else {
            if (c.classToken()) {
                rw.put("cls_token", 0.02f, 0f, 1, 1, w);
            }
            if (c.distilled()) {
                rw.put("dist_token", 0.02f, 0f, 1, 1, w);
            }
            rw.put("pos_embed", 0.02f, 0f, 1, (long) grid * grid + prefix, w);
            rw.weight("patch_embed.proj.weight", w, 3, c.patchSize(), c.patchSize());
            rw.bias("patch_embed.proj.bias", w);
            for (int i = 0; i < c.layers(); i++) {
                String p = "blocks." + i;
                rw.layerNorm(p + ".norm1", w);
                rw.weight(p + ".attn.qkv.weight", 3L * w, w);
                if (c.qkvBias()) {
                    rw.bias(p + ".attn.qkv.bias", 3 * w);
                }
                rw.linear(p + ".attn.proj", w, w, true);
                rw.layerNorm(p + ".norm2", w);
                rw.linear(p + ".mlp.fc1", w, c.mlpWidth(), true);
                rw.linear(p + ".mlp.fc2", c.mlpWidth(), w, true);
                if (layerScale) {
                    rw.put(p + ".ls1.gamma", 0.1f, 0.5f, w);
                    rw.put(p + ".ls2.gamma", 0.1f, 0.5f, w);
                }
            }
            rw.layerNorm(c.fcNorm() ? "fc_norm" : "norm", w);
            if (c.representation() > 0) {
                rw.linear("pre_logits.fc", w, c.representation(), true);
            }
            rw.linear("head", feat, c.numClasses(), true);
            if (c.distilled()) {
                rw.linear("head_dist", feat, c.numClasses(), true);
            }
        }
        try {
            Files.createDirectories(dir);
            rw.write(dir.resolve("model.safetensors"));
            Files.writeString(dir.resolve("config.json"), config(c).toPrettyString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode config(VitConfig c) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        List<String> labels = new ArrayList<>(c.labels());
        for (int i = labels.size(); i < c.numClasses(); i++) {
            labels.add("class_" + i);
        }
        if (c.layout() == VitConfig.Layout.HF) {
            root.put("model_type", "vit");
            root.putArray("architectures").add("ViTForImageClassification");
            root.put("image_size", c.imageSize());
            root.put("patch_size", c.patchSize());
            root.put("hidden_size", c.width());
            root.put("num_hidden_layers", c.layers());
            root.put("num_attention_heads", c.heads());
            root.put("intermediate_size", c.mlpWidth());
            root.put("hidden_act", c.activation() == Activation.GELU ? "gelu" : c.activation().name().toLowerCase());
            root.put("layer_norm_eps", c.layerNormEps());
            root.put("qkv_bias", c.qkvBias());
            ObjectNode id2label = root.putObject("id2label");
            for (int i = 0; i < labels.size(); i++) {
                id2label.put(Integer.toString(i), labels.get(i));
            }
        } else {
            root.put("architecture", c.distilled() ? "deit_base_distilled_patch16_224" : "vit_base_patch16_224");
            root.put("num_classes", c.numClasses());
            root.put("global_pool", c.globalPool());
            var names = root.putArray("label_names");
            labels.forEach(names::add);
            ObjectNode args = root.putObject("model_args");
            args.put("img_size", c.imageSize());
            args.put("patch_size", c.patchSize());
            args.put("embed_dim", c.width());
            args.put("depth", c.layers());
            args.put("num_heads", c.heads());
            args.put("mlp_ratio", (double) c.mlpWidth() / c.width());
            args.put("qkv_bias", c.qkvBias());
            args.put("num_classes", c.numClasses());
            args.put("global_pool", c.globalPool());
            args.put("fc_norm", c.fcNorm());
            if (c.representation() > 0) {
                args.put("representation_size", c.representation());
            }
            ObjectNode pre = root.putObject("pretrained_cfg");
            pre.putArray("input_size").add(3).add(c.imageSize()).add(c.imageSize());
            pre.put("interpolation", "bicubic");
            pre.put("crop_pct", 0.9);
        }
        return root;
    }
}
