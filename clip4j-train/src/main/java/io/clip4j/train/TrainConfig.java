package io.clip4j.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Everything a training run needs, as {@code train.json} holds it (snake_case keys) and as the CLI's flags
 * override it. Exactly one of {@code model} (a checkpoint to fine-tune) and {@code arch} (a new model) is
 * used; exactly one data source: {@code dataset} ({@code fashion-mnist}) or {@code images} + {@code captions}.
 *
 * @param model            checkpoint directory to fine-tune, or null
 * @param arch             architecture of a new model (when {@code model} is null)
 * @param dataset          {@code fashion-mnist}, or null for a folder
 * @param images           image folder (with {@code captions})
 * @param captions         captions file, CSV or JSON lines
 * @param subset           use only the first N training examples (0: all)
 * @param output           run directory: metrics, checkpoint, final model
 * @param epochs           passes over the data
 * @param maxSteps         stop after this many optimiser steps (0: the epochs decide)
 * @param batchSize        pairs per step
 * @param lr               peak learning rate
 * @param minLr            learning rate at the end of the cosine decay
 * @param warmupSteps      linear warm-up steps
 * @param weightDecay      AdamW decoupled weight decay (CLIP's rule decides which parameters)
 * @param beta1            AdamW beta1
 * @param beta2            AdamW beta2
 * @param eps              AdamW eps
 * @param gradClip         clip the global gradient norm to this (0: off)
 * @param loss             {@code clip} or {@code siglip} (null: the model family's)
 * @param seed             seed of the initialisation, data order, augmentation and captions
 * @param freeze           {@code none}, {@code vision} or {@code text}: a tower that is not trained
 * @param recompute        recompute each block's activations in the backward pass (less memory)
 * @param augment          random shifts/flips (Fashion-MNIST) or flips (folders)
 * @param augmentShift     largest random shift in pixels of the Fashion-MNIST augmentation (0: flips only)
 * @param patchDropout     fraction of a ViT's patch tokens dropped per training image (FLIP; 0: off)
 * @param patchDropoutEpochs drop patches only in the first N epochs, then train on all of them (FLIP's
 *                         unmasked tuning; 0: in every epoch)
 * @param evalEveryEpochs  zero-shot accuracy on the Fashion-MNIST test split every N epochs (0: never)
 * @param evalLimit        evaluate on the first N test images (0: all)
 * @param saveDtype        {@code F32} or {@code F16} for the final model
 * @param checkpointEverySteps also save the checkpoint every N steps (it is always saved after each epoch)
 * @param logEverySteps    write a metrics line every N steps
 * @param resume           continue from the run directory's checkpoint when there is one
 * @param lossChunk        rows of the logit matrix computed at a time
 */
public record TrainConfig(String model, String arch, String dataset, String images, String captions, int subset,
                          String output, int epochs, int maxSteps, int batchSize, double lr, double minLr,
                          int warmupSteps, double weightDecay, double beta1, double beta2, double eps, double gradClip,
                          String loss, long seed, String freeze, boolean recompute, boolean augment, int augmentShift,
                          double patchDropout, int patchDropoutEpochs, int evalEveryEpochs,
                          int evalLimit, String saveDtype, int checkpointEverySteps, int logEverySteps, boolean resume,
                          int lossChunk) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The defaults: a new {@code clip4j-fashion-28} model on Fashion-MNIST. */
    public static TrainConfig defaults() {
        return new TrainConfig(null, "clip4j-fashion-28", "fashion-mnist", null, null, 0, null, 1, 0, 256, 5e-4, 0,
                200, 0.2, 0.9, 0.98, 1e-6, 1.0, null, 0, "none", false, true, 2, 0, 0, 1, 0, "F32", 0, 10, false, 1024);
    }

    /** {@code base} with the keys of {@code overrides} (snake_case) replaced; unknown keys are an error. */
    public static TrainConfig merge(TrainConfig base, JsonNode overrides) {
        ObjectNode tree = JSON.valueToTree(base);
        Iterator<Map.Entry<String, JsonNode>> it = overrides.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!tree.has(e.getKey())) {
                throw new IllegalArgumentException("unknown training setting '" + e.getKey() + "' (known: "
                        + String.join(", ", (Iterable<String>) tree::fieldNames) + ")");
            }
            tree.set(e.getKey(), e.getValue());
        }
        try {
            return JSON.treeToValue(tree, TrainConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid training settings: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** The defaults overridden by a {@code train.json}. */
    public static TrainConfig read(Path file) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        if (n == null || !n.isObject()) {
            throw new IOException(file + ": expected a JSON object of training settings");
        }
        try {
            return merge(defaults(), n);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** This config as JSON (snake_case keys). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This config as a JSON tree. */
    public ObjectNode toTree() {
        return JSON.valueToTree(this);
    }

    /**
     * Checks the settings for consistency.
     *
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public TrainConfig validate() {
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("output (the run directory) is required");
        }
        if ((dataset == null) == (images == null)) {
            throw new IllegalArgumentException("give either dataset (fashion-mnist) or images + captions");
        }
        if (dataset != null && !dataset.equals("fashion-mnist")) {
            throw new IllegalArgumentException("unknown dataset '" + dataset + "' (known: fashion-mnist)");
        }
        if (images != null && captions == null) {
            throw new IllegalArgumentException("images needs a captions file (CSV or JSON lines)");
        }
        if (model == null && arch == null) {
            throw new IllegalArgumentException("give a model to fine-tune or an arch for a new model");
        }
        if (epochs < 1 && maxSteps < 1) {
            throw new IllegalArgumentException("epochs must be at least 1 (or give max_steps)");
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch_size must be at least 2");
        }
        if (!(lr > 0) || minLr < 0 || warmupSteps < 0 || weightDecay < 0 || gradClip < 0) {
            throw new IllegalArgumentException("lr must be positive; min_lr, warmup_steps, weight_decay, grad_clip >= 0");
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0)) {
            throw new IllegalArgumentException("need 0 <= beta1, beta2 < 1 and eps > 0");
        }
        if (loss != null && !loss.equals("clip") && !loss.equals("siglip")) {
            throw new IllegalArgumentException("loss must be clip or siglip, got '" + loss + "'");
        }
        if (!freeze.equals("none") && !freeze.equals("vision") && !freeze.equals("text")) {
            throw new IllegalArgumentException("freeze must be none, vision or text, got '" + freeze + "'");
        }
        if (!saveDtype.equalsIgnoreCase("F32") && !saveDtype.equalsIgnoreCase("F16")) {
            throw new IllegalArgumentException("save_dtype must be F32 or F16, got '" + saveDtype + "'");
        }
        if (augmentShift < 0 || augmentShift > 8) {
            throw new IllegalArgumentException("augment_shift must be between 0 and 8 pixels, got " + augmentShift);
        }
        if (!(patchDropout >= 0 && patchDropout < 1) || patchDropoutEpochs < 0) {
            throw new IllegalArgumentException("patch_dropout must be in [0, 1) and patch_dropout_epochs non-negative, got "
                    + patchDropout + " and " + patchDropoutEpochs);
        }
        if (lossChunk < 1 || logEverySteps < 1 || subset < 0 || evalEveryEpochs < 0 || evalLimit < 0
                || checkpointEverySteps < 0) {
            throw new IllegalArgumentException("loss_chunk and log_every_steps must be positive; subset, "
                    + "eval_every_epochs, eval_limit and checkpoint_every_steps non-negative");
        }
        return this;
    }
}
