package io.clip4j.model;

import io.clip4j.image.ImageLoader;
import io.clip4j.image.PixelValues;
import io.clip4j.image.Preprocessor;
import io.clip4j.tensor.Ops;
import io.clip4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Helpers shared by the {@link EmbeddingModel} implementations. */
public final class Embeddings {

    private Embeddings() {
    }

    /** Rows divided by their L2 norm (a new tensor). */
    public static Tensor normalize(Tensor features) {
        float[] d = features.data().clone();
        Ops.l2NormalizeRows(d, features.dim(0), features.dim(1));
        return Tensor.of(d, features.shape());
    }

    /** {@code exp(scale) * a @ b^T + bias}. */
    public static Tensor scaledDot(Ops ops, Tensor a, Tensor b, float logitScale, float bias) {
        int n = a.dim(0);
        int m = b.dim(0);
        int d = a.dim(1);
        if (b.dim(1) != d) {
            throw new IllegalArgumentException("embedding widths differ: " + d + " vs " + b.dim(1));
        }
        float[] out = new float[n * m];
        ops.gemmNT(n, m, d, a.data(), 0, d, b.data(), 0, d, out, 0, m, null, null);
        float s = (float) Math.exp(logitScale);
        for (int i = 0; i < out.length; i++) {
            out[i] = out[i] * s + bias;
        }
        return Tensor.of(out, n, m);
    }

    static Tensor probabilities(Tensor logits, EmbeddingModel.Scoring scoring) {
        float[] p = logits.data().clone();
        int n = logits.dim(0);
        int m = logits.dim(1);
        if (scoring == EmbeddingModel.Scoring.SIGMOID) {
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (1 / (1 + Math.exp(-p[i])));
            }
        } else {
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < m; j++) {
                    max = Math.max(max, p[i * m + j]);
                }
                double sum = 0;
                for (int j = 0; j < m; j++) {
                    sum += Math.exp(p[i * m + j] - max);
                }
                for (int j = 0; j < m; j++) {
                    p[i * m + j] = (float) (Math.exp(p[i * m + j] - max) / sum);
                }
            }
        }
        return Tensor.of(p, n, m);
    }

    /**
     * Embeds image files: each batch is decoded and preprocessed in parallel (outside the compute pool)
     * and then encoded as one batch.
     */
    static Tensor embedFiles(EmbeddingModel model, List<Path> files, ImageLoader loader, int batch) {
        Preprocessor pre = new Preprocessor(model.preprocessConfig());
        int s = model.imageSize();
        int n = files.size();
        float[] out = new float[n * model.embedDim()];
        for (int start = 0; start < n; start += batch) {
            int count = Math.min(batch, n - start);
            float[] px = new float[count * 3 * s * s];
            int from = start;
            IntConsumer prep = i -> {
                PixelValues v = pre.apply(loader.load(files.get(from + i)));
                if (v.height() != s || v.width() != s) {
                    throw new IllegalStateException(files.get(from + i) + ": preprocessing gave " + v.width() + "x"
                            + v.height() + " pixels, the model needs " + s + "x" + s);
                }
                System.arraycopy(v.chw(), 0, px, i * 3 * s * s, 3 * s * s);
            };
            IntStream.range(0, count).parallel().forEach(prep);
            Tensor e = normalize(model.encodeImage(Tensor.of(px, count, 3, s, s)));
            System.arraycopy(e.data(), 0, out, start * model.embedDim(), e.size());
        }
        return Tensor.of(out, n, model.embedDim());
    }
}
