package io.clip4j.train.eval;

import io.clip4j.train.autograd.Backend;
import io.clip4j.train.autograd.Matmul;

/**
 * A linear probe: multinomial logistic regression with an L2 penalty on frozen, standardised features,
 * fitted by full-batch Adam. {@link #select} chooses the penalty on a held-out part of the training set
 * and refits on all of it, as the CLIP paper's probes do.
 */
public final class LinearProbe {

    private final float[] weight; // [classes, dim]
    private final float[] bias;   // [classes]
    private final float[] mean;
    private final float[] std;
    private final int dim;
    private final int classes;

    private LinearProbe(float[] weight, float[] bias, float[] mean, float[] std, int dim, int classes) {
        this.weight = weight;
        this.bias = bias;
        this.mean = mean;
        this.std = std;
        this.dim = dim;
        this.classes = classes;
    }

    /** Result of a penalty sweep. */
    public record Selection(LinearProbe probe, double l2, double validationAccuracy) {
    }

    /** Fits with penalty {@code l2} (on the mean loss) for {@code iterations} full-batch steps. */
    public static LinearProbe fit(float[] x, int[] y, int n, int dim, int classes, double l2, int iterations) {
        float[] mean = new float[dim];
        float[] std = new float[dim];
        for (int d = 0; d < dim; d++) {
            double s = 0;
            double s2 = 0;
            for (int i = 0; i < n; i++) {
                double v = x[i * dim + d];
                s += v;
                s2 += v * v;
            }
            double m = s / n;
            mean[d] = (float) m;
            std[d] = (float) Math.sqrt(Math.max(1e-12, s2 / n - m * m));
        }
        float[] z = standardise(x, n, dim, mean, std);
        float[] w = new float[classes * dim];
        float[] b = new float[classes];
        float[] mw = new float[w.length];
        float[] vw = new float[w.length];
        float[] mb = new float[classes];
        float[] vb = new float[classes];
        double lr = 0.05;
        Backend be = Backend.fast();
        for (int it = 1; it <= iterations; it++) {
            float[] logits = Matmul.nt(be, n, classes, dim, z, w, b);
            // softmax - onehot, averaged
            for (int i = 0; i < n; i++) {
                int off = i * classes;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, logits[off + c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(logits[off + c] - max);
                }
                for (int c = 0; c < classes; c++) {
                    double p = Math.exp(logits[off + c] - max) / sum;
                    logits[off + c] = (float) ((p - (y[i] == c ? 1 : 0)) / n);
                }
            }
            float[] gw = Matmul.tn(be, classes, dim, n, logits, z);
            float[] gb = new float[classes];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < classes; c++) {
                    gb[c] += logits[i * classes + c];
                }
            }
            for (int k = 0; k < w.length; k++) {
                gw[k] += (float) (l2 * w[k]);
            }
            adam(w, gw, mw, vw, it, lr);
            adam(b, gb, mb, vb, it, lr);
        }
        return new LinearProbe(w, b, mean, std, dim, classes);
    }

    private static void adam(float[] p, float[] g, float[] m, float[] v, int t, double lr) {
        double c1 = 1 - Math.pow(0.9, t);
        double c2 = 1 - Math.pow(0.999, t);
        for (int i = 0; i < p.length; i++) {
            m[i] = 0.9f * m[i] + 0.1f * g[i];
            v[i] = 0.999f * v[i] + 0.001f * g[i] * g[i];
            p[i] -= (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8));
        }
    }

    private static float[] standardise(float[] x, int n, int dim, float[] mean, float[] std) {
        float[] z = new float[n * dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                z[i * dim + d] = (x[i * dim + d] - mean[d]) / std[d];
            }
        }
        return z;
    }

    /**
     * Sweeps {@code l2Values} fitting on the first {@code n - validation} examples and scoring on the rest,
     * then refits the best on all {@code n}.
     */
    public static Selection select(float[] x, int[] y, int n, int dim, int classes, double[] l2Values, int validation,
                                   int iterations) {
        int train = n - validation;
        double bestAcc = -1;
        double bestL2 = l2Values[0];
        float[] xv = java.util.Arrays.copyOfRange(x, train * dim, n * dim);
        int[] yv = java.util.Arrays.copyOfRange(y, train, n);
        for (double l2 : l2Values) {
            LinearProbe p = fit(x, y, train, dim, classes, l2, iterations);
            double acc = p.accuracy(xv, yv, validation);
            if (acc > bestAcc) {
                bestAcc = acc;
                bestL2 = l2;
            }
        }
        return new Selection(fit(x, y, n, dim, classes, bestL2, iterations), bestL2, bestAcc);
    }

    public int[] predict(float[] x, int n) {
        float[] z = standardise(x, n, dim, mean, std);
        float[] logits = Matmul.nt(Backend.fast(), n, classes, dim, z, weight, bias);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    public double accuracy(float[] x, int[] y, int n) {
        int[] p = predict(x, n);
        int ok = 0;
        for (int i = 0; i < n; i++) {
            if (p[i] == y[i]) {
                ok++;
            }
        }
        return (double) ok / n;
    }
}
