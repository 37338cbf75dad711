package io.clip4j.cli;

import io.clip4j.image.Preprocessor;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.model.siglip.SiglipModel;
import io.clip4j.train.data.FashionMnist;
import io.clip4j.train.eval.FashionEval;
import io.clip4j.train.eval.InferenceEmbeddings;
import io.clip4j.train.eval.LinearProbe;
import io.clip4j.train.io.ModelPreprocessing;
import io.clip4j.train.io.ModelTokenizer;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.model.ModelFactory;
import io.clip4j.train.model.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Benchmarks of a model on a dataset: zero-shot classification and linear probes. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on a dataset.",
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

        @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist (default).")
        String dataset;

        @Option(names = "--limit", defaultValue = "0", description = "Evaluate on the first N images only (0: all).")
        int limit;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        /** The model's files and helpers, loaded through the core's inference classes. */
        record Loaded(Path dir, ModelSpec spec, InferenceEmbeddings embeddings, Preprocessor preprocessor) {
        }

        Loaded load() {
            if (!dataset.equals("fashion-mnist")) {
                throw new Errors.UsageException("unknown --dataset '" + dataset + "' (known: fashion-mnist)");
            }
            if (limit < 0) {
                throw new Errors.UsageException("--limit must be >= 0");
            }
            Path dir = DefaultModel.resolve(model);
            ModelSpec s = ModelFactory.specOf(dir);
            InferenceEmbeddings e = s.family() == ContrastiveModel.Family.SIGLIP
                    ? new InferenceEmbeddings(SiglipModel.load(dir)) : new InferenceEmbeddings(ClipModel.load(dir));
            return new Loaded(dir, s, e, new Preprocessor(ModelPreprocessing.of(dir, s)));
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
            Loaded m = load();
            try (var emb = m.embeddings()) {
                boolean padMask = m.spec().family() == ContrastiveModel.Family.CLIP && m.spec().text().usePaddingMask();
                long t0 = System.nanoTime();
                FashionEval.ZeroShotResult r = FashionEval.zeroShot(emb, ModelTokenizer.of(m.dir(), m.spec()), padMask,
                        m.preprocessor(), FashionMnist.load(sp), limit);
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
            description = {"Linear-probe accuracy: logistic regression on the frozen image features of the training split "
                    + "(L2 penalty chosen on its last 10,000 images, then refit on all of it), scored on the test split."})
    static final class LinearProbeCommand extends Common implements Callable<Integer> {

        @Option(names = "--iterations", defaultValue = "300", description = "Full-batch optimiser steps per fit.")
        int iterations;

        @Override
        public Integer call() {
            Loaded m = load();
            try (var emb = m.embeddings()) {
                FashionMnist train = FashionMnist.load(FashionMnist.Split.TRAIN);
                FashionMnist test = FashionMnist.load(FashionMnist.Split.TEST);
                int n = limit > 0 ? Math.min(limit, train.size()) : train.size();
                float[] xtr = FashionEval.features(emb, m.preprocessor(), train, n);
                int dim = xtr.length / n;
                int[] ytr = labels(train, n);
                int nt = limit > 0 ? Math.min(limit, test.size()) : test.size();
                float[] xte = FashionEval.features(emb, m.preprocessor(), test, nt);
                int[] yte = labels(test, nt);
                LinearProbe.Selection sel = LinearProbe.select(xtr, ytr, n, dim, 10,
                        new double[] {1e-5, 1e-4, 1e-3, 1e-2}, Math.max(1, n / 6), iterations);
                double acc = sel.probe().accuracy(xte, yte, nt);
                if (json) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("accuracy", acc);
                    out.put("l2", sel.l2());
                    out.put("validation_accuracy", sel.validationAccuracy());
                    out.put("train_images", n);
                    out.put("test_images", nt);
                    Json.println(out);
                } else {
                    System.out.printf(Locale.ROOT, "linear-probe accuracy on fashion-mnist test: %.4f (l2 %.0e chosen on a "
                            + "validation split, %.4f there; %d-dim features)%n", acc, sel.l2(), sel.validationAccuracy(), dim);
                }
            }
            return 0;
        }

        private static int[] labels(FashionMnist d, int n) {
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = d.label(i);
            }
            return y;
        }
    }
}
