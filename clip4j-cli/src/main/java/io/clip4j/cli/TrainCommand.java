package io.clip4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.train.TrainConfig;
import io.clip4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Contrastive training: a new model or fine-tuning a checkpoint, on Fashion-MNIST or a folder with captions. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a CLIP model from scratch or fine-tune a CLIP/SigLIP checkpoint on image-text pairs.",
                "Settings come from --config (train.json, snake_case keys) and the flags below, which override it.",
                "The run directory gets train_config.json, metrics.jsonl, checkpoint/ (resume with --resume) and model/."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "train.json", description = "Training settings (JSON object).")
    Path config;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Run directory.")
    String output;

    @Option(names = {"-m", "--model"}, paramLabel = "M", description = "Checkpoint to fine-tune (instead of --arch).")
    String model;

    @Option(names = "--arch", description = "Architecture of a new model: clip4j-fashion-28 (default), clip4j-fashion-28-p7, clip4j-fashion-tiny, "
            + "ViT-B-32, ViT-B-16, RN50, ...")
    String arch;

    @Option(names = "--dataset", description = "fashion-mnist (default), or use --images and --captions.")
    String dataset;

    @Option(names = "--images", paramLabel = "DIR", description = "Folder of images (with --captions).")
    String images;

    @Option(names = "--captions", paramLabel = "FILE", description = "Captions file: CSV with image,caption columns or JSON lines.")
    String captions;

    @Option(names = "--subset", description = "Use only the first N training pairs.")
    Integer subset;

    @Option(names = "--epochs", description = "Passes over the data (default 1).") Integer epochs;
    @Option(names = "--max-steps", description = "Stop after N optimiser steps (default: the epochs decide).") Integer maxSteps;
    @Option(names = "--batch-size", description = "Pairs per step (default 256).") Integer batchSize;
    @Option(names = "--lr", description = "Peak learning rate (default 5e-4).") Double lr;
    @Option(names = "--min-lr", description = "Learning rate at the end of the cosine decay (default 0).") Double minLr;
    @Option(names = "--warmup-steps", description = "Linear warm-up steps (default 200).") Integer warmupSteps;
    @Option(names = "--weight-decay", description = "AdamW weight decay on weights that are not embeddings, gains or biases (default 0.2).") Double weightDecay;
    @Option(names = "--grad-clip", description = "Clip the global gradient norm (default 1; 0: off).") Double gradClip;
    @Option(names = "--loss", description = "clip or siglip (default: the model family's).") String loss;
    @Option(names = "--seed", description = "Seed of initialisation, data order, augmentation and captions (default 0).") Long seed;
    @Option(names = "--freeze", description = "none, vision or text.") String freeze;
    @Option(names = "--recompute", negatable = true, description = "Recompute block activations in the backward pass.")
    Boolean recompute;
    @Option(names = "--augment", negatable = true, description = "Random shifts/flips (default on).") Boolean augment;
    @Option(names = "--augment-shift", description = "Largest random shift in pixels of the Fashion-MNIST "
            + "augmentation (default 2; 0: flips only).") Integer augmentShift;
    @Option(names = "--patch-dropout", description = "Fraction of a ViT's patch tokens dropped per training image "
            + "(FLIP, open_clip's patch_dropout; default 0: off).") Double patchDropout;
    @Option(names = "--patch-dropout-epochs", description = "Drop patches only in the first N epochs, then train on "
            + "every patch (default 0: every epoch).") Integer patchDropoutEpochs;
    @Option(names = "--eval-every-epochs", description = "Fashion-MNIST zero-shot test accuracy every N epochs (default 1; 0: off).")
    Integer evalEveryEpochs;
    @Option(names = "--eval-limit", description = "Evaluate on the first N test images (default 0: all).") Integer evalLimit;
    @Option(names = "--save-dtype", description = "F32 (default) or F16 for the final model.") String saveDtype;
    @Option(names = "--checkpoint-every-steps", description = "Also checkpoint every N steps (it is always saved after each epoch).") Integer checkpointEverySteps;
    @Option(names = "--log-every-steps", description = "A metrics.jsonl line every N steps (default 10).") Integer logEverySteps;
    @Option(names = "--resume", description = "Continue from the run directory's checkpoint.") Boolean resume;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            System.setProperty("clip4j.threads", Integer.toString(threads));
        }
        TrainConfig cfg = config != null ? TrainConfig.read(config) : TrainConfig.defaults();
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("output", output);
        flags.put("model", model);
        flags.put("arch", arch);
        flags.put("dataset", dataset);
        flags.put("images", images);
        flags.put("captions", captions);
        flags.put("subset", subset);
        flags.put("epochs", epochs);
        flags.put("max_steps", maxSteps);
        flags.put("batch_size", batchSize);
        flags.put("lr", lr);
        flags.put("min_lr", minLr);
        flags.put("warmup_steps", warmupSteps);
        flags.put("weight_decay", weightDecay);
        flags.put("grad_clip", gradClip);
        flags.put("loss", loss);
        flags.put("seed", seed);
        flags.put("freeze", freeze);
        flags.put("recompute", recompute);
        flags.put("augment", augment);
        flags.put("augment_shift", augmentShift);
        flags.put("patch_dropout", patchDropout);
        flags.put("patch_dropout_epochs", patchDropoutEpochs);
        flags.put("eval_every_epochs", evalEveryEpochs);
        flags.put("eval_limit", evalLimit);
        flags.put("save_dtype", saveDtype);
        flags.put("checkpoint_every_steps", checkpointEverySteps);
        flags.put("log_every_steps", logEverySteps);
        flags.put("resume", resume);
        ObjectNode overrides = Json.MAPPER.createObjectNode();
        flags.forEach((k, v) -> {
            if (v != null) {
                overrides.set(k, Json.MAPPER.valueToTree(v));
            }
        });
        if (images != null && dataset == null) {
            overrides.putNull("dataset"); // a folder replaces the default dataset
        }
        if (model != null && arch == null) {
            overrides.putNull("arch");
        }
        try {
            cfg = TrainConfig.merge(cfg, overrides).validate();
        } catch (IllegalArgumentException e) {
            throw new Errors.UsageException(e.getMessage());
        }
        boolean terminal = ProgressBar.defaultEnabled();
        Trainer.Summary s = new Trainer(cfg, new TrainProgress(System.err, terminal, quiet)).run();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", s.model().toString());
            out.put("steps", s.steps());
            out.put("final_loss", s.finalLoss());
            out.put("train_seconds", s.seconds());
            out.put("images_per_s", s.imagesPerSecond());
            if (!Double.isNaN(s.zeroShotAccuracy())) {
                out.put("zero_shot_accuracy", s.zeroShotAccuracy());
            }
            Json.println(out);
        } else {
            System.out.printf(Locale.ROOT, "trained %d steps in %s (%.0f images/s), final loss %.4f%s; model in %s%n",
                    s.steps(), TrainProgress.duration(Math.round(s.seconds())), s.imagesPerSecond(), s.finalLoss(),
                    Double.isNaN(s.zeroShotAccuracy()) ? ""
                            : String.format(Locale.ROOT, ", zero-shot test accuracy %.4f", s.zeroShotAccuracy()), s.model());
        }
        return 0;
    }
}
