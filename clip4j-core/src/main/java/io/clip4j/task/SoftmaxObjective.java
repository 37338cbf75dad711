package io.clip4j.task;

import io.clip4j.optim.DifferentiableFunction;
import io.clip4j.tensor.Kernels;
import io.clip4j.tensor.Parallel;

/**
 * The multinomial logistic regression objective with L2 regularisation, in scikit-learn's scaling:
 * <pre>
 *   f(W, b) = 1/n sum_i [ logsumexp_k(w_k'x_i + b_k) - (w_y_i'x_i + b_y_i) ]  +  lambda/2 ||W||^2,
 *   lambda  = 1 / (C n)
 * </pre>
 * which is scikit-learn's {@code C sum_i loss_i + 1/2 ||W||^2} divided by {@code C n}; the intercepts are
 * not penalised. Parameters are laid out as {@code W [classes, dim]} row-major, then {@code b [classes]}
 * when there is an intercept.
 *
 * <p>Work is split over a fixed number of groups of row blocks, in parallel. Each block's logits are one
 * GEMM; its part of the gradient, {@code sum_i (p_i - onehot(y_i)) x_i'}, is accumulated row by row with
 * the kernels' axpy while the block is still in cache. Partial sums are added in group order, so the
 * result does not depend on the number of threads.
 */
final class SoftmaxObjective implements DifferentiableFunction {

    /** Parallel tasks per evaluation; fixed, for results independent of the machine. */
    private static final int GROUPS = 32;

    private final FeatureBlocks data;
    private final int classes;
    private final int dim;
    private final double lambda;
    private final boolean intercept;
    private final Kernels kernels;
    private final int groups;

    SoftmaxObjective(FeatureBlocks data, int classes, double c, boolean intercept, Kernels kernels) {
        if (!(c > 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("C must be positive and finite, got " + c);
        }
        this.data = data;
        this.classes = classes;
        this.dim = data.dim();
        this.lambda = 1.0 / (c * data.rows());
        this.intercept = intercept;
        this.kernels = kernels;
        this.groups = Math.min(GROUPS, data.blockCount());
    }

    /** Number of parameters: {@code classes * dim (+ classes)}. */
    static int parameterCount(int classes, int dim, boolean intercept) {
        return Math.multiplyExact(classes, dim) + (intercept ? classes : 0);
    }

    int parameterCount() {
        return parameterCount(classes, dim, intercept);
    }

    @Override
    public double evaluate(double[] theta, double[] gradient) {
        int kd = classes * dim;
        float[] w = toFloats(theta, 0, kd);
        float[] b = intercept ? toFloats(theta, kd, classes) : new float[classes];
        double[] groupLoss = new double[groups];
        double[][] groupGrad = new double[groups][];
        double[][] groupBiasGrad = new double[groups][];
        int nb = data.blockCount();
        Parallel.forRange(groups, g -> {
            float[] logits = new float[data.maxBlockRows() * classes];
            float[] blockGrad = new float[kd];
            double[] acc = new double[kd];
            double[] biasAcc = new double[classes];
            double[] expScratch = new double[classes];
            double loss = 0;
            for (int blk = g * nb / groups; blk < (g + 1) * nb / groups; blk++) {
                int r = data.blockRows(blk);
                int start = data.blockStart(blk);
                float[] x = data.block(blk);
                kernels.gemmNT(r, classes, dim, x, 0, dim, w, 0, dim, logits, 0, classes);
                java.util.Arrays.fill(blockGrad, 0f);
                for (int i = 0; i < r; i++) {
                    int y = data.label(start + i);
                    int row = i * classes;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < classes; k++) {
                        logits[row + k] += b[k];
                        max = Math.max(max, logits[row + k]);
                    }
                    double sum = 0;
                    for (int k = 0; k < classes; k++) {
                        double e = Math.exp(logits[row + k] - max);
                        expScratch[k] = e;
                        sum += e;
                    }
                    loss += max + Math.log(sum) - logits[row + y];
                    // dL/dW += (p - onehot(y)) x': the row is still in cache from the logits above.
                    double inv = 1.0 / sum;
                    for (int k = 0; k < classes; k++) {
                        double res = expScratch[k] * inv - (k == y ? 1 : 0);
                        biasAcc[k] += res;
                        kernels.axpy((float) res, x, i * dim, blockGrad, k * dim, dim);
                    }
                }
                // Blocks are summed in double: a float sum over many thousand rows would lose digits
                // that the optimiser needs near the minimum.
                for (int i = 0; i < kd; i++) {
                    acc[i] += blockGrad[i];
                }
            }
            groupLoss[g] = loss;
            groupGrad[g] = acc;
            groupBiasGrad[g] = biasAcc;
        });
        double n = data.rows();
        double loss = 0;
        java.util.Arrays.fill(gradient, 0.0);
        for (int g = 0; g < groups; g++) {
            loss += groupLoss[g];
            double[] acc = groupGrad[g];
            for (int i = 0; i < kd; i++) {
                gradient[i] += acc[i];
            }
            if (intercept) {
                for (int k = 0; k < classes; k++) {
                    gradient[kd + k] += groupBiasGrad[g][k];
                }
            }
        }
        double penalty = 0;
        for (int i = 0; i < kd; i++) {
            penalty += theta[i] * theta[i];
            gradient[i] = gradient[i] / n + lambda * theta[i];
        }
        if (intercept) {
            for (int k = 0; k < classes; k++) {
                gradient[kd + k] /= n;
            }
        }
        return loss / n + 0.5 * lambda * penalty;
    }

    /**
     * Accuracy and mean cross-entropy of the parameters {@code theta} on {@code data} (which need not have
     * transposes).
     */
    static double[] accuracyAndLoss(double[] theta, FeatureBlocks data, int classes, boolean intercept, Kernels kernels) {
        int dim = data.dim();
        int kd = classes * dim;
        float[] w = toFloats(theta, 0, kd);
        float[] b = intercept ? toFloats(theta, kd, classes) : new float[classes];
        int nb = data.blockCount();
        long[] correct = new long[nb];
        double[] loss = new double[nb];
        Parallel.forRange(nb, blk -> {
            int r = data.blockRows(blk);
            int start = data.blockStart(blk);
            float[] logits = new float[r * classes];
            kernels.gemmNT(r, classes, dim, data.block(blk), 0, dim, w, 0, dim, logits, 0, classes);
            for (int i = 0; i < r; i++) {
                int row = i * classes;
                int best = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    logits[row + k] += b[k];
                    if (logits[row + k] > max) {
                        max = logits[row + k];
                        best = k;
                    }
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(logits[row + k] - max);
                }
                int y = data.label(start + i);
                loss[blk] += max + Math.log(sum) - logits[row + y];
                if (best == y) {
                    correct[blk]++;
                }
            }
        });
        long c = 0;
        double l = 0;
        for (int blk = 0; blk < nb; blk++) {
            c += correct[blk];
            l += loss[blk];
        }
        return new double[]{(double) c / data.rows(), l / data.rows()};
    }

    static float[] toFloats(double[] v, int off, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) v[off + i];
        }
        return f;
    }
}
