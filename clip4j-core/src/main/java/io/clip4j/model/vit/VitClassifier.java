package io.clip4j.model.vit;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.image.PreprocessConfig;
import io.clip4j.model.ConfigFiles;
import io.clip4j.model.Model;
import io.clip4j.model.ModelFiles;
import io.clip4j.model.ModelPreprocessing;
import io.clip4j.model.vision.VitBackbone;
import io.clip4j.nn.Blocks;
import io.clip4j.nn.LayerNorm;
import io.clip4j.nn.Linear;
import io.clip4j.nn.ResidualAttentionBlock;
import io.clip4j.nn.Trace;
import io.clip4j.nn.Transformer;
import io.clip4j.nn.Workspace;
import io.clip4j.nn.WeightSource;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.WeightFile;
import io.clip4j.weights.WeightFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Vision Transformer image classifier (the ViT of the original paper): HF
 * {@code ViTForImageClassification} or timm {@code VisionTransformer} (including DeiT's distillation
 * token, average pooling with {@code fc_norm}, the {@code pre_logits} representation layer, LayerScale).
 */
public final class VitClassifier implements Model {

    /** One class and its softmax probability. */
    public record Prediction(int index, String label, float probability, float logit) {
    }

    private static final Set<String> IGNORED_SUFFIXES = Set.of("position_ids", "num_batches_tracked");

    private final ModelFiles files;
    private final WeightFile weights;
    private final VitConfig cfg;
    private final Ops ops;
    private final VitBackbone backbone;
    private final LayerNorm fcNorm;     // after pooling (timm avg pooling), null otherwise
    private final Linear preLogits;     // timm representation layer (tanh), null if absent
    private final Linear head;
    private final Linear headDist;      // DeiT distillation head, null if absent
    private final PreprocessConfig preprocess;

    private VitClassifier(ModelFiles files, WeightFile weights, VitConfig cfg, Ops ops) {
        this.files = files;
        this.weights = weights;
        this.cfg = cfg;
        this.ops = ops;
        WeightSource root = WeightSource.of(weights);
        int w = cfg.width();
        int p = cfg.patchSize();
        int patches = (cfg.imageSize() / p) * (cfg.imageSize() / p);
        int prefix = (cfg.classToken() ? 1 : 0) + (cfg.distilled() ? 1 : 0);
        List<ResidualAttentionBlock> blocks;
        LayerNorm norm = null;
        LayerNorm fcNormLn = null;
        Linear pre = null;
        String headKey;
        String distKey = null;
        if (cfg.layout() == VitConfig.Layout.HF) {
            WeightSource vit = root.pp("vit");
            WeightSource emb = vit.pp("embeddings");
            blocks = Blocks.build(cfg.layers(), i -> Blocks.hfVit(vit.pp("encoder").pp("layer").pp(i), w, cfg.heads(),
                    cfg.mlpWidth(), cfg.activation(), cfg.layerNormEps(), cfg.qkvBias()));
            norm = LayerNorm.load(vit.pp("layernorm"), w, cfg.layerNormEps());
            backbone = new VitBackbone(cfg.imageSize(), p, w,
                    emb.get("patch_embeddings.projection.weight", w, 3, p, p), emb.get("patch_embeddings.projection.bias", w),
                    new float[][]{emb.get("cls_token", 1, 1, w)}, emb.get("position_embeddings", 1, patches + 1, w), true,
                    null, new Transformer(blocks, w), norm);
            headKey = "classifier";
        } else {
            blocks = Blocks.build(cfg.layers(), i -> Blocks.timm(root.pp("blocks").pp(i), w, cfg.heads(), cfg.mlpWidth(),
                    cfg.activation(), cfg.layerNormEps(), cfg.qkvBias()));
            List<float[]> prefixTokens = new ArrayList<>();
            if (cfg.classToken()) {
                prefixTokens.add(root.get("cls_token", 1, 1, w));
            }
            if (cfg.distilled()) {
                prefixTokens.add(root.get("dist_token", 1, 1, w));
                distKey = "head_dist";
            }
            if (cfg.fcNorm()) {
                fcNormLn = LayerNorm.load(root.pp("fc_norm"), w, cfg.layerNormEps());
            } else {
                norm = LayerNorm.load(root.pp("norm"), w, cfg.layerNormEps());
            }
            backbone = new VitBackbone(cfg.imageSize(), p, w, root.get("patch_embed.proj.weight", w, 3, p, p),
                    root.get("patch_embed.proj.bias", w), prefixTokens.toArray(new float[0][]),
                    root.get("pos_embed", 1, patches + prefix, w), true, null, new Transformer(blocks, w), norm);
            if (cfg.representation() > 0) {
                pre = Linear.load(root.pp("pre_logits").pp("fc"), w, cfg.representation(), true);
            }
            headKey = "head";
        }
        this.fcNorm = fcNormLn;
        this.preLogits = pre;
        int featureWidth = pre == null ? w : pre.out();
        if (!root.has(headKey + ".weight")) {
            throw new ModelFormatException(weights.path().getFileName() + ": no classification head ('" + headKey
                    + ".weight'): this is a feature-extractor checkpoint, not a classifier");
        }
        this.head = Linear.load(root.pp(headKey), featureWidth, cfg.numClasses(), true);
        this.headDist = distKey == null ? null : Linear.load(root.pp(distKey), featureWidth, cfg.numClasses(), true);
        int size = cfg.imageSize();
        this.preprocess = ModelPreprocessing.resolve(files, size, () -> cfg.layout() == VitConfig.Layout.HF
                ? PreprocessConfig.hfVit(size) : PreprocessConfig.timmDefault(size));
        List<String> unused = root.unusedKeys(IGNORED_SUFFIXES);
        if (!unused.isEmpty()) {
            throw new ModelFormatException(weights.path().getFileName() + ": " + unused.size()
                    + " tensors are not used by the configured model, e.g. " + unused.stream().limit(3).toList()
                    + " — the config does not match the checkpoint");
        }
    }

    public static VitClassifier load(Path model) {
        return load(model, null, Kernels.get());
    }

    /** Loads an HF ({@code model_type: vit}) or timm ({@code architecture} + {@code model_args}) checkpoint directory. */
    public static VitClassifier load(Path model, String weightsFile, Kernels kernels) {
        ModelFiles files = ModelFiles.resolve(model, weightsFile);
        Path cfgPath = files.sibling("config.json");
        if (cfgPath == null) {
            throw new ModelFormatException(files.dir() + ": a ViT classifier needs its config.json");
        }
        JsonNode c = ConfigFiles.readObject(cfgPath);
        VitConfig cfg;
        if ("vit".equals(c.path("model_type").asText())) {
            cfg = VitConfigs.hf(c, cfgPath);
        } else if (c.has("architecture")) {
            cfg = VitConfigs.timm(c, cfgPath);
        } else {
            throw new ModelFormatException(cfgPath + ": neither an HF ViT config (model_type vit) nor a timm config (architecture)");
        }
        WeightFile w = WeightFiles.open(files.weights());
        try {
            return new VitClassifier(files, w, cfg, new Ops(kernels));
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    public VitConfig config() {
        return cfg;
    }

    @Override
    public ModelFiles files() {
        return files;
    }

    @Override
    public String family() {
        return "vit";
    }

    @Override
    public String describe() {
        return "ViT classifier (" + (cfg.layout() == VitConfig.Layout.HF ? "HF" : "timm") + "), width " + cfg.width()
                + ", " + cfg.layers() + " layers, patch " + cfg.patchSize() + ", image " + cfg.imageSize() + ", "
                + cfg.numClasses() + " classes";
    }

    /** How images are prepared for this model. */
    public PreprocessConfig preprocessConfig() {
        return preprocess;
    }

    public VitBackbone backbone() {
        return backbone;
    }

    /** Class names by index ({@code "LABEL_i"} where the checkpoint has none). */
    public List<String> labels() {
        List<String> out = new ArrayList<>(cfg.numClasses());
        for (int i = 0; i < cfg.numClasses(); i++) {
            out.add(i < cfg.labels().size() ? cfg.labels().get(i) : "LABEL_" + i);
        }
        return out;
    }

    public int imageSize() {
        return cfg.imageSize();
    }

    /** Logits {@code [N, classes]} of preprocessed pixels {@code [N, 3, S, S]}. */
    public Tensor logits(Tensor pixelValues) {
        return logits(pixelValues, Trace.NONE);
    }

    public Tensor logits(Tensor pixelValues, Trace trace) {
        int[] s = pixelValues.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != cfg.imageSize() || s[3] != cfg.imageSize()) {
            throw new IllegalArgumentException("pixel_values must be [N, 3, " + cfg.imageSize() + ", " + cfg.imageSize()
                    + "] for this model, got " + java.util.Arrays.toString(s));
        }
        int n = s[0];
        float[] pooled;
        float[] distToken = null;
        try (Workspace ws = backbone.workspaces().acquire()) {
            float[] hidden = backbone.forward(ops, ws, pixelValues.data(), n, trace, "vit");
            pooled = cfg.globalPool().equals("avg") ? backbone.meanOfPatches(hidden, n) : backbone.token(hidden, n, 0);
            if (headDist != null) {
                distToken = backbone.token(hidden, n, 1);
            }
        }
        if (fcNorm != null) {
            pooled = fcNorm.forward(ops, pooled, n);
        }
        if (preLogits != null) {
            pooled = preLogits.forward(ops, pooled, n);
            for (int i = 0; i < pooled.length; i++) {
                pooled[i] = (float) Math.tanh(pooled[i]);
            }
        }
        Trace.emit(trace, "vit.pre_logits", pooled, n, pooled.length / n);
        float[] logits = head.forward(ops, pooled, n);
        if (headDist != null) {
            // DeiT at inference: the mean of the class-token head and the distillation-token head.
            float[] dist = headDist.forward(ops, distToken, n);
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (logits[i] + dist[i]) / 2;
            }
        }
        return Tensor.of(logits, n, cfg.numClasses());
    }

    /** The {@code k} most probable classes of each image (softmax over the logits). */
    public List<List<Prediction>> classify(Tensor pixelValues, int k) {
        Tensor logits = logits(pixelValues);
        List<String> labels = labels();
        int n = logits.dim(0);
        int c = logits.dim(1);
        List<List<Prediction>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] row = logits.row(i);
            float[] prob = row.clone();
            ops.kernels().softmax(prob, 0, c);
            out.add(topK(row, prob, labels, k));
        }
        return out;
    }

    static List<Prediction> topK(float[] logits, float[] prob, List<String> labels, int k) {
        Integer[] idx = new Integer[prob.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(prob[b], prob[a]) != 0 ? Float.compare(prob[b], prob[a]) : a - b);
        List<Prediction> top = new ArrayList<>();
        for (int i = 0; i < Math.min(k, idx.length); i++) {
            top.add(new Prediction(idx[i], labels.get(idx[i]), prob[idx[i]], logits[idx[i]]));
        }
        return top;
    }

    public long flopsPerImage() {
        return backbone.flopsPerImage() + 2L * head.in() * head.out();
    }

    @Override
    public void close() {
        weights.close();
    }
}
