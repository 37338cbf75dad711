package io.clip4j.model.siglip;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.image.PreprocessConfig;
import io.clip4j.model.ConfigFiles;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Embeddings;
import io.clip4j.model.ModelFiles;
import io.clip4j.model.ModelPreprocessing;
import io.clip4j.model.ModelTokenizers;
import io.clip4j.model.TextConfig;
import io.clip4j.model.TokenBatch;
import io.clip4j.model.clip.TextTransformer;
import io.clip4j.nn.Trace;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Activation;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;
import io.clip4j.text.Tokenizer;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.WeightFile;
import io.clip4j.weights.WeightFiles;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * SigLIP (HF {@code SiglipModel}, or a vision-only {@code SiglipVisionModel} checkpoint): the vision
 * tower with its MAP head, the bidirectional text tower pooled at the last position with its {@code head},
 * and per-pair sigmoid scores {@code exp(logit_scale) * txt_n . img_n + logit_bias}.
 *
 * <p>Towers are built on first use; the model is safe to share between threads. Close it to release the
 * mapped checkpoint.
 */
public final class SiglipModel implements EmbeddingModel {

    private static final Set<String> IGNORED_SUFFIXES = Set.of("position_ids");

    private final ModelFiles files;
    private final WeightFile weights;
    private final WeightSource root;
    private final SiglipVisionConfig visionConfig;
    private final TextConfig textConfig; // null for a vision-only checkpoint
    private final int textProjectionSize;
    private final Ops ops;
    private final float logitScale;
    private final float logitBias;
    private volatile SiglipVisionTower visual;
    private volatile TextTransformer text;
    private volatile Tokenizer tokenizer;
    private final PreprocessConfig preprocess;

    private SiglipModel(ModelFiles files, WeightFile weights, WeightSource root, SiglipVisionConfig vc, TextConfig tc,
                        int textProjectionSize, Ops ops) {
        this.files = files;
        this.textProjectionSize = textProjectionSize;
        this.weights = weights;
        this.root = root;
        this.visionConfig = vc;
        this.textConfig = tc;
        this.ops = ops;
        this.logitScale = root.has("logit_scale") ? root.get("logit_scale", 1)[0] : Float.NaN;
        this.logitBias = root.has("logit_bias") ? root.get("logit_bias", 1)[0] : Float.NaN;
        if (tc != null && (Float.isNaN(logitScale) || Float.isNaN(logitBias))) {
            throw new ModelFormatException(weights.path().getFileName() + ": a SiglipModel checkpoint needs logit_scale and logit_bias");
        }
        this.preprocess = ModelPreprocessing.resolve(files, vc.imageSize(), () -> PreprocessConfig.siglip(vc.imageSize()));
    }

    public static SiglipModel load(Path model) {
        return load(model, null, Kernels.get());
    }

    /** Loads a SigLIP directory (config.json + weights); {@code weightsFile} as in {@link ModelFiles#resolve}. */
    public static SiglipModel load(Path model, String weightsFile, Kernels kernels) {
        ModelFiles files = ModelFiles.resolve(model, weightsFile);
        Path cfgPath = files.sibling("config.json");
        if (cfgPath == null) {
            throw new ModelFormatException(files.dir() + ": a SigLIP checkpoint needs its config.json");
        }
        JsonNode cfg = ConfigFiles.readObject(cfgPath);
        WeightFile w = WeightFiles.open(files.weights());
        try {
            String type = cfg.path("model_type").asText("");
            SiglipVisionConfig vc;
            TextConfig tc = null;
            int projection = 0;
            switch (type) {
                case "siglip" -> {
                    vc = visionConfig(cfg.path("vision_config"), cfgPath);
                    tc = textConfig(cfg.path("text_config"), cfgPath);
                    // newer transformers name the text head's width projection_size; it defaults to hidden_size
                    projection = cfg.path("text_config").path("projection_size").asInt(tc.width());
                }
                case "siglip_vision_model" -> vc = visionConfig(cfg, cfgPath);
                default -> throw new ModelFormatException(cfgPath + ": model_type '" + type + "' is not a SigLIP model");
            }
            return new SiglipModel(files, w, WeightSource.of(w), vc, tc, projection, new Ops(kernels));
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    static SiglipVisionConfig visionConfig(JsonNode v, Path path) {
        SiglipVisionConfig c = new SiglipVisionConfig(v.path("image_size").asInt(224), v.path("patch_size").asInt(16),
                v.path("hidden_size").asInt(768), v.path("num_hidden_layers").asInt(12),
                v.path("num_attention_heads").asInt(12), v.path("intermediate_size").asInt(3072),
                activation(v, path), (float) v.path("layer_norm_eps").asDouble(1e-6),
                v.path("vision_use_head").asBoolean(true));
        checkHeads(c.width(), c.heads(), path, "vision");
        if (c.imageSize() % c.patchSize() != 0) {
            throw new ModelFormatException(path + ": image_size " + c.imageSize() + " is not a multiple of patch_size " + c.patchSize());
        }
        return c;
    }

    static TextConfig textConfig(JsonNode t, Path path) {
        TextConfig c = new TextConfig(t.path("vocab_size").asInt(32000), t.path("max_position_embeddings").asInt(64),
                t.path("hidden_size").asInt(768), t.path("num_hidden_layers").asInt(12),
                t.path("num_attention_heads").asInt(12), t.path("intermediate_size").asInt(3072), activation(t, path),
                (float) t.path("layer_norm_eps").asDouble(1e-6), TextConfig.Pooling.LAST,
                t.path("eos_token_id").asInt(49407), t.path("bos_token_id").asInt(49406), false, false);
        checkHeads(c.width(), c.heads(), path, "text");
        return c;
    }

    private static Activation activation(JsonNode n, Path path) {
        String act = n.path("hidden_act").asText("gelu_pytorch_tanh");
        try {
            return Activation.fromConfigName(act);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(path + ": hidden_act: " + e.getMessage());
        }
    }

    private static void checkHeads(int width, int heads, Path path, String where) {
        if (heads <= 0 || width % heads != 0) {
            throw new ModelFormatException(path + ": " + where + " hidden_size " + width + " is not divisible into "
                    + heads + " attention heads");
        }
    }

    @Override
    public ModelFiles files() {
        return files;
    }

    @Override
    public String family() {
        return "siglip";
    }

    @Override
    public String describe() {
        return "SigLIP " + (hasText() ? "(vision + text)" : "(vision only)") + ", width " + visionConfig.width()
                + ", image " + visionConfig.imageSize() + (hasText() ? ", text length " + textConfig.contextLength() : "");
    }

    @Override
    public Scoring scoring() {
        return Scoring.SIGMOID;
    }

    @Override
    public int embedDim() {
        return visionConfig.width();
    }

    @Override
    public int imageSize() {
        return visionConfig.imageSize();
    }

    @Override
    public PreprocessConfig preprocessConfig() {
        return preprocess;
    }

    @Override
    public Tokenizer tokenizer() {
        if (textConfig == null) {
            throw new IllegalStateException(files.dir() + " is a vision-only SigLIP checkpoint: it has no text tower");
        }
        Tokenizer t = tokenizer;
        if (t == null) {
            t = ModelTokenizers.siglip(files, textConfig);
            tokenizer = t;
        }
        return t;
    }

    public SiglipVisionConfig visionConfig() {
        return visionConfig;
    }

    /** The text tower's config, or null for a vision-only checkpoint. */
    public TextConfig textConfig() {
        return textConfig;
    }

    @Override
    public boolean hasText() {
        return textConfig != null;
    }

    @Override
    public float logitScale() {
        return logitScale;
    }

    @Override
    public float logitBias() {
        return logitBias;
    }

    @Override
    public Ops ops() {
        return ops;
    }

    public SiglipVisionTower visual() {
        SiglipVisionTower v = visual;
        if (v == null) {
            synchronized (this) {
                v = visual;
                if (v == null) {
                    v = SiglipVisionTower.loadHf(root.pp("vision_model"), visionConfig);
                    checkAllUsed(root.pp("vision_model"));
                    visual = v;
                }
            }
        }
        return v;
    }

    public TextTransformer text() {
        if (textConfig == null) {
            throw new IllegalStateException(files.dir() + " is a vision-only SigLIP checkpoint: it has no text tower");
        }
        TextTransformer t = text;
        if (t == null) {
            synchronized (this) {
                t = text;
                if (t == null) {
                    WeightSource tm = root.pp("text_model");
                    t = TextTransformer.loadHf(tm, tm.pp("head"), textConfig, textProjectionSize, true);
                    checkAllUsed(tm);
                    text = t;
                }
            }
        }
        return t;
    }

    private void checkAllUsed(WeightSource tower) {
        List<String> unused = tower.unusedKeys(IGNORED_SUFFIXES);
        if (!unused.isEmpty()) {
            throw new ModelFormatException(weights.path().getFileName() + ": " + unused.size()
                    + " tensors are not used by the configured model, e.g. " + unused.stream().limit(3).toList()
                    + " — config.json does not match the checkpoint");
        }
    }

    /** Image features ({@code pooler_output}, unnormalised) {@code [N, width]}. */
    @Override
    public Tensor encodeImage(Tensor pixelValues) {
        return encodeImage(pixelValues, Trace.NONE);
    }

    public Tensor encodeImage(Tensor pixelValues, Trace trace) {
        SiglipVisionTower v = visual();
        checkPixels(pixelValues, v.imageSize());
        int n = pixelValues.dim(0);
        return Tensor.of(v.forward(ops, pixelValues.data(), n, trace), n, v.outputDim());
    }

    /** Both vision outputs ({@code last_hidden_state}, {@code pooler_output}). */
    public SiglipVisionTower.Output visionOutputs(Tensor pixelValues, Trace trace) {
        SiglipVisionTower v = visual();
        checkPixels(pixelValues, v.imageSize());
        return v.forwardAll(ops, pixelValues.data(), pixelValues.dim(0), trace);
    }

    private static void checkPixels(Tensor px, int size) {
        int[] s = px.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != size || s[3] != size) {
            throw new IllegalArgumentException("pixel_values must be [N, 3, " + size + ", " + size + "] for this model, got "
                    + java.util.Arrays.toString(s));
        }
    }

    /** Text features (the {@code head} output at the last position, unnormalised) {@code [B, width]}. */
    @Override
    public Tensor encodeText(TokenBatch tokens) {
        return encodeText(tokens, Trace.NONE);
    }

    public Tensor encodeText(TokenBatch tokens, Trace trace) {
        TextTransformer t = text();
        // SigLIP texts are padded to the model's fixed length and pooled at the last position.
        float[] f = t.forward(ops, tokens.ids(), null, tokens.batch(), tokens.length(), trace);
        return Tensor.of(f, tokens.batch(), t.outputDim());
    }

    /** {@code exp(logit_scale) * image_embeds @ text_embeds^T + logit_bias}: {@code [N_images, N_texts]}. */
    @Override
    public Tensor logitsPerImage(Tensor imageEmbeds, Tensor textEmbeds) {
        return Embeddings.scaledDot(ops, imageEmbeds, textEmbeds, logitScale, logitBias);
    }

    /** Per-pair probabilities {@code sigmoid(logits)}. */
    public static Tensor sigmoid(Tensor logits) {
        float[] p = logits.data().clone();
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (1 / (1 + Math.exp(-p[i])));
        }
        return Tensor.of(p, logits.shape());
    }

    @Override
    public void close() {
        weights.close();
    }
}
