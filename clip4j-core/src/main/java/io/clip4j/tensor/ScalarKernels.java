package io.clip4j.tensor;

/**
 * Plain Java loops: the reference every faster kernel is tested against, and the fallback when the
 * Vector API is unavailable. Accumulates in float, in index order, like a straightforward BLAS.
 */
public final class ScalarKernels implements Kernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public GemmKernel gemmKernel() {
        return ScalarGemmKernel.INSTANCE;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = dot(a, ai, b, bOff + j * ldb, k);
            }
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
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
        // Two passes (mean, then centred variance) in double: stable for large offsets.
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[xOff + i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double d = x[xOff + i] - mean;
            var += d * d;
        }
        var /= n;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        float mu = (float) mean;
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (x[xOff + i] - mu) * inv * gamma[i] + beta[i];
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(x, off, off + n, 0f);
            return;
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    @Override
    public void activate(Activation act, float[] x, int off, int n) {
        for (int i = 0; i < n; i++) {
            x[off + i] = act.apply(x[off + i]);
        }
    }
}
