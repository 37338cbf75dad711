package io.clip4j.train.eval;

import io.clip4j.image.DecodedImage;
import io.clip4j.image.ImageMode;
import io.clip4j.image.Preprocessor;
import io.clip4j.tensor.Parallel;
import io.clip4j.text.Tokenizer;
import io.clip4j.train.data.Captions;
import io.clip4j.train.data.FashionMnist;

import java.util.List;

/** Zero-shot accuracy and linear-probe accuracy of a model on Fashion-MNIST. */
public final class FashionEval {

    private static final int BATCH = 500;

    private FashionEval() {
    }

    /** The result of a zero-shot run. */
    public record ZeroShotResult(double accuracy, int correct, int total, int[] confusion) {
    }

    /** Preprocessed pixels of images {@code [from, to)} of {@code data}. */
    public static float[] pixels(FashionMnist data, int from, int to, Preprocessor pre, int imageSize) {
        int image = 3 * imageSize * imageSize;
        float[] out = new float[(to - from) * image];
        Parallel.forRange(to - from, i -> {
            var px = pre.apply(DecodedImage.of(FashionMnist.SIZE, FashionMnist.SIZE, ImageMode.L, data.image(from + i)));
            if (px.width() != imageSize || px.height() != imageSize) {
                throw new IllegalStateException("the model's preprocessing gives " + px.width() + "x" + px.height()
                        + " images, its image tower takes " + imageSize + "x" + imageSize);
            }
            System.arraycopy(px.chw(), 0, out, i * image, image);
        });
        return out;
    }

    /**
     * Zero-shot classification of the first {@code limit} images of {@code data} (0: all) with the class
     * names of {@link Captions#FASHION_NAMES} and the evaluation templates.
     */
    public static ZeroShotResult zeroShot(EmbeddingModel model, Tokenizer tokenizer, boolean padMask, Preprocessor pre,
                                          FashionMnist data, int limit) {
        List<String> classes = Captions.FASHION_NAMES.stream().map(List::getFirst).toList();
        float[] w = ZeroShot.classWeights(model, tokenizer, classes, Captions.EVAL_TEMPLATES, padMask);
        int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
        int correct = 0;
        int k = classes.size();
        int[] confusion = new int[k * k];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            float[] emb = model.embedImages(pixels(data, from, to, pre, model.imageSize()), to - from);
            int[] pred = ZeroShot.predict(emb, to - from, w, k);
            for (int i = 0; i < pred.length; i++) {
                int truth = data.label(from + i);
                confusion[truth * k + pred[i]]++;
                if (pred[i] == truth) {
                    correct++;
                }
            }
        }
        return new ZeroShotResult((double) correct / n, correct, n, confusion);
    }

    /** Image features of the first {@code limit} images (0: all), {@code [n, dim]}. */
    public static float[] features(EmbeddingModel model, Preprocessor pre, FashionMnist data, int limit) {
        int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
        float[] out = null;
        int dim = 0;
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            float[] f = model.imageFeatures(pixels(data, from, to, pre, model.imageSize()), to - from);
            if (out == null) {
                dim = f.length / (to - from);
                out = new float[n * dim];
            }
            System.arraycopy(f, 0, out, from * dim, f.length);
        }
        return out;
    }
}
