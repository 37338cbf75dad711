package io.clip4j.train.eval;

import io.clip4j.data.FashionMnist;
import io.clip4j.image.Preprocessor;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.tensor.Parallel;
import io.clip4j.tensor.Tensor;
import io.clip4j.task.LinearProbe;
import io.clip4j.task.ZeroShotClassifier;
import io.clip4j.train.data.Captions;

import java.util.List;

/**
 * Fashion-MNIST benchmarks of any image-text model (a checkpoint, or a model in training): zero-shot
 * accuracy with prompt ensembling over {@link Captions#EVAL_TEMPLATES}, and the accuracy of a linear probe
 * on its image features. Images go through the model's own preprocessing.
 */
public final class FashionEval {

    private static final int BATCH = 500;

    private FashionEval() {
    }

    /** A zero-shot result with its confusion matrix ({@code [truth][prediction]}). */
    public record ZeroShotResult(double accuracy, int correct, int total, int[][] confusion) {
    }

    /** A linear-probe result. */
    public record ProbeResult(double accuracy, double c, int trainImages, int testImages, int featureDim) {
    }

    /** The zero-shot class names: the first name of each class in {@link Captions#FASHION_NAMES}. */
    public static List<String> classNames() {
        return Captions.FASHION_NAMES.stream().map(List::getFirst).toList();
    }

    /** Preprocessed pixels {@code [to - from, 3, s, s]} of images {@code [from, to)}. */
    public static Tensor pixels(EmbeddingModel model, FashionMnist data, int from, int to) {
        int s = model.imageSize();
        int image = 3 * s * s;
        Preprocessor pre = new Preprocessor(model.preprocessConfig());
        float[] out = new float[(to - from) * image];
        Parallel.forRange(to - from, i -> {
            var px = pre.apply(data.image(from + i));
            if (px.width() != s || px.height() != s) {
                throw new IllegalStateException("the model's preprocessing gives " + px.width() + "x" + px.height()
                        + " images, its image tower takes " + s + "x" + s);
            }
            System.arraycopy(px.chw(), 0, out, i * image, image);
        });
        return Tensor.of(out, to - from, 3, s, s);
    }

    /** Zero-shot classification of the first {@code limit} images of {@code data} (0: all). */
    public static ZeroShotResult zeroShot(EmbeddingModel model, FashionMnist data, int limit) {
        ZeroShotClassifier zs = ZeroShotClassifier.build(model, classNames(), Captions.EVAL_TEMPLATES);
        int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
        int k = zs.labels().size();
        int[][] confusion = new int[k][k];
        int correct = 0;
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            float[] cos = zs.cosines(model.embedPixels(pixels(model, data, from, to))).data();
            for (int i = 0; i < to - from; i++) {
                int best = 0;
                for (int c = 1; c < k; c++) {
                    if (cos[i * k + c] > cos[i * k + best]) {
                        best = c;
                    }
                }
                int truth = data.label(from + i);
                confusion[truth][best]++;
                if (best == truth) {
                    correct++;
                }
            }
        }
        return new ZeroShotResult((double) correct / n, correct, n, confusion);
    }

    /** Image features {@code [n, dim]} (unnormalised) of the first {@code limit} images (0: all). */
    public static float[][] features(EmbeddingModel model, FashionMnist data, int limit) {
        int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            Tensor f = model.encodeImage(pixels(model, data, from, to));
            for (int i = 0; i < to - from; i++) {
                out[from + i] = f.row(i);
            }
        }
        return out;
    }

    /**
     * A linear probe (the core's {@link LinearProbe}: L-BFGS logistic regression, C chosen on a validation
     * split of the training features) fitted on the first {@code trainLimit} training images and scored on
     * the first {@code testLimit} test images (0: all).
     */
    public static ProbeResult linearProbe(EmbeddingModel model, FashionMnist train, FashionMnist test, int trainLimit,
                                          int testLimit, LinearProbe.Options options) {
        float[][] xtr = features(model, train, trainLimit);
        int[] ytr = java.util.Arrays.copyOf(train.labels(), xtr.length);
        LinearProbe probe = LinearProbe.fit(xtr, ytr, FashionMnist.LABELS, options);
        float[][] xte = features(model, test, testLimit);
        int ok = 0;
        for (int i = 0; i < xte.length; i++) {
            if (probe.predict(xte[i]) == test.label(i)) {
                ok++;
            }
        }
        return new ProbeResult((double) ok / xte.length, probe.c(), xtr.length, xte.length, xtr[0].length);
    }
}
