package io.clip4j.model.clip;

import io.clip4j.model.TextConfig;
import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.model.ConfigFiles;
import io.clip4j.model.ModelFiles;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Activation;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.TensorInfo;
import io.clip4j.weights.WeightFile;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a CLIP checkpoint's hyper-parameters and builds its towers.
 *
 * <p>OpenAI / open_clip layout: the architecture is derived from the state dict the way
 * {@code clip.build_model} does; {@code config.json} (the {@code CLIP(...)} constructor arguments) or
 * open_clip's {@code open_clip_config.json} are checked against it and supply what a state dict cannot
 * reveal (the activation: open_clip models use GELU unless {@code quick_gelu} is set; head counts).
 * HF layout: {@code config.json} with HF's defaults for absent keys.
 */
final class ClipCheckpoint {

    /** Keys real checkpoints carry that the math ignores. */
    static final Set<String> IGNORED_SUFFIXES = Set.of("position_ids", "num_batches_tracked");
    private static final Set<String> IGNORED_TOP_LEVEL = Set.of("input_resolution", "context_length", "vocab_size");

    final ClipConfig config;
    final WeightSource root;
    final String source;

    private ClipCheckpoint(ClipConfig config, WeightSource root, String source) {
        this.config = config;
        this.root = root;
        this.source = source;
    }

    /** Detects the layout of {@code weights} and reads the config that goes with it. */
    static ClipCheckpoint read(ModelFiles files, WeightFile weights) {
        String hfPrefix = findPrefix(weights, "vision_model.embeddings.patch_embedding.weight",
                "text_model.embeddings.token_embedding.weight");
        if (hfPrefix != null) {
            Path cfgPath = files.sibling("config.json");
            if (cfgPath == null) {
                throw new ModelFormatException(weights.path().getFileName() + ": a Hugging Face CLIP checkpoint needs its "
                        + "config.json next to it in " + files.dir());
            }
            JsonNode cfg = readJson(cfgPath);
            WeightSource root = WeightSource.of(weights, hfPrefix);
            return new ClipCheckpoint(hfConfig(cfg, cfgPath, root), root, "HF CLIPModel (" + cfgPath.getFileName() + ")");
        }
        String oaPrefix = findPrefix(weights, "visual.conv1.weight", "token_embedding.weight");
        if (oaPrefix == null) {
            throw new ModelFormatException(weights.path().getFileName() + ": not a CLIP checkpoint (no visual.conv1.weight, "
                    + "token_embedding.weight, vision_model.* or text_model.* tensors); found e.g. "
                    + weights.tensors().stream().limit(5).map(TensorInfo::name).toList());
        }
        WeightSource root = WeightSource.of(weights, oaPrefix);
        Path openClip = files.sibling("open_clip_config.json");
        Path plain = files.sibling("config.json");
        JsonNode openClipCfg = openClip == null ? null : readJson(openClip);
        JsonNode plainCfg = plain == null ? null : readJson(plain);
        if (plainCfg != null && plainCfg.has("model_cfg") && openClipCfg == null) {
            openClipCfg = plainCfg; // open_clip config saved under the plain name
            openClip = plain;
            plainCfg = null;
        }
        if (plainCfg != null && !plainCfg.has("embed_dim")) {
            plainCfg = null; // some other tool's config.json; derive from the weights
        }
        ClipConfig cfg = OpenAiConfig.derive(root, plainCfg, plain, openClipCfg, openClip);
        String src = openClipCfg != null ? "open_clip (" + openClip.getFileName() + ")"
                : plainCfg != null ? "OpenAI CLIP (" + plain.getFileName() + ")" : "OpenAI CLIP (derived from the state dict)";
        return new ClipCheckpoint(cfg, root, src);
    }

    /** The prefix under which one of {@code probes} exists (e.g. {@code ""} or {@code "module."}), or null. */
    static String findPrefix(WeightFile weights, String... probes) {
        for (String p : probes) {
            if (weights.contains(p)) {
                return "";
            }
        }
        for (TensorInfo t : weights.tensors()) {
            for (String p : probes) {
                String n = t.name();
                if (n.endsWith("." + p)) {
                    return n.substring(0, n.length() - p.length());
                }
            }
        }
        return null;
    }

    static JsonNode readJson(Path p) {
        return ConfigFiles.readObject(p);
    }

    // ------------------------------------------------------------------ HF

    private static ClipConfig hfConfig(JsonNode cfg, Path path, WeightSource root) {
        String type = cfg.path("model_type").asText("clip");
        if (!type.equals("clip")) {
            throw new ModelFormatException(path + ": model_type '" + type + "' is not a CLIP model");
        }
        JsonNode v = cfg.path("vision_config");
        JsonNode t = cfg.path("text_config");
        int projection = cfg.path("projection_dim").asInt(512);
        ClipConfig.Vision vision = new ClipConfig.Vision(ClipConfig.VisionKind.VIT,
                v.path("image_size").asInt(224), v.path("hidden_size").asInt(768), v.path("num_hidden_layers").asInt(12),
                null, v.path("patch_size").asInt(32), v.path("num_attention_heads").asInt(12),
                v.path("intermediate_size").asInt(3072), activation(v, path, "vision_config"),
                (float) v.path("layer_norm_eps").asDouble(1e-5));
        int eos = t.path("eos_token_id").asInt(49407);
        TextConfig text = new TextConfig(t.path("vocab_size").asInt(49408),
                t.path("max_position_embeddings").asInt(77), t.path("hidden_size").asInt(512),
                t.path("num_hidden_layers").asInt(12), t.path("num_attention_heads").asInt(8),
                t.path("intermediate_size").asInt(2048), activation(t, path, "text_config"),
                (float) t.path("layer_norm_eps").asDouble(1e-5),
                // transformers keeps argmax pooling for legacy configs whose eos_token_id is 2
                eos == 2 ? TextConfig.Pooling.ARGMAX : TextConfig.Pooling.FIRST_EOS, eos,
                t.path("bos_token_id").asInt(49406), true, true);
        checkDivisible(vision.width(), vision.heads(), path + ": vision_config");
        checkDivisible(text.width(), text.heads(), path + ": text_config");
        return new ClipConfig(projection, vision, text, ClipConfig.Layout.HF);
    }

    private static Activation activation(JsonNode n, Path path, String where) {
        String act = n.path("hidden_act").asText("quick_gelu");
        try {
            return Activation.fromConfigName(act);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(path + ": " + where + ".hidden_act: " + e.getMessage());
        }
    }

    static void checkDivisible(int width, int heads, String where) {
        if (heads <= 0 || width % heads != 0) {
            throw new ModelFormatException(where + ": width " + width + " is not divisible into " + heads + " attention heads");
        }
    }

    // ------------------------------------------------------------------ towers

    VisionTransformer buildVit() {
        ClipConfig.Vision v = config.vision();
        VisionTransformer vt = config.layout() == ClipConfig.Layout.HF
                ? VisionTransformer.loadHf(root.pp("vision_model"),
                root.has("visual_projection.weight") ? root.pp("visual_projection") : null, v, config.embedDim())
                : VisionTransformer.loadOpenAi(root.pp("visual"), v, config.embedDim());
        checkAllUsed(config.layout() == ClipConfig.Layout.HF ? root.pp("vision_model") : root.pp("visual"));
        return vt;
    }

    ModifiedResNet buildResNet() {
        ModifiedResNet r = ModifiedResNet.loadOpenAi(root.pp("visual"), config.vision(), config.embedDim());
        checkAllUsed(root.pp("visual"));
        return r;
    }

    TextTransformer buildText() {
        if (config.layout() == ClipConfig.Layout.HF) {
            TextTransformer t = TextTransformer.loadHf(root.pp("text_model"),
                    root.has("text_projection.weight") ? root.pp("text_projection") : null, config.text(), config.embedDim(), false);
            checkAllUsed(root.pp("text_model"));
            return t;
        }
        TextTransformer t = TextTransformer.loadOpenAi(root, config.text(), config.embedDim());
        checkAllUsed(root.pp("transformer"));
        return t;
    }

    /** Leftover tensors mean the config describes fewer layers than the checkpoint holds. */
    private void checkAllUsed(WeightSource tower) {
        List<String> unused = tower.unusedKeys(IGNORED_SUFFIXES);
        if (!unused.isEmpty()) {
            throw new ModelFormatException(root.file().path().getFileName() + ": " + unused.size()
                    + " tensors are not used by the configured model (" + config + "), e.g. "
                    + unused.stream().limit(3).toList() + " — the config does not match the checkpoint");
        }
    }

    static boolean ignoredTopLevel(String key) {
        return IGNORED_TOP_LEVEL.contains(key);
    }

    /** Highest index + 1 of keys matching {@code prefix<N>.} (layer counting as build_model does). */
    static int countIndexed(WeightFile weights, String prefix) {
        Pattern p = Pattern.compile(Pattern.quote(prefix) + "(\\d+)\\.");
        Set<Integer> seen = new TreeSet<>();
        for (TensorInfo t : weights.tensors()) {
            Matcher m = p.matcher(t.name());
            if (m.lookingAt()) {
                seen.add(Integer.parseInt(m.group(1)));
            }
        }
        return seen.size();
    }
}
