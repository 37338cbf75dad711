package io.clip4j.model.clip;

import io.clip4j.model.TextConfig;
import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Activation;
import io.clip4j.weights.ModelFormatException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * The OpenAI/open_clip hyper-parameters, derived from the state dict as {@code clip.build_model} does and
 * cross-checked against a config file when there is one.
 */
final class OpenAiConfig {

    /** open_clip options that change the architecture in ways this implementation does not have. */
    private static final Set<String> UNSUPPORTED_VISION = Set.of("ls_init_value", "attentional_pool", "no_ln_pre",
            "final_ln_after_pool", "timm_model_name", "input_patchnorm", "attn_pooler_queries", "pos_embed_type");
    private static final Set<String> UNSUPPORTED_TEXT = Set.of("ls_init_value", "hf_model_name", "embed_cls",
            "final_ln_after_pool", "no_causal_mask");

    private OpenAiConfig() {
    }

    static ClipConfig derive(WeightSource ws, JsonNode plain, Path plainPath, JsonNode openClip, Path openClipPath) {
        String file = String.valueOf(ws.file().path().getFileName());
        long[] textProj = ws.requireShape("text_projection");
        long[] tokEmb = ws.requireShape("token_embedding.weight");
        long[] posEmb = ws.requireShape("positional_embedding");
        long[] lnFinal = ws.requireShape("ln_final.weight");
        int embedDim = (int) textProj[1];
        int contextLength = (int) posEmb[0];
        int vocab = (int) tokEmb[0];
        int textWidth = (int) lnFinal[0];
        int textLayers = ClipCheckpoint.countIndexed(ws.file(), ws.key("transformer.resblocks."));
        int textMlp = (int) ws.requireShape("transformer.resblocks.0.mlp.c_fc.weight")[0];

        boolean vit = ws.has("visual.proj");
        ClipConfig.Vision vision;
        // Activation: OpenAI CLIP uses QuickGELU; open_clip configs use nn.GELU unless quick_gelu is set.
        boolean quickGelu = true;
        int textHeads = textWidth / 64;
        int visionHeadWidth = 64;
        int visionHeads = 0; // 0: derived from the width and head width
        float eps = 1e-5f;
        JsonNode modelCfg = openClip == null ? null : openClip.has("model_cfg") ? openClip.get("model_cfg") : openClip;
        if (modelCfg != null) {
            quickGelu = modelCfg.path("quick_gelu").asBoolean(false);
            JsonNode vc = modelCfg.path("vision_cfg");
            JsonNode tc = modelCfg.path("text_cfg");
            refuse(vc, UNSUPPORTED_VISION, openClipPath, "vision_cfg");
            refuse(tc, UNSUPPORTED_TEXT, openClipPath, "text_cfg");
            if (!vc.path("pool_type").asText("tok").equals("tok") || vc.path("global_average_pool").asBoolean(false)) {
                throw new ModelFormatException(openClipPath + ": vision_cfg pooling '" + vc.path("pool_type").asText("avg")
                        + "' is not supported (only the class token)");
            }
            if (!tc.path("pool_type").asText("argmax").equals("argmax")) {
                throw new ModelFormatException(openClipPath + ": text_cfg.pool_type '" + tc.path("pool_type").asText()
                        + "' is not supported (only argmax/EOT pooling)");
            }
            if (tc.has("heads")) {
                textHeads = tc.get("heads").asInt();
            }
            visionHeadWidth = vc.path("head_width").asInt(64);
            expect(modelCfg, "embed_dim", embedDim, openClipPath);
            expect(tc, "context_length", contextLength, openClipPath);
            expect(tc, "vocab_size", vocab, openClipPath);
            expect(tc, "width", textWidth, openClipPath);
            expect(tc, "layers", textLayers, openClipPath);
        } else if (plain != null) {
            quickGelu = plain.path("quick_gelu").asBoolean(true);
            expect(plain, "embed_dim", embedDim, plainPath);
            expect(plain, "context_length", contextLength, plainPath);
            expect(plain, "vocab_size", vocab, plainPath);
            expect(plain, "transformer_width", textWidth, plainPath);
            expect(plain, "transformer_layers", textLayers, plainPath);
            if (plain.has("transformer_heads")) {
                textHeads = plain.get("transformer_heads").asInt();
            }
            if (plain.has("vision_heads")) {
                // clip4j extension: build_model always derives width // 64
                visionHeads = plain.get("vision_heads").asInt();
            }
        }
        Activation act = quickGelu ? Activation.QUICK_GELU : Activation.GELU;

        if (vit) {
            long[] conv1 = ws.requireShape("visual.conv1.weight");
            int width = (int) conv1[0];
            int patch = (int) conv1[3];
            int layers = ClipCheckpoint.countIndexed(ws.file(), ws.key("visual.transformer.resblocks."));
            int tokens = (int) ws.requireShape("visual.positional_embedding")[0];
            int grid = (int) Math.round(Math.sqrt(tokens - 1));
            if (grid * grid + 1 != tokens) {
                throw new ModelFormatException(file + ": visual.positional_embedding has " + tokens
                        + " rows, which is not grid^2 + 1");
            }
            int mlp = (int) ws.requireShape("visual.transformer.resblocks.0.mlp.c_fc.weight")[0];
            vision = new ClipConfig.Vision(ClipConfig.VisionKind.VIT, grid * patch, width, layers, null, patch,
                    visionHeads > 0 ? visionHeads : width / visionHeadWidth, mlp, act, eps);
        } else {
            int[] counts = new int[4];
            for (int b = 0; b < 4; b++) {
                counts[b] = ClipCheckpoint.countIndexed(ws.file(), ws.key("visual.layer" + (b + 1) + "."));
            }
            int width = (int) ws.requireShape("visual.layer1.0.conv1.weight")[0];
            int tokens = (int) ws.requireShape("visual.attnpool.positional_embedding")[0];
            int outWidth = (int) Math.round(Math.sqrt(tokens - 1));
            vision = new ClipConfig.Vision(ClipConfig.VisionKind.RESNET, outWidth * 32, width, 0, counts, 0,
                    visionHeads > 0 ? visionHeads : width * 32 / visionHeadWidth, 0, act, eps);
        }
        if (modelCfg != null) {
            JsonNode vc = modelCfg.path("vision_cfg");
            expect(vc, "image_size", vision.imageSize(), openClipPath);
            expect(vc, "width", vision.width(), openClipPath);
            if (vit) {
                expect(vc, "layers", vision.layers(), openClipPath);
                expect(vc, "patch_size", vision.patchSize(), openClipPath);
            } else if (vc.has("layers") && vc.get("layers").isArray()) {
                int[] want = new int[vc.get("layers").size()];
                for (int i = 0; i < want.length; i++) {
                    want[i] = vc.get("layers").get(i).asInt();
                }
                if (!Arrays.equals(want, vision.resnetLayers())) {
                    throw new ModelFormatException(openClipPath + ": vision_cfg.layers " + Arrays.toString(want)
                            + " does not match the checkpoint's " + Arrays.toString(vision.resnetLayers()));
                }
            }
        } else if (plain != null) {
            expect(plain, "image_resolution", vision.imageSize(), plainPath);
            expect(plain, "vision_width", vision.width(), plainPath);
            if (vit) {
                expect(plain, "vision_layers", vision.layers(), plainPath);
                expect(plain, "vision_patch_size", vision.patchSize(), plainPath);
            }
        }
        ClipCheckpoint.checkDivisible(vision.kind() == ClipConfig.VisionKind.VIT ? vision.width() : vision.resnetEmbedWidth(),
                vision.heads(), file + ": vision tower");
        ClipCheckpoint.checkDivisible(textWidth, textHeads, file + ": text tower");
        TextConfig text = new TextConfig(vocab, contextLength, textWidth, textLayers, textHeads, textMlp, act, eps,
                TextConfig.Pooling.ARGMAX, vocab - 1, vocab - 2, false, true);
        return new ClipConfig(embedDim, vision, text, ClipConfig.Layout.OPENAI);
    }

    private static void refuse(JsonNode n, Set<String> unsupported, Path path, String where) {
        for (String key : unsupported) {
            JsonNode v = n.get(key);
            if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean())) {
                throw new ModelFormatException(path + ": " + where + "." + key + " = " + v
                        + " is not supported by clip4j's CLIP implementation");
            }
        }
    }

    private static void expect(JsonNode cfg, String key, int actual, Path path) {
        JsonNode v = cfg.get(key);
        if (v != null && v.isNumber() && v.asInt() != actual) {
            throw new ModelFormatException(path + ": " + key + " = " + v.asInt() + ", but the checkpoint has " + actual);
        }
    }
}
