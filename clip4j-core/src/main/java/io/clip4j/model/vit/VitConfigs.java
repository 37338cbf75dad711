package io.clip4j.model.vit;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.tensor.Activation;
import io.clip4j.weights.ModelFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads HF {@code ViTConfig} and timm configs into {@link VitConfig}. */
final class VitConfigs {

    /** timm's named widths: embed_dim, depth, num_heads. */
    private static final Map<String, int[]> TIMM_SIZES = Map.of(
            "tiny", new int[]{192, 12, 3}, "small", new int[]{384, 12, 6}, "base", new int[]{768, 12, 12},
            "medium", new int[]{512, 12, 8}, "large", new int[]{1024, 24, 16}, "huge", new int[]{1280, 32, 16},
            "giant", new int[]{1408, 40, 16});

    private static final Pattern TIMM_NAME = Pattern.compile(
            "(vit|deit|deit3)_(tiny|small|base|medium|large|huge|giant)(_distilled)?_patch(\\d+)_(\\d+)(.*)");

    private VitConfigs() {
    }

    static VitConfig hf(JsonNode c, Path path) {
        int numLabels;
        List<String> labels = new ArrayList<>();
        JsonNode id2label = c.path("id2label");
        if (id2label.isObject() && id2label.size() > 0) {
            numLabels = id2label.size();
            for (int i = 0; i < numLabels; i++) {
                JsonNode l = id2label.get(Integer.toString(i));
                if (l == null) {
                    throw new ModelFormatException(path + ": id2label has no entry for class " + i);
                }
                labels.add(l.asText());
            }
        } else {
            numLabels = c.path("num_labels").asInt(2);
        }
        int width = c.path("hidden_size").asInt(768);
        int heads = c.path("num_attention_heads").asInt(12);
        check(width, heads, path);
        return new VitConfig(VitConfig.Layout.HF, c.path("image_size").asInt(224), c.path("patch_size").asInt(16),
                width, c.path("num_hidden_layers").asInt(12), heads, c.path("intermediate_size").asInt(3072),
                activation(c.path("hidden_act").asText("gelu"), path), (float) c.path("layer_norm_eps").asDouble(1e-12),
                c.path("qkv_bias").asBoolean(true), true, false, "token", false, 0, numLabels, labels);
    }

    static VitConfig timm(JsonNode c, Path path) {
        String arch = c.path("architecture").asText("");
        JsonNode args = c.path("model_args");
        int width = 768;
        int depth = 12;
        int heads = 12;
        int patch = 16;
        int image = 224;
        boolean distilled = false;
        Matcher m = TIMM_NAME.matcher(arch.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            int[] size = TIMM_SIZES.get(m.group(2));
            width = size[0];
            depth = size[1];
            heads = size[2];
            distilled = m.group(3) != null;
            patch = Integer.parseInt(m.group(4));
            image = Integer.parseInt(m.group(5));
        } else if (!args.has("embed_dim")) {
            throw new ModelFormatException(path + ": unknown timm architecture '" + arch
                    + "' and no model_args.embed_dim (supported: vit_*/deit_* VisionTransformer variants)");
        }
        for (String unsupported : new String[]{"qk_norm", "no_embed_class", "reg_tokens", "pre_norm", "dynamic_img_size",
                "class_token"}) {
            JsonNode v = args.get(unsupported);
            boolean harmless = v == null || v.isNull()
                    || (unsupported.equals("class_token") && v.asBoolean(true))
                    || (!unsupported.equals("class_token") && !unsupported.equals("reg_tokens") && !v.asBoolean(false))
                    || (unsupported.equals("reg_tokens") && v.asInt(0) == 0);
            if (!harmless) {
                throw new ModelFormatException(path + ": timm option " + unsupported + " = " + v + " is not supported");
            }
        }
        width = args.path("embed_dim").asInt(width);
        depth = args.path("depth").asInt(depth);
        heads = args.path("num_heads").asInt(heads);
        patch = args.path("patch_size").asInt(patch);
        JsonNode img = args.path("img_size");
        image = img.isArray() ? img.get(0).asInt() : img.asInt(image);
        if (img.isArray() && img.size() == 2 && img.get(0).asInt() != img.get(1).asInt()) {
            throw new ModelFormatException(path + ": non-square img_size " + img + " is not supported");
        }
        double mlpRatio = args.path("mlp_ratio").asDouble(4.0);
        String pool = args.has("global_pool") ? args.get("global_pool").asText() : c.path("global_pool").asText("token");
        if (!pool.equals("token") && !pool.equals("avg")) {
            throw new ModelFormatException(path + ": timm global_pool '" + pool + "' is not supported (token or avg)");
        }
        boolean fcNorm = args.has("fc_norm") && !args.get("fc_norm").isNull()
                ? args.get("fc_norm").asBoolean() : pool.equals("avg");
        int numClasses = args.has("num_classes") ? args.get("num_classes").asInt() : c.path("num_classes").asInt(1000);
        List<String> labels = new ArrayList<>();
        for (JsonNode l : c.path("label_names")) {
            labels.add(l.asText());
        }
        if (!labels.isEmpty() && labels.size() != numClasses) {
            throw new ModelFormatException(path + ": " + labels.size() + " label_names for " + numClasses + " classes");
        }
        check(width, heads, path);
        return new VitConfig(VitConfig.Layout.TIMM, image, patch, width, depth, heads, (int) Math.round(width * mlpRatio),
                Activation.GELU, (float) args.path("norm_eps").asDouble(1e-6), args.path("qkv_bias").asBoolean(true),
                true, args.path("distilled").asBoolean(distilled), pool, fcNorm,
                args.path("representation_size").asInt(0), numClasses, labels);
    }

    private static Activation activation(String name, Path path) {
        try {
            return Activation.fromConfigName(name);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(path + ": hidden_act: " + e.getMessage());
        }
    }

    private static void check(int width, int heads, Path path) {
        if (heads <= 0 || width % heads != 0) {
            throw new ModelFormatException(path + ": width " + width + " is not divisible into " + heads + " attention heads");
        }
    }
}
