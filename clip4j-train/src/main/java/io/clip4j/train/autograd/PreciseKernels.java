package io.clip4j.train.autograd;

import io.clip4j.tensor.Activation;
import io.clip4j.tensor.GemmKernel;
import io.clip4j.tensor.Kernels;

/**
 * Kernels that accumulate every dot product, mean and sum in double precision (storage stays float32):
 * slower, and as close to a float64 reference as float32 tensors allow. Used when comparing gradients and
 * optimiser steps with PyTorch's float64 fixtures, where AdamW amplifies the rounding of tiny gradients.
 */
final class PreciseKernels implements Kernels {

    static final PreciseKernels INSTANCE = new PreciseKernels();

    private PreciseKernels() {
    }

    @Override
    public String name() {
        return "precise";
    }

    /** The packed-GEMM tile with double accumulation, for any core product that runs on this backend. */
    @Override
    public GemmKernel gemmKernel() {
        return PreciseGemm.INSTANCE;
    }

    /** The packed-GEMM tile with double accumulation (see {@link GemmKernel} for the operand layout). */
    private static final class PreciseGemm implements GemmKernel {
        static final PreciseGemm INSTANCE = new PreciseGemm();

        @Override
        public int mr() {
            return 4;
        }

        @Override
        public int nr() {
            return 8;
        }

        @Override
        public void tile(int kc, float[] a, int aOff, int lda, int rows, float[] b, int bOff, int bStride,
                         float[] c, int cOff, int ldc, int cols, boolean accumulate) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    double s = accumulate ? c[cOff + r * ldc + j] : 0;
                    for (int p = 0; p < kc; p++) {
                        s += (double) a[aOff + r * lda + p] * b[bOff + p * bStride + j];
                    }
                    c[cOff + r * ldc + j] = (float) s;
                }
            }
        }

        @Override
        public void finish(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, Activation act) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    float v = c[cOff + r * ldc + j] + (bias == null ? 0f : bias[biasOff + j]);
                    c[cOff + r * ldc + j] = act == null ? v : act.apply(v);
                }
            }
        }
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = dot(a, aOff + i * lda, b, bOff + j * ldb, k);
            }
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[aOff + i] * b[bOff + i];
        }
        return (float) s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) (y[yOff + i] + (double) alpha * x[xOff + i]);
        }
    }

    @Override
    public void scale(float[] x, int off, int n, float s) {
        for (int i = 0; i < n; i++) {
            x[off + i] *= s;
        }
    }

    @Override
    public void layerNorm(float[] x, int xOff, float[] y, int yOff, int n, float[] gamma, float[] beta, float eps) {
        Kernels.scalar().layerNorm(x, xOff, y, yOff, n, gamma, beta, eps);
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(x, off, off + n, 0f);
            return;
        }
        double[] e = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            e[i] = Math.exp(x[off + i] - max);
            sum += e[i];
        }
        for (int i = 0; i < n; i++) {
            x[off + i] = (float) (e[i] / sum);
        }
    }

    @Override
    public void activate(Activation act, float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = act.apply(x[i]);
        }
    }
}
