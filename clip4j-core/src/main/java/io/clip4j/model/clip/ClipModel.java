package io.clip4j.model.clip;

import io.clip4j.image.PreprocessConfig;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Embeddings;
import io.clip4j.model.ImageEncoder;
import io.clip4j.model.ModelFiles;
import io.clip4j.model.ModelPreprocessing;
import io.clip4j.model.ModelTokenizers;
import io.clip4j.model.TextEncoder;
import io.clip4j.model.TokenBatch;
import io.clip4j.nn.Trace;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;
import io.clip4j.text.Tokenizer;
import io.clip4j.weights.WeightFile;
import io.clip4j.weights.WeightFiles;

import java.nio.file.Path;

/**
 * A CLIP model: an image tower ({@link VisionTransformer} or {@link ModifiedResNet}), the causal
 * {@link TextTransformer} and {@code logit_scale}.
 *
 * <p>Towers are built on first use, so embedding images never reads the text tower's weights.
 * A loaded model is immutable apart from that lazy construction and safe to share between threads.
 * Close it to release the mapped checkpoint.
 */
public final class ClipModel implements EmbeddingModel {

    private final ModelFiles files;
    private final WeightFile weights;
    private final ClipCheckpoint checkpoint;
    private final Ops ops;
    private final float logitScale;
    private volatile ImageEncoder visual;
    private volatile TextTransformer text;
    private volatile Tokenizer tokenizer;
    private final PreprocessConfig preprocess;

    private ClipModel(ModelFiles files, WeightFile weights, ClipCheckpoint checkpoint, Ops ops) {
        this.files = files;
        this.weights = weights;
        this.checkpoint = checkpoint;
        this.ops = ops;
        float[] ls = checkpoint.root.has("logit_scale") ? checkpoint.root.get("logit_scale") : null;
        this.logitScale = ls == null || ls.length == 0 ? (float) Math.log(1 / 0.07) : ls[0];
        ClipConfig cfg = checkpoint.config;
        int size = cfg.vision().imageSize();
        this.preprocess = ModelPreprocessing.resolve(files, size, () -> cfg.layout() == ClipConfig.Layout.HF
                ? PreprocessConfig.hfClip(size) : PreprocessConfig.clip(size));
    }

    /** Loads a model directory (config + weights) or a single weights file. */
    public static ClipModel load(Path model) {
        return load(model, null, Kernels.get());
    }

    /**
     * Loads {@code model}, optionally with an explicit weights file (a name inside the directory or a path)
     * and explicit kernels (tests use the scalar reference).
     */
    public static ClipModel load(Path model, String weightsFile, Kernels kernels) {
        ModelFiles files = ModelFiles.resolve(model, weightsFile);
        WeightFile w = WeightFiles.open(files.weights());
        try {
            return new ClipModel(files, w, ClipCheckpoint.read(files, w), new Ops(kernels));
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    public ClipConfig config() {
        return checkpoint.config;
    }

    /** Where the configuration came from, for logs ({@code "HF CLIPModel (config.json)"}, ...). */
    public String configSource() {
        return checkpoint.source;
    }

    @Override
    public ModelFiles files() {
        return files;
    }

    @Override
    public String family() {
        return "clip";
    }

    @Override
    public String describe() {
        ClipConfig c = config();
        return "CLIP " + c.vision().kind() + " (" + configSource() + "), embed " + c.embedDim() + ", image "
                + c.vision().imageSize() + ", text context " + c.text().contextLength();
    }

    @Override
    public Scoring scoring() {
        return Scoring.SOFTMAX;
    }

    @Override
    public int embedDim() {
        return config().embedDim();
    }

    @Override
    public int imageSize() {
        return config().vision().imageSize();
    }

    @Override
    public boolean hasText() {
        return true;
    }

    @Override
    public float logitBias() {
        return 0f;
    }

    @Override
    public PreprocessConfig preprocessConfig() {
        return preprocess;
    }

    @Override
    public Tokenizer tokenizer() {
        Tokenizer t = tokenizer;
        if (t == null) {
            t = ModelTokenizers.clip(files, config().text());
            tokenizer = t;
        }
        return t;
    }

    /** The raw learned temperature parameter ({@code logit_scale}; logits use its exponential). */
    @Override
    public float logitScale() {
        return logitScale;
    }

    /** The image tower (built on first call). */
    public ImageEncoder visual() {
        ImageEncoder v = visual;
        if (v == null) {
            synchronized (this) {
                v = visual;
                if (v == null) {
                    v = config().vision().kind() == ClipConfig.VisionKind.VIT ? checkpoint.buildVit() : checkpoint.buildResNet();
                    visual = v;
                }
            }
        }
        return v;
    }

    /** The text tower (built on first call). */
    public TextTransformer text() {
        TextTransformer t = text;
        if (t == null) {
            synchronized (this) {
                t = text;
                if (t == null) {
                    t = checkpoint.buildText();
                    text = t;
                }
            }
        }
        return t;
    }

    @Override
    public Ops ops() {
        return ops;
    }

    /** {@code encode_image}: projected, unnormalised features {@code [N, embed]} of pixels {@code [N, 3, S, S]}. */
    @Override
    public Tensor encodeImage(Tensor pixelValues) {
        return encodeImage(pixelValues, Trace.NONE);
    }

    public Tensor encodeImage(Tensor pixelValues, Trace trace) {
        ImageEncoder v = visual();
        int[] s = pixelValues.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != v.imageSize() || s[3] != v.imageSize()) {
            throw new IllegalArgumentException("pixel_values must be [N, 3, " + v.imageSize() + ", " + v.imageSize()
                    + "] for this model, got " + java.util.Arrays.toString(s));
        }
        float[] f = v.forward(ops, pixelValues.data(), s[0], trace);
        return Tensor.of(f, s[0], v.outputDim());
    }

    /** {@code encode_text}: projected, unnormalised features {@code [B, embed]}. */
    @Override
    public Tensor encodeText(TokenBatch tokens) {
        return encodeText(tokens, Trace.NONE);
    }

    public Tensor encodeText(TokenBatch tokens, Trace trace) {
        TextEncoder t = text();
        float[] f = t.forward(ops, tokens.ids(), tokens.attentionMask(), tokens.batch(), tokens.length(), trace);
        return Tensor.of(f, tokens.batch(), t.outputDim());
    }

    /** Rows divided by their L2 norm (a new tensor). */
    public static Tensor normalize(Tensor features) {
        return Embeddings.normalize(features);
    }

    /** {@code exp(logit_scale) * image_embeds @ text_embeds^T}: {@code [N_images, N_texts]}. */
    @Override
    public Tensor logitsPerImage(Tensor imageEmbeds, Tensor textEmbeds) {
        return Embeddings.scaledDot(ops, imageEmbeds, textEmbeds, logitScale, 0f);
    }

    @Override
    public void close() {
        weights.close();
    }
}
