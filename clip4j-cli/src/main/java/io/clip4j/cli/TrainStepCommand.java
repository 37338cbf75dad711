package io.clip4j.cli;

import io.clip4j.model.TokenBatch;
import io.clip4j.train.TrainStep;
import io.clip4j.train.autograd.Backend;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.model.ModelFactory;
import io.clip4j.weights.SafeTensorsFile;
import io.clip4j.weights.SafeTensorsWriter;
import io.clip4j.weights.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Loss, gradients and optimiser steps of one batch: the tool for checking a port against PyTorch autograd. */
@Command(name = "train-step", mixinStandardHelpOptions = true,
        description = {"Back-propagate one batch of image-text pairs and write the loss and every parameter's gradient.",
                "The first B images and B texts of --inputs are the pairs (B = the smaller count). Writes loss, "
                        + "grad.<param> (the checkpoint's names and shapes) and, with --steps N, loss.step<i> (the loss "
                        + "before update i) and step<N>.<param> after N AdamW steps (lr 1e-3, betas 0.9/0.98, eps 1e-6, "
                        + "weight decay 0.2 on weights that are not embeddings, logit_scale clamped to [0, ln 100])."})
final class TrainStepCommand implements Callable<Integer> {

    enum Precision { precise, fast }

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M", description = "Model directory (CLIP or SigLIP).")
    Path model;

    @Option(names = "--inputs", required = true, paramLabel = "IN.safetensors",
            description = "pixel_values (F32 [N, 3, S, S]) and input_ids (I64 [T, L]; optional attention_mask).")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "OUT.safetensors", description = "Where to write the results.")
    Path out;

    @Option(names = "--loss", description = "clip or siglip (default: the model family's).")
    String loss;

    @Option(names = "--steps", defaultValue = "0", description = "AdamW steps to take on the batch (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--precision", defaultValue = "precise", description = "precise (double-precision accumulation, "
            + "for comparing with float64 references) or fast (the training kernels); default ${DEFAULT-VALUE}.")
    Precision precision;

    @Override
    public Integer call() {
        if (steps < 0) {
            throw new Errors.UsageException("--steps must be >= 0");
        }
        ContrastiveModel.LossKind kind = null;
        if (loss != null) {
            try {
                kind = ContrastiveModel.LossKind.valueOf(loss.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Errors.UsageException("--loss must be clip or siglip, got '" + loss + "'");
            }
        }
        ContrastiveModel m = ModelFactory.load(model, name -> false);
        if (kind == null) {
            kind = m.defaultLoss();
        }
        float[] pixels;
        TokenBatch tokens;
        try (SafeTensorsFile in = SafeTensorsFile.open(inputs)) {
            TensorInfo px = require(in, "pixel_values", 4);
            TensorInfo ids = require(in, "input_ids", 2);
            if (ids.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(inputs.getFileName() + ": input_ids must be an integer tensor, got " + ids.dtype());
            }
            int s = m.visual().imageSize();
            long[] ps = px.shape();
            if (ps[1] != 3 || ps[2] != s || ps[3] != s) {
                throw new IllegalArgumentException(inputs.getFileName() + ": pixel_values has shape " + px.shapeString()
                        + ", this model takes [N, 3, " + s + ", " + s + "]");
            }
            int b = (int) Math.min(ps[0], ids.shape()[0]);
            if (b < 1) {
                throw new IllegalArgumentException(inputs.getFileName() + ": no pairs (pixel_values " + px.shapeString()
                        + ", input_ids " + ids.shapeString() + ")");
            }
            int len = (int) ids.shape()[1];
            pixels = Arrays.copyOf(in.floats("pixel_values"), b * 3 * s * s);
            long[] mask = null;
            if (in.contains("attention_mask")) {
                TensorInfo mi = in.info("attention_mask");
                if (!Arrays.equals(mi.shape(), ids.shape())) {
                    throw new IllegalArgumentException(inputs.getFileName() + ": attention_mask has shape " + mi.shapeString()
                            + ", input_ids " + ids.shapeString());
                }
                mask = Arrays.copyOf(in.longs("attention_mask"), b * len);
            }
            tokens = new TokenBatch(Arrays.copyOf(in.longs("input_ids"), b * len), mask, b, len);
        }
        Backend backend = precision == Precision.precise ? Backend.precise() : Backend.fast();
        Map<String, TrainStep.Named> result = TrainStep.run(m, pixels, tokens, kind, steps, backend);
        SafeTensorsWriter w = new SafeTensorsWriter();
        w.metadata("producer", "clip4j train-step").metadata("model", String.valueOf(model))
                .metadata("pairs", Integer.toString(tokens.batch())).metadata("loss", kind.name().toLowerCase(Locale.ROOT))
                .metadata("precision", precision.name());
        TrainStep.write(result, w);
        w.write(out);
        System.out.printf(Locale.ROOT, "loss %.6f over %d pairs%s; wrote %d tensors to %s%n", result.get("loss").values()[0],
                tokens.batch(), steps > 0 ? String.format(Locale.ROOT, ", after %d AdamW steps %.6f", steps,
                        result.get("loss.step" + steps).values()[0]) : "", result.size(), out);
        return 0;
    }

    private TensorInfo require(SafeTensorsFile in, String name, int rank) {
        TensorInfo info = in.info(name);
        if (info == null) {
            throw new IllegalArgumentException(inputs.getFileName() + ": no tensor '" + name + "'");
        }
        if (info.rank() != rank) {
            throw new IllegalArgumentException(inputs.getFileName() + ": " + name + " must have " + rank
                    + " dimensions, got " + info.shapeString());
        }
        return info;
    }
}
