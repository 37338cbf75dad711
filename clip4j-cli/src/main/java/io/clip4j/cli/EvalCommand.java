package io.clip4j.cli;

import io.clip4j.data.FashionMnist;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.tensor.Kernels;
import io.clip4j.task.LinearProbe;
import io.clip4j.train.eval.FashionEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Benchmarks of a model on a dataset: zero-shot classification and linear probes. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate an image-text model on a dataset.",
        subcommands = {EvalCommand.ZeroShotCommand.class, EvalCommand.LinearProbeCommand.class})
final class EvalCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Options every evaluation takes. */
    static class Common {
        @Option(names = {"-m", "--model"}, paramLabel = "M",
                description = "Model directory, or 'default' (the built-in Fashion-MNIST model, also used when omitted).")
        Path model;

        @Option(names = "--weights", paramLabel = "FILE", description = "Weights file inside the model directory.")
        String weights;

        @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist (default).")
        String dataset;

        @Option(names = "--limit", defaultValue = "0", description = "Evaluate on the first N images only (0: all).")
        int limit;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        EmbeddingModel load() {
            if (!dataset.equals("fashion-mnist")) {
                throw new Errors.UsageException("unknown --dataset '" + dataset + "' (known: fashion-mnist)");
            }
            if (limit < 0) {
                throw new Errors.UsageException("--limit must be >= 0");
            }
            return Models.loadEmbedding(DefaultModel.resolve(model), weights, Kernels.get());
        }
    }

    @Command(name = "zero-shot", mixinStandardHelpOptions = true,
            description = {"Zero-shot classification accuracy with prompt ensembling.",
                    "Fashion-MNIST: class names t-shirt, trousers, pullover, dress, coat, sandal, shirt, sneaker, bag, "
                            + "ankle boot; 7 templates (\"a photo of a {}.\", \"a black and white photo of a {}.\", ...)."})
    static final class ZeroShotCommand extends Common implements Callable<Integer> {

        @Option(names = "--split", defaultValue = "test", description = "test (default) or train.")
        String split;

        @Override
        public Integer call() {
            FashionMnist.Split sp = switch (split) {
                case "test" -> FashionMnist.Split.TEST;
                case "train" -> FashionMnist.Split.TRAIN;
                default -> throw new Errors.UsageException("--split must be test or train, got '" + split + "'");
            };
            try (EmbeddingModel m = load()) {
                long t0 = System.nanoTime();
                FashionEval.ZeroShotResult r = FashionEval.zeroShot(m, FashionMnist.load(sp), limit);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (json) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("accuracy", r.accuracy());
                    out.put("correct", r.correct());
                    out.put("total", r.total());
                    out.put("dataset", "fashion-mnist");
                    out.put("split", split);
                    Json.println(out);
                } else {
                    System.out.printf(Locale.ROOT, "zero-shot accuracy on fashion-mnist %s: %.4f (%d of %d) in %.1f s%n",
                            split, r.accuracy(), r.correct(), r.total(), seconds);
                }
            }
            return 0;
        }
    }

    @Command(name = "linear-probe", mixinStandardHelpOptions = true,
            description = {"Linear-probe accuracy: logistic regression (L-BFGS, C chosen on a validation split as the "
                    + "CLIP paper does) on the frozen image features of the training split, scored on the test split."})
    static final class LinearProbeCommand extends Common implements Callable<Integer> {

        @Override
        public Integer call() {
            try (EmbeddingModel m = load()) {
                long t0 = System.nanoTime();
                FashionEval.ProbeResult r = FashionEval.linearProbe(m, FashionMnist.load(FashionMnist.Split.TRAIN),
                        FashionMnist.load(FashionMnist.Split.TEST), limit, limit, LinearProbe.Options.defaults());
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (json) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("accuracy", r.accuracy());
                    out.put("c", r.c());
                    out.put("train_images", r.trainImages());
                    out.put("test_images", r.testImages());
                    out.put("feature_dim", r.featureDim());
                    Json.println(out);
                } else {
                    System.out.printf(Locale.ROOT, "linear-probe accuracy on fashion-mnist test: %.4f (C %.3g, %d-dim "
                                    + "features, %d training and %d test images) in %.1f s%n", r.accuracy(), r.c(),
                            r.featureDim(), r.trainImages(), r.testImages(), seconds);
                }
            }
            return 0;
        }
    }
}
