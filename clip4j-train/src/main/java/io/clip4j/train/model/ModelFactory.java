package io.clip4j.train.model;

import io.clip4j.model.ModelFiles;
import io.clip4j.model.clip.ClipConfig;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.model.siglip.SiglipModel;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.nn.ParameterStore;
import io.clip4j.weights.ModelFormatException;
import io.clip4j.weights.WeightFile;
import io.clip4j.weights.WeightFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/** Builds trainable models from checkpoints (any layout the core loads) or from a spec with fresh weights. */
public final class ModelFactory {

    private ModelFactory() {
    }

    /** The spec of the model in {@code dir} (CLIP in any layout, or an HF SiglipModel), read by the core's loaders. */
    public static ModelSpec specOf(Path model) {
        if (isSiglip(model)) {
            try (SiglipModel m = SiglipModel.load(model)) {
                if (!m.hasText()) {
                    throw new ModelFormatException(model + ": a vision-only SigLIP checkpoint cannot be trained "
                            + "contrastively (it has no text tower)");
                }
                int proj = textProjectionWidth(m);
                return ModelSpec.siglip(m.visionConfig(), m.textConfig(), proj);
            }
        }
        try (ClipModel m = ClipModel.load(model)) {
            return ModelSpec.clip(m.config());
        }
    }

    private static int textProjectionWidth(SiglipModel m) {
        try (WeightFile w = WeightFiles.open(m.files().weights())) {
            var info = w.info("text_model.head.weight");
            if (info == null) {
                throw new ModelFormatException(w.path().getFileName() + ": missing tensor 'text_model.head.weight'");
            }
            return (int) info.shape()[0];
        }
    }

    private static boolean isSiglip(Path model) {
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        Path cfg = dir == null ? null : dir.resolve("config.json");
        if (cfg == null || !Files.isRegularFile(cfg)) {
            return false;
        }
        try {
            String type = new com.fasterxml.jackson.databind.ObjectMapper().readTree(cfg.toFile()).path("model_type").asText("");
            return type.startsWith("siglip");
        } catch (IOException e) {
            throw new ModelFormatException(cfg + ": cannot read JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the checkpoint in {@code model} for training.
     *
     * @param frozen parameters (by checkpoint key) that are not trained
     */
    public static ContrastiveModel load(Path model, Predicate<String> frozen) {
        ModelSpec spec = specOf(model);
        ModelFiles files = ModelFiles.resolve(model, null);
        try (WeightFile w = WeightFiles.open(files.weights())) {
            ParameterStore ps = ParameterStore.fromCheckpoint(w, frozen);
            ContrastiveModel m = build(spec, ps);
            List<String> left = ps.undeclared().stream().filter(k -> !ignorable(k)).toList();
            if (!left.isEmpty()) {
                throw new ModelFormatException(w.path().getFileName() + ": " + left.size()
                        + " tensors are not parameters of the model, e.g. " + left.stream().limit(3).toList());
            }
            return m;
        }
    }

    /** Keys of real checkpoints that are not part of the math (kept out of the trainable model). */
    static boolean ignorable(String key) {
        return key.endsWith("num_batches_tracked") || key.endsWith("position_ids")
                || key.equals("input_resolution") || key.equals("context_length") || key.equals("vocab_size");
    }

    /** A new model of {@code spec} with CLIP's initialisation, seeded. */
    public static ContrastiveModel create(ModelSpec spec, long seed, Predicate<String> frozen) {
        ParameterStore ps = ParameterStore.empty(frozen);
        ContrastiveModel m = build(spec, ps);
        Init.initialize(m, seed);
        return m;
    }

    /** Builds the modules of {@code spec} over the parameters in {@code ps}. */
    static ContrastiveModel build(ModelSpec spec, ParameterStore ps) {
        if (spec.family() == ContrastiveModel.Family.SIGLIP) {
            SiglipVisionTower visual = new SiglipVisionTower(ps, spec.siglipVision());
            TextTower text = TextTransformer.hf(ps, spec.siglipText(), "text_model.head", spec.siglipTextProjection(), true);
            Variable scale = scalar(ps, "logit_scale", new int[] {1});
            Variable bias = scalar(ps, "logit_bias", new int[] {1});
            return new ContrastiveModel(ContrastiveModel.Family.SIGLIP, spec, ps, visual, text, scale, bias);
        }
        ClipConfig cfg = spec.clip();
        ImageTower visual;
        TextTower text;
        Variable scale;
        if (cfg.layout() == ClipConfig.Layout.HF) {
            if (cfg.vision().kind() != ClipConfig.VisionKind.VIT) {
                throw new IllegalArgumentException("the HF CLIP layout has no ResNet image tower");
            }
            scale = scalar(ps, "logit_scale", new int[0]);
            text = TextTransformer.hf(ps, cfg.text(), "text_projection", cfg.embedDim(), false);
            visual = VisionTransformer.hf(ps, cfg.vision(), cfg.embedDim());
        } else {
            scale = scalar(ps, "logit_scale", new int[0]);
            text = TextTransformer.openAi(ps, cfg.text(), cfg.embedDim());
            visual = cfg.vision().kind() == ClipConfig.VisionKind.VIT
                    ? VisionTransformer.openAi(ps, cfg.vision(), cfg.embedDim())
                    : new ModifiedResNet(ps, cfg.vision(), cfg.embedDim());
        }
        if (text.outputDim() != visual.outputDim()) {
            throw new ModelFormatException("image features (" + visual.outputDim() + ") and text features ("
                    + text.outputDim() + ") have different widths");
        }
        return new ContrastiveModel(ContrastiveModel.Family.CLIP, spec, ps, visual, text, scale, null);
    }

    /** A one-value parameter stored as a 0-dim tensor by default, or in the checkpoint's own shape ({@code [1]}). */
    private static Variable scalar(ParameterStore ps, String name, int[] defaultShape) {
        long[] stored = ps.sourceShape(name);
        if (stored != null && stored.length == 1 && stored[0] == 1) {
            return ps.param(name, 1);
        }
        if (stored != null && stored.length == 0) {
            return ps.param(name);
        }
        return ps.param(name, defaultShape);
    }
}
